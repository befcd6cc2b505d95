"""Who may do what with practices. The predicates decide for one practice; ``visible_q``
says the same for a whole queryset and is applied by ``practices.selectors``."""

import rules
from django.db.models import Q

from twinning.models import Pairing, PairingMember
from worldcities.users.permissions import (
    is_coordinator,
    is_delegate,
    is_member,
    is_programme_staff,
)

from .models import Practice

S = Practice.Status
EDITABLE = {S.DRAFT, S.RETURNED, S.PUBLISHED}
SUBMITTABLE = {S.DRAFT, S.RETURNED}
REVIEW_VISIBLE = {S.SUBMITTED, S.PUBLISHED, S.RETURNED, S.ARCHIVED}


def edition_scope_q(edition_ids) -> Q:
    """Practices of the given editions: a practice's edition is its pairing's, or (without a
    pairing) that of any pairing its city belongs to. ``edition_ids`` may be a subquery."""
    city_in_edition = (
        Q(city_id__in=Pairing.objects.filter(edition_id__in=edition_ids).values("eu_lead_id"))
        | Q(
            city_id__in=Pairing.objects.filter(edition_id__in=edition_ids).values("partner_lead_id")
        )
        | Q(
            city_id__in=PairingMember.objects.filter(pairing__edition_id__in=edition_ids).values(
                "city_id"
            )
        )
    )
    return Q(pairing__edition_id__in=edition_ids) | (Q(pairing__isnull=True) & city_in_edition)


def coordinated_q(user) -> Q:
    return edition_scope_q(user.coordinated_editions.values("id"))


def visible_q(user) -> Q:
    """The practices ``user`` may see; everything else is a 404 to them."""
    published = Q(status=S.PUBLISHED)
    if user is None or not is_member(user):
        return published
    if is_programme_staff(user):
        return Q()
    if is_delegate(user):
        return published | Q(city_id=user.city_id)
    if is_coordinator(user):
        return published | (Q(status__in=REVIEW_VISIBLE) & coordinated_q(user))
    return published


# --- Object predicates --------------------------------------------------------------------------
@rules.predicate
def is_own_city(user, practice) -> bool:
    return bool(practice and is_delegate(user) and practice.city_id == user.city_id)


def coordinated_practices(user) -> dict[int, bool]:
    """Whether ``user`` coordinates each practice asked about so far in this request, by
    practice id (a selector that read it with the practice fills it in)."""
    cache = getattr(user, "_coordinated_practices", None)
    if cache is None:
        cache = user._coordinated_practices = {}
    return cache


@rules.predicate
def coordinates_practice(user, practice) -> bool:
    if not (practice and is_coordinator(user)):
        return False
    cache = coordinated_practices(user)
    if practice.pk not in cache:
        cache[practice.pk] = (
            Practice.objects.filter(pk=practice.pk).filter(coordinated_q(user)).exists()
        )
    return cache[practice.pk]


@rules.predicate
def is_published(user, practice) -> bool:
    return bool(practice and practice.status == S.PUBLISHED)


@rules.predicate
def is_editable(user, practice) -> bool:
    return bool(practice and practice.status in EDITABLE)


@rules.predicate
def is_submittable(user, practice) -> bool:
    return bool(practice and practice.status in SUBMITTABLE)


@rules.predicate
def is_submitted(user, practice) -> bool:
    return bool(practice and practice.status == S.SUBMITTED)


@rules.predicate
def is_other_city(user, practice) -> bool:
    return bool(practice and is_delegate(user) and practice.city_id != user.city_id)


@rules.predicate
def can_see(user, practice) -> bool:
    if practice is None:
        return False
    if practice.status == S.PUBLISHED or is_programme_staff(user) or is_own_city(user, practice):
        return True
    return practice.status in REVIEW_VISIBLE and coordinates_practice(user, practice)


# A rule set of its own: Django's model permissions (which the admin grants programme staff
# wholesale) never leak into these decisions.
practice_rules = rules.RuleSet()
practice_rules.add_rule("view", can_see)
practice_rules.add_rule("add", is_delegate)
practice_rules.add_rule("change", is_own_city & is_editable)
practice_rules.add_rule("submit", is_own_city & is_submittable)
practice_rules.add_rule("review", is_submitted & (coordinates_practice | is_programme_staff))
practice_rules.add_rule(
    "archive", is_published & (is_own_city | coordinates_practice | is_programme_staff)
)
practice_rules.add_rule("translate", is_own_city & is_editable)
practice_rules.add_rule("check_translation", coordinates_practice | is_programme_staff)
# Programme staff correct or remove any translation, whatever the practice's state (the admin).
practice_rules.add_rule("manage_translations", is_programme_staff)
practice_rules.add_rule("transfer", is_published & is_other_city)
practice_rules.add_rule("comment", is_published & is_member)
practice_rules.add_rule("follow", is_published & is_member)
practice_rules.add_rule("follow_area", is_member)
practice_rules.add_rule("workspace", is_delegate | is_coordinator | is_programme_staff)

ACTIONS = (
    "change",
    "submit",
    "review",
    "archive",
    "transfer",
    "comment",
    "follow",
    "translate",
    "check_translation",
)


def can(user, action: str, practice=None) -> bool:
    return practice_rules.test_rule(action, user, practice)


def abilities(user, practice) -> dict[str, bool]:
    """What ``user`` may do with ``practice``, for a template to show the right buttons."""
    return {action: can(user, action, practice) for action in ACTIONS}
