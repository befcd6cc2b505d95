"""Who may do what with cities. City pages are public; these predicates say whether a person
speaks for a city, and the apps that build on cities (twinning, practices, meetings) use them."""

import rules

from worldcities.users.permissions import is_delegate


@rules.predicate
def is_delegate_of_city(user, city) -> bool:
    """A delegate who represents this city."""
    return bool(city is not None and is_delegate(user) and user.city_id == city.pk)
