"""Who may open which page: every URL of cities and pairings against every role."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "delegate",  # of the EU lead city
    "partner_delegate",  # of the partner lead city
    "outsider_delegate",  # of a city outside the pairing
    "coordinator",  # of the pairing's edition
    "other_coordinator",
    "programme_staff",
]

LOGIN = "login"
PUBLIC = dict.fromkeys(ROLES, 200)
MANAGERS = {
    "visitor": LOGIN,
    "delegate": 403,
    "partner_delegate": 403,
    "outsider_delegate": 403,
    "coordinator": 200,
    "other_coordinator": 403,
    "programme_staff": 200,
}
PROGRESS = {**MANAGERS, "delegate": 200, "partner_delegate": 200}

PAGES = [
    ("cities:list", lambda p, a: {}, PUBLIC),
    ("cities:detail", lambda p, a: {"slug": p.eu_lead.slug}, PUBLIC),
    ("twinning:pairing_list", lambda p, a: {}, PUBLIC),
    ("twinning:map", lambda p, a: {}, PUBLIC),
    ("twinning:pairing_detail", lambda p, a: {"slug": p.slug}, PUBLIC),
    ("twinning:edition_detail", lambda p, a: {"slug": p.edition.slug}, PUBLIC),
    ("twinning:action_create", lambda p, a: {"slug": p.slug}, MANAGERS),
    ("twinning:action_update", lambda p, a: {"slug": p.slug, "pk": a.pk}, MANAGERS),
    ("twinning:action_delete", lambda p, a: {"slug": p.slug, "pk": a.pk}, MANAGERS),
    ("twinning:action_progress", lambda p, a: {"slug": p.slug, "pk": a.pk}, PROGRESS),
]


@pytest.fixture
def user_for(request):
    def get(role):
        return None if role == "visitor" else request.getfixturevalue(role)

    return get


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_get(client_for, user_for, pairing, action, name, kwargs, expected, role):
    client = client_for(user_for(role))
    response = client.get(reverse(name, kwargs=kwargs(pairing, action)))
    if expected[role] == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[role]


WRITES = [
    ("twinning:action_create", {"title": "New", "status": "planned", "progress": "0"}, MANAGERS),
    (
        "twinning:action_update",
        {"title": "Renamed", "status": "planned", "progress": "0"},
        MANAGERS,
    ),
    ("twinning:action_delete", {}, MANAGERS),
    (
        "twinning:action_progress",
        {"status": "in_progress", "progress": "55", "note": "Workshop held."},
        PROGRESS,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "data", "expected"), WRITES, ids=[w[0] for w in WRITES])
def test_post(client_for, user_for, pairing, action, name, data, expected, role):
    kwargs = {"slug": pairing.slug}
    if name != "twinning:action_create":
        kwargs["pk"] = action.pk
    before = list(pairing.actions.values_list("title", "progress"))
    response = client_for(user_for(role)).post(reverse(name, kwargs=kwargs), data)
    after = list(pairing.actions.values_list("title", "progress"))
    if expected[role] == 200:
        assert response.status_code == 302
        assert response.url == pairing.get_absolute_url() + "#action-plan"
        assert after != before
    else:
        assert response.status_code in (302, 403)
        if expected[role] == LOGIN:
            assert response.url.startswith(reverse("account_login"))
        else:
            assert response.status_code == 403
        assert after == before


def test_an_action_of_another_pairing_is_not_found(client_for, coordinator, pairing, action):
    from tests.twinning.factories import ActionFactory, PairingFactory

    elsewhere = ActionFactory(pairing=PairingFactory(edition=pairing.edition))
    response = client_for(coordinator).get(
        reverse("twinning:action_update", kwargs={"slug": pairing.slug, "pk": elsewhere.pk})
    )
    assert response.status_code == 404


def test_an_unknown_pairing_is_not_found(client_for, coordinator):
    response = client_for(coordinator).get(
        reverse("twinning:action_create", kwargs={"slug": "no-such-pairing"})
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "can_manage", "can_update"),
    [
        ("visitor", False, False),
        ("delegate", False, True),
        ("partner_delegate", False, True),
        ("outsider_delegate", False, False),
        ("coordinator", True, True),
        ("other_coordinator", False, False),
        ("programme_staff", True, True),
    ],
)
def test_the_pairing_page_offers_only_what_the_role_may_do(
    client_for, user_for, pairing, action, role, can_manage, can_update
):
    content = client_for(user_for(role)).get(pairing.get_absolute_url()).content.decode()
    assert ("Add an action" in content) is can_manage
    assert (reverse("twinning:action_update", args=[pairing.slug, action.pk]) in content) is (
        can_manage
    )
    assert (reverse("twinning:action_progress", args=[pairing.slug, action.pk]) in content) is (
        can_update
    )
