"""Who may do what with editions, pairings and their action plans.

Everyone reads editions and pairings. The coordinators of an edition (and programme staff)
manage its pairings' action plans from the front end: add, edit and delete actions. A delegate
of a member city of a pairing (a lead city or a further member) updates the status and progress
of that pairing's actions and nothing else.

Outcomes: whoever may update the plan's progress (delegates of its member cities, the
edition's coordinators, staff) records the pairing's outcomes and sees those not yet checked;
the edition's coordinators and staff check them. Everyone sees the checked ones.
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

rules.add_perm("twinning.manage_action_plan", can_manage_action_plan)
rules.add_perm("twinning.update_action_progress", can_update_action_progress)

can_record_outcome = can_update_action_progress
can_check_outcome = can_manage_action_plan

rules.add_perm("twinning.record_outcome", can_record_outcome)
rules.add_perm("twinning.check_outcome", can_check_outcome)
