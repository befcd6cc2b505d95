"""Who may do what with editions, pairings and their action plans.

Everyone reads editions and pairings. The coordinators of an edition (and programme staff)
manage its pairings' action plans from the front end: add, edit and delete actions. A delegate
of a member city of a pairing (a lead city or a further member) updates the status and progress
of that pairing's actions and nothing else.

The review of a call's applications: programme staff assign reviewers, read every score,
decide, send the decisions and export the call. A reviewer reads and scores only the
applications assigned to them, once they declared no conflict of interest; a declared conflict
withdraws them. Nobody else, applicants included, sees a score.

Matchmaking (an edition's suggested pairings:
pin, exclude, accept) is for programme staff and the edition's coordinators.

Outcomes: whoever may update the plan's progress (delegates of its member cities, the
edition's coordinators, staff) records the pairing's outcomes and sees those not yet checked;
the edition's coordinators and staff check them. Everyone sees the checked ones.

A pairing's workspace (its discussions, documents and timeline) is for the delegates of its
member cities, the coordinators of its edition and programme staff; to anyone else it does not
exist (404). The community spaces, one per thematic area, are open to every delegate,
coordinator and staff member, not to visitors.
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


@rules.predicate
def is_coordinator_of_edition(user, edition) -> bool:
    """A coordinator of this edition."""
    if edition is None or not is_coordinator(user):
        return False
    known = coordinates_edition(user)
    if edition.pk not in known:
        known[edition.pk] = edition.coordinators.filter(pk=user.pk).exists()
    return known[edition.pk]


can_manage_action_plan = is_programme_staff | is_edition_coordinator
# Matchmaking: see the suggestions of an edition, pin, exclude and accept them.
can_match_edition = is_programme_staff | is_coordinator_of_edition
can_update_action_progress = can_manage_action_plan | is_member_city_delegate

can_use_workspace = is_programme_staff | is_edition_coordinator | is_member_city_delegate


@rules.predicate
def is_community_member(user) -> bool:
    """Every delegate, coordinator and programme staff member."""
    return bool(is_programme_staff(user) or is_coordinator(user) or is_delegate(user))


rules.add_perm("twinning.manage_action_plan", can_manage_action_plan)
rules.add_perm("twinning.update_action_progress", can_update_action_progress)


# --- Calls for cities and applications ------------------------------------------------------------
# An application belongs to its city: the city's delegates read it and, while it is a draft and
# the call is open, fill it in, submit it or withdraw it. Programme staff read every application
# (in the admin and on its page) but never change what a city wrote. Nobody else sees one.


@rules.predicate
def is_application_city_delegate(user, application) -> bool:
    """A delegate of the city the application is from."""
    if application is None or not is_delegate(user):
        return False
    return user.city_id == application.city_id


can_view_application = is_programme_staff | is_application_city_delegate
can_edit_application = is_application_city_delegate

rules.add_perm("twinning.view_application", can_view_application)
rules.add_perm("twinning.edit_application", can_edit_application)


@rules.predicate
def is_reviewer_of(user, assignment) -> bool:
    """The person asked for this review (whatever they declared)."""
    return bool(
        assignment is not None
        and user.is_authenticated
        and user.is_active
        and assignment.reviewer_id == user.pk
    )


@rules.predicate
def has_no_conflict(user, assignment) -> bool:
    """The reviewer declared no conflict of interest for this review."""
    return assignment is not None and assignment.conflict_of_interest is False


can_manage_review = is_programme_staff
can_declare_conflict = is_reviewer_of
can_score = is_reviewer_of & has_no_conflict

# Every application of a call (drafts and withdrawn ones too) is listed for programme staff.
can_list_call_applications = is_programme_staff

rules.add_perm("twinning.manage_review", can_manage_review)
rules.add_perm("twinning.list_call_applications", can_list_call_applications)
rules.add_perm("twinning.declare_conflict", can_declare_conflict)
rules.add_perm("twinning.score_application", can_score)
rules.add_perm("twinning.match_edition", can_match_edition)

can_record_outcome = can_update_action_progress
can_check_outcome = can_manage_action_plan

rules.add_perm("twinning.record_outcome", can_record_outcome)
rules.add_perm("twinning.check_outcome", can_check_outcome)
rules.add_perm("twinning.use_workspace", can_use_workspace)
rules.add_perm("twinning.use_community", is_community_member)
