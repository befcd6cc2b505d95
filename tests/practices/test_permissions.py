"""The permission matrix: every practice URL, for every role, for each status that matters.
Codes are given in the order of ROLES; 302 after a POST is the success redirect (or, for a
visitor, the redirect to the login page)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from practices.models import Practice
from practices.services import practice_publish

from .conftest import PNG
from .factories import AttachmentFactory

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "delegate", "partner_delegate", "coordinator", "other_coordinator", "staff"]
LOGIN = "login"

# url name, method, practice status, data, expected codes per role
MATRIX = [
    ("list", "get", None, None, [200, 200, 200, 200, 200, 200]),
    ("create", "get", None, None, [LOGIN, 200, 200, 403, 403, 403]),
    ("workspace", "get", None, None, [LOGIN, 200, 200, 200, 200, 200]),
    ("preview", "post", None, {"body": "*x*"}, [LOGIN, 200, 200, 403, 403, 403]),
    ("detail", "get", "published", None, [200, 200, 200, 200, 200, 200]),
    ("detail", "get", "draft", None, [404, 200, 404, 404, 404, 200]),
    ("detail", "get", "submitted", None, [404, 200, 404, 200, 404, 200]),
    ("detail", "get", "returned", None, [404, 200, 404, 200, 404, 200]),
    ("detail", "get", "archived", None, [404, 200, 404, 200, 404, 200]),
    ("attachment", "get", "published", None, [200, 200, 200, 200, 200, 200]),
    ("attachment", "get", "draft", None, [404, 200, 404, 404, 404, 200]),
    ("attachment", "get", "submitted", None, [404, 200, 404, 200, 404, 200]),
    ("cover", "get", "published", None, [200, 200, 200, 200, 200, 200]),
    ("cover", "get", "returned", None, [404, 200, 404, 200, 404, 200]),
    ("version", "get", "published", None, [200, 200, 200, 200, 200, 200]),
    ("version", "get", "archived", None, [404, 200, 404, 200, 404, 200]),
    ("edit", "get", "draft", None, [LOGIN, 200, 404, 404, 404, 403]),
    ("edit", "get", "returned", None, [LOGIN, 200, 404, 403, 404, 403]),
    ("edit", "get", "published", None, [LOGIN, 200, 403, 403, 403, 403]),
    ("edit", "get", "submitted", None, [LOGIN, 403, 404, 403, 404, 403]),
    ("submit", "post", "draft", {}, [LOGIN, 302, 404, 404, 404, 403]),
    ("submit", "post", "returned", {}, [LOGIN, 302, 404, 403, 404, 403]),
    ("submit", "post", "published", {}, [LOGIN, 403, 403, 403, 403, 403]),
    (
        "review",
        "post",
        "submitted",
        {"review-decision": "publish"},
        [LOGIN, 403, 404, 302, 404, 302],
    ),
    ("review", "post", "draft", {"review-decision": "publish"}, [LOGIN, 403, 404, 404, 404, 403]),
    (
        "review",
        "post",
        "published",
        {"review-decision": "publish"},
        [LOGIN, 403, 403, 403, 403, 403],
    ),
    ("archive", "post", "published", {}, [LOGIN, 302, 403, 302, 403, 302]),
    ("archive", "post", "submitted", {}, [LOGIN, 403, 404, 403, 404, 403]),
    (
        "transfer",
        "post",
        "published",
        {"transfer-status": "interested"},
        [LOGIN, 403, 302, 403, 403, 403],
    ),
    (
        "transfer",
        "post",
        "draft",
        {"transfer-status": "interested"},
        [LOGIN, 403, 404, 404, 404, 403],
    ),
    (
        "comment",
        "post",
        "published",
        {"comment-kind": "question", "comment-body": "Cost?"},
        [LOGIN, 302, 302, 302, 302, 302],
    ),
    (
        "comment",
        "post",
        "submitted",
        {"comment-kind": "question", "comment-body": "Cost?"},
        [LOGIN, 403, 404, 403, 404, 403],
    ),
    ("follow", "post", "published", {}, [LOGIN, 302, 302, 302, 302, 302]),
    ("follow", "post", "draft", {}, [LOGIN, 403, 404, 404, 404, 403]),
]


@pytest.fixture
def people(request, delegate, partner_delegate, coordinator, other_coordinator, programme_staff):
    return {
        "visitor": None,
        "delegate": delegate,
        "partner_delegate": partner_delegate,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "staff": programme_staff,
    }


def _practice(make_practice, status):
    practice = make_practice(
        status="submitted" if status in ("published", "archived") else status,
        cover_image=ContentFile(PNG, name="cover.png"),
        cover_content_type="image/png",
    )
    if status in ("published", "archived"):
        practice = practice_publish(practice=practice, by=None)
        Practice.objects.filter(pk=practice.pk).update(status=status)
    return practice


@pytest.mark.parametrize(
    ("name", "method", "status", "data", "expected"),
    MATRIX,
    ids=[f"{row[0]}-{row[2] or 'none'}" for row in MATRIX],
)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(
    client, people, make_practice, role, name, method, status, data, expected
):
    kwargs = {}
    if status:
        practice = _practice(make_practice, status)
        kwargs = {"slug": practice.slug}
        if name == "attachment":
            kwargs["pk"] = AttachmentFactory(practice=practice).pk
        if name == "version":
            kwargs["number"] = 1
    url = reverse(f"practices:{name}", kwargs=kwargs)
    if people[role] is not None:
        client.force_login(people[role])
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    want = expected[ROLES.index(role)]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want, (role, name, status, response.status_code)
        if want == 302:
            assert not response["Location"].startswith(reverse("account_login"))


def test_area_follow_needs_login(client, delegate):
    from tests.cities.factories import ThematicAreaFactory

    area = ThematicAreaFactory(slug="smart-city")
    url = reverse("practices:area_follow", kwargs={"slug": area.slug})
    assert client.post(url)["Location"].startswith(reverse("account_login"))
    client.force_login(delegate)
    assert client.post(url).status_code == 302
    assert delegate.practice_follows.get().thematic_area == area
