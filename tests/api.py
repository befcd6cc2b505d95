"""Helpers for the tests of the read API: a token for a person, and GETs with it."""

from worldcities.users.services import api_token_create


def token_for(user, name="tests", days=30) -> str:
    _token, secret = api_token_create(user=user, name=name, days=days)
    return secret


def api_get(client, path, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(path, **headers)
