"""The admin's city form as a browser posts it."""


def city_form(country, **changes) -> dict:
    """A new city, Atlantis, unless ``changes`` say otherwise."""
    data = {
        "name": "Atlantis",
        "slug": "atlantis",
        "country": country.pk,
        "kind": "city",
        "latitude": "45.0",
        "longitude": "10.0",
        "time_zone": "Europe/Rome",
        "population": "",
        "website": "",
        "profile": "",
    }
    data.update(changes)
    return data


def city_change_form(city, **changes) -> dict:
    """``city`` as its change form holds it, with ``changes``."""
    current = {
        "name": city.name,
        "slug": city.slug,
        "kind": city.kind,
        "latitude": str(city.latitude or ""),
        "longitude": str(city.longitude or ""),
        "time_zone": city.time_zone,
        "population": city.population or "",
        "website": city.website,
        "profile": city.profile,
        "parent": city.parent_id or "",
        "members": [member.pk for member in city.members.all()],
    }
    return city_form(city.country, **{**current, **changes})
