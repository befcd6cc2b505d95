"""Who may do what with editions, pairings and their action plans.

Everyone reads editions and pairings. The coordinators of an edition (and programme staff)
manage its pairings' action plans from the front end: add, edit and delete actions. A delegate
of a member city of a pairing (a lead city or a further member) updates the status and progress
of that pairing's actions and nothing else.

A pairing's workspace (its discussions, documents and timeline) is for the delegates of its
member cities, the coordinators of its edition and programme staff; to anyone else it does not
exist (404). The community spaces, one per thematic area, are open to every delegate,
coordinator and staff member, not to visitors.
"""

import rules

from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff


@rules.predicate
def is_edition_coordinator(user, pairing) -> bool:
    """A coordinator of the pairing's edition."""
    if pairing is None or not is_coordinator(user):
        return False
    return pairing.edition.coordinators.filter(pk=user.pk).exists()


@rules.predicate
def is_member_city_delegate(user, pairing) -> bool:
    """A delegate of one of the pairing's member cities, on either side."""
    if pairing is None or not is_delegate(user):
        return False
    return user.city_id in pairing.member_city_ids()


can_manage_action_plan = is_programme_staff | is_edition_coordinator
can_update_action_progress = can_manage_action_plan | is_member_city_delegate

can_use_workspace = is_programme_staff | is_edition_coordinator | is_member_city_delegate


@rules.predicate
def is_community_member(user) -> bool:
    """Every delegate, coordinator and programme staff member."""
    return bool(is_programme_staff(user) or is_coordinator(user) or is_delegate(user))


rules.add_perm("twinning.manage_action_plan", can_manage_action_plan)
rules.add_perm("twinning.update_action_progress", can_update_action_progress)
rules.add_perm("twinning.use_workspace", can_use_workspace)
rules.add_perm("twinning.use_community", is_community_member)
