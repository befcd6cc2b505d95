"""Who is who. Every role check in the platform goes through these predicates; apps build
their own object rules on top of them (``<app>/permissions.py``)."""

import rules

from .models import Role


@rules.predicate
def is_programme_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.PROGRAMME_STAFF)


@rules.predicate
def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.COORDINATOR)


@rules.predicate
def is_delegate(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role == Role.DELEGATE and user.city_id
    )


@rules.predicate
def is_expert(user) -> bool:
    """An outside expert: reviews the applications to a call they are asked to review."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.EXPERT)


@rules.predicate
def is_member(user) -> bool:
    """Anyone logged in with an active account."""
    return bool(user.is_authenticated and user.is_active)


rules.add_perm("users.access_admin", is_programme_staff)
# Revoking someone else's API token (the owner revokes their own in their profile).
rules.add_perm("users.revoke_any_api_token", is_programme_staff)
