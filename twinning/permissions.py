"""Who may do what with editions, pairings and their action plans.

Everyone reads editions and pairings. The coordinators of an edition (and programme staff)
manage its pairings' action plans from the front end: add, edit and delete actions. A delegate
of a member city of a pairing (a lead city or a further member) updates the status and progress
of that pairing's actions and nothing else.
"""

import rules

from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff


def coordinates_edition(user) -> dict[int, bool]:
    """Whether ``user`` coordinates each edition asked about so far in this request, by
    edition id: more than one rule asks on the same page, and a selector that read it with
    the pairing fills it in."""
    known = getattr(user, "_coordinates_edition", None)
    if known is None:
        known = user._coordinates_edition = {}
    return known


@rules.predicate
def is_edition_coordinator(user, pairing) -> bool:
    """A coordinator of the pairing's edition."""
    if pairing is None or not is_coordinator(user):
        return False
    known = coordinates_edition(user)
    if pairing.edition_id not in known:
        known[pairing.edition_id] = pairing.edition.coordinators.filter(pk=user.pk).exists()
    return known[pairing.edition_id]


@rules.predicate
def is_member_city_delegate(user, pairing) -> bool:
    """A delegate of one of the pairing's member cities, on either side."""
    if pairing is None or not is_delegate(user):
        return False
    return user.city_id in pairing.member_city_ids()


can_manage_action_plan = is_programme_staff | is_edition_coordinator
can_update_action_progress = can_manage_action_plan | is_member_city_delegate

rules.add_perm("twinning.manage_action_plan", can_manage_action_plan)
rules.add_perm("twinning.update_action_progress", can_update_action_progress)
