"""Who may do what with cities. City pages are public; these predicates say whether a person
speaks for a city, and the apps that build on cities (twinning, practices, meetings) use them.
The directory of people and the triple-helix opportunities are for people with an account."""

import rules

from worldcities.users.permissions import (
    is_coordinator,
    is_delegate,
    is_member,
    is_programme_staff,
)


@rules.predicate
def is_delegate_of_city(user, city) -> bool:
    """A delegate who represents this city."""
    return bool(city is not None and is_delegate(user) and user.city_id == city.pk)


# --- The directory of people and triple-helix opportunities ---------------------------------
# Both are for people with an account (delegates, coordinators, programme staff); visitors
# are sent to the login page.
can_use_directory = is_member
can_view_opportunities = is_member


@rules.predicate
def can_contact(user, person) -> bool:
    """Anyone with an account may write to someone listed in the directory, except to
    themselves."""
    return bool(
        is_member(user) and person.is_active and person.in_directory and person.pk != user.pk
    )


@rules.predicate
def can_post_for(user, organisation) -> bool:
    """A delegate posts opportunities for their own city's organisations; coordinators and
    programme staff for any organisation of a city."""
    if organisation is None or organisation.city_id is None:
        return False
    if is_programme_staff(user) or is_coordinator(user):
        return True
    return bool(is_delegate(user) and user.city_id == organisation.city_id)


@rules.predicate
def can_answer(user, opportunity) -> bool:
    """Anyone with an account, except the poster and the people of the posting organisation."""
    return bool(
        is_member(user)
        and opportunity.posted_by_id != user.pk
        and (user.organisation_id is None or user.organisation_id != opportunity.organisation_id)
    )


@rules.predicate
def can_confirm(user, opportunity) -> bool:
    """The poster confirms that they are in touch with someone who answered (programme staff
    may record it for them)."""
    return bool(
        is_member(user) and (opportunity.posted_by_id == user.pk or is_programme_staff(user))
    )
