"""Who may do what with editions, pairings and their action plans.

Everyone reads editions and pairings. The coordinators of an edition (and programme staff)
manage its pairings' action plans from the front end: add, edit and delete actions. A delegate
of a member city of a pairing (a lead city or a further member) updates the status and progress
of that pairing's actions and nothing else. Matchmaking (an edition's suggested pairings:
pin, exclude, accept) is for programme staff and the edition's coordinators.
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


@rules.predicate
def coordinates_edition(user, edition) -> bool:
    """A coordinator of this edition."""
    if edition is None or not is_coordinator(user):
        return False
    return edition.coordinators.filter(pk=user.pk).exists()


can_manage_action_plan = is_programme_staff | is_edition_coordinator
# Matchmaking: see the suggestions of an edition, pin, exclude and accept them.
can_match_edition = is_programme_staff | coordinates_edition
can_update_action_progress = can_manage_action_plan | is_member_city_delegate

rules.add_perm("twinning.manage_action_plan", can_manage_action_plan)
rules.add_perm("twinning.update_action_progress", can_update_action_progress)
rules.add_perm("twinning.match_edition", can_match_edition)
