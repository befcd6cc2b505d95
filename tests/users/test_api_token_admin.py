"""Programme staff's administration of personal API tokens: every person's tokens listed with
their state, revoked from the list at once and with a record, never the secret or its digest
shown, never a token made for someone else."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.api import api_get, token_for
from tests.users.factories import DelegateFactory
from worldcities.users.models import ApiToken
from worldcities.users.services import api_tokens_revoke

pytestmark = pytest.mark.django_db

LIST = "/admin/users/apitoken/"
ME = "/api/v1/me/registrations/"


def _revoke(client, *tokens):
    return client.post(
        LIST,
        {"action": "revoke_tokens", "_selected_action": [token.pk for token in tokens]},
        follow=True,
    )


def test_staff_see_every_persons_tokens_with_their_state_but_no_secret(
    client, programme_staff, delegate, partner_delegate
):
    secret = token_for(delegate, name="City dashboard")
    other = token_for(partner_delegate, name="Partner script")
    ApiToken.objects.filter(user=partner_delegate).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(programme_staff)
    page = client.get(LIST).content.decode()
    token = ApiToken.objects.get(user=delegate)
    assert "City dashboard" in page and "Partner script" in page
    assert "Eu Delegate" in page and "delegate@example.org" in page
    assert token.prefix in page
    assert "Usable until" in page and "Expired on" in page
    for hidden in (secret, other, token.digest, ApiToken.objects.get(name="Partner script").digest):
        assert hidden not in page
    detail = client.get(f"{LIST}{token.pk}/change/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "City dashboard" in body
    assert token.digest not in body and secret not in body
    assert 'name="name"' not in body  # nothing to edit


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?state=usable", "fresh", "old"),
        ("?state=expired", "old", "fresh"),
        ("?state=revoked", "gone", "fresh"),
        ("?q=partner.delegate", "old", "fresh"),
    ],
)
def test_staff_filter_and_search_the_tokens(
    client, programme_staff, delegate, partner_delegate, query, shown, hidden
):
    token_for(delegate, name="fresh")
    token_for(delegate, name="gone")
    token_for(partner_delegate, name="old")
    ApiToken.objects.filter(name="gone").update(revoked_at=timezone.now())
    ApiToken.objects.filter(name="old").update(
        expires_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(programme_staff)
    response = client.get(LIST + query)
    names = {token.name for token in response.context["cl"].result_list}
    assert shown in names and hidden not in names


def test_staff_revoke_a_token_and_the_api_refuses_it_at_once(client, programme_staff, delegate):
    secret = token_for(delegate, name="script")
    assert api_get(client, ME, secret).status_code == 200
    token = ApiToken.objects.get(user=delegate)
    client.force_login(programme_staff)
    response = _revoke(client, token)
    assert "1 token(s) revoked: script (" in response.content.decode()
    client.logout()
    refused = api_get(client, ME, secret)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This token was revoked."}
    # Audited: in the token's history and in the admin's log, under the staff member's name.
    record = ApiToken.history.filter(id=token.pk).latest()
    assert record.revoked_at is not None
    assert record.history_user == programme_staff
    assert record.history_change_reason == "Revoked in the administration"
    assert not hasattr(record, "digest")
    entry = LogEntry.objects.get(object_id=str(token.pk))
    assert entry.user == programme_staff and entry.action_flag == CHANGE


def test_revoking_again_changes_nothing_and_says_so(client, programme_staff, delegate):
    token_for(delegate, name="script")
    token = ApiToken.objects.get(user=delegate)
    client.force_login(programme_staff)
    _revoke(client, token)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    response = _revoke(client, token)
    assert "1 of the selected token(s) had already been revoked." in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert ApiToken.history.filter(id=token.pk).count() == 2  # made, revoked once


def test_staff_cannot_make_edit_or_delete_tokens(client, programme_staff, delegate):
    token_for(delegate, name="script")
    token = ApiToken.objects.get(user=delegate)
    client.force_login(programme_staff)
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{token.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(f"{LIST}{token.pk}/change/", {"name": "renamed"})
    assert response.status_code == 403
    assert ApiToken.objects.get(pk=token.pk).name == "script"
    listing = client.get(LIST).content.decode()
    assert "delete_selected" not in listing and f"{LIST}add/" not in listing


@pytest.mark.parametrize("who", ["delegate", "coordinator", None])
def test_the_token_admin_is_refused_to_everyone_else(client, request, who, programme_staff):
    secret = token_for(programme_staff, name="staff script")
    token = ApiToken.objects.get(user=programme_staff)
    if who:
        client.force_login(request.getfixturevalue(who))
    revoke = {"action": "revoke_tokens", "_selected_action": [token.pk]}
    for response in (client.get(LIST), client.post(LIST, revoke)):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    client.logout()
    assert api_get(client, ME, secret).status_code == 200


def test_the_service_refuses_anyone_but_staff(delegate, coordinator, partner_delegate):
    token_for(partner_delegate, name="script")
    for person in (delegate, coordinator):
        with pytest.raises(ValidationError, match="Only programme staff"):
            api_tokens_revoke(tokens=ApiToken.objects.all(), by=person, reason="no")
    assert ApiToken.objects.usable().count() == 1


def test_token_list_queries_stay_flat(client, programme_staff, assert_flat_queries):
    client.force_login(programme_staff)

    def make(n):
        for person in DelegateFactory.create_batch(n):
            token_for(person)

    assert_flat_queries(make, lambda: client.get(LIST))


def test_an_erased_account_leaves_its_tokens_records_without_their_names(delegate):
    from worldcities.privacy import account_erase

    token_for(delegate, name="Anna's own script")
    account_erase(user=delegate)
    records = ApiToken.history.filter(user_id=delegate.pk)
    assert records.count() == 2  # made, then deleted with the account
    assert set(records.values_list("name", flat=True)) == {""}
