"""Progress updates of an action: a note on what was done, a status and percentage that go
together, a history of every update, and the latest note in the plan and on the update page."""

import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.twinning.factories import ActionFactory, ActionProgressUpdateFactory
from tests.users.factories import DelegateFactory
from twinning.models import Action, ActionProgressUpdate
from twinning.services import action_progress_update

pytestmark = pytest.mark.django_db

NOTE = "Data model agreed with the bike-sharing operator."


def progress_url(action):
    return reverse("twinning:action_progress", args=[action.pairing.slug, action.pk])


# --- The service ---------------------------------------------------------------------------------
def test_an_update_is_kept_with_who_when_what_and_moves_the_action(action, delegate):
    update = action_progress_update(
        action=action, by=delegate, status=Action.Status.IN_PROGRESS, progress=70, note=NOTE
    )
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.IN_PROGRESS, 70)
    row = ActionProgressUpdate.objects.get()
    assert row == update
    assert (row.action, row.author, row.status, row.progress, row.note) == (
        action,
        delegate,
        "in_progress",
        70,
        NOTE,
    )
    assert row.created_at is not None


@pytest.mark.parametrize("note", ["", "   \n  "])
def test_an_update_without_a_note_is_refused_and_nothing_saved(action, delegate, note):
    with pytest.raises(ValidationError) as caught:
        action_progress_update(
            action=action, by=delegate, status=Action.Status.IN_PROGRESS, progress=70, note=note
        )
    assert caught.value.message_dict == {
        "note": ["Say what was done: the note is kept in the action's history."]
    }
    action.refresh_from_db()
    assert action.progress == 40
    assert not ActionProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("status", "progress", "message"),
    [
        ("planned", 40, "A planned action is at 0 %"),
        ("in_progress", 0, "An action in progress is between 1 and 99 %"),
        ("in_progress", 100, "An action in progress is between 1 and 99 %"),
        ("done", 60, "A done action is at 100 %."),
    ],
)
def test_a_status_and_percentage_that_do_not_go_together_are_refused(
    action, delegate, status, progress, message
):
    with pytest.raises(ValidationError) as caught:
        action_progress_update(
            action=action, by=delegate, status=status, progress=progress, note=NOTE
        )
    assert list(caught.value.message_dict) == ["progress"]
    assert caught.value.message_dict["progress"][0].startswith(message)
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)
    assert not ActionProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("status", "progress"),
    [("planned", 0), ("in_progress", 1), ("in_progress", 99), ("done", 100), ("dropped", 30)],
)
def test_statuses_and_percentages_that_go_together_are_accepted(action, delegate, status, progress):
    action_progress_update(action=action, by=delegate, status=status, progress=progress, note=NOTE)
    action.refresh_from_db()
    assert (action.status, action.progress) == (status, progress)


@pytest.mark.parametrize(("status", "progress"), [("planned", 40), ("done", 99)])
def test_the_database_refuses_a_status_and_percentage_that_do_not_go_together(
    action, status, progress
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status=status, progress=progress)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionProgressUpdate.objects.create(action=action, status=status, progress=progress)


def test_existing_progress_is_brought_in_line_by_the_migration():
    migration = importlib.import_module("twinning.migrations.0006_action_progress_history")
    assert migration.consistent("planned", 40) == ("in_progress", 40)
    assert migration.consistent("planned", 100) == ("done", 100)
    assert migration.consistent("in_progress", 0) == ("planned", 0)
    assert migration.consistent("in_progress", 100) == ("done", 100)
    assert migration.consistent("done", 60) == ("done", 100)
    assert migration.consistent("dropped", 30) == ("dropped", 30)
    assert migration.consistent("in_progress", 55) == ("in_progress", 55)


# --- The update page -----------------------------------------------------------------------------
def test_the_form_states_the_rules_and_shows_the_history(client_for, delegate, action):
    ActionProgressUpdateFactory(action=action, note="Kick-off workshop held.", author=delegate)
    page = client_for(delegate).get(progress_url(action)).content.decode()
    assert "Planned: 0 %. In progress: 1 to 99 %. Done: 100 %." in page
    assert "What was done" in page
    assert "Kick-off workshop held." in page
    assert "by Eu Delegate" in page


def test_bad_input_says_why_keeps_what_was_typed_and_saves_nothing(client_for, delegate, action):
    response = client_for(delegate).post(
        progress_url(action), {"status": "in_progress", "progress": "120", "note": ""}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["progress"] == ["Progress is a percentage between 0 and 100."]
    assert errors["note"] == ["Say what was done: the note is kept in the action's history."]
    content = response.content.decode()
    assert 'id="id_note_errors"' in content and 'id="id_progress_errors"' in content
    assert re.search(r'<input[^>]*name="progress"[^>]*value="120"', content)

    response = client_for(delegate).post(
        progress_url(action), {"status": "done", "progress": "60", "note": NOTE}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["progress"] == ["A done action is at 100 %."]
    assert NOTE in response.content.decode()  # the note typed stays in its box
    assert '<option value="done" selected>' in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)
    assert not ActionProgressUpdate.objects.exists()


def test_a_delegate_updates_and_sees_the_note_in_the_plan_and_the_history(
    client_for, delegate, action
):
    response = client_for(delegate).post(
        progress_url(action),
        {"status": "in_progress", "progress": "70", "note": NOTE},
        follow=True,
    )
    content = response.content.decode()
    assert '<progress max="100" value="70"' in content
    plan = content.split('id="action-plan"')[1]
    assert "Latest update, " in plan
    assert NOTE in plan.split("<details")[0]  # the latest note, outside the history
    assert "Progress history (1 update)" in plan
    assert "by Eu Delegate" in plan
    assert "delegate@example.org" not in content


def test_the_history_names_people_and_never_shows_an_address(client, action):
    nameless = DelegateFactory(
        email="no.name@example.org", full_name="", city=action.pairing.eu_lead
    )
    ActionProgressUpdateFactory(action=action, author=nameless, note="Site visit done.")
    ActionProgressUpdateFactory(action=action, author=None, note="")
    page = client.get(action.pairing.get_absolute_url()).content.decode()
    assert "Site visit done." in page
    assert "Recorded before progress notes were kept." in page
    assert "no.name@example.org" not in page
    assert "Progress history (2 updates)" in page


def test_the_latest_note_is_the_newest_update(client, action):
    ActionProgressUpdateFactory(action=action, note="First step.")
    ActionProgressUpdateFactory(action=action, note="Second step.")
    plan = client.get(action.pairing.get_absolute_url()).content.decode()
    latest = plan.split('class="action-latest"')[1].split("</span>")[0]
    assert "Second step." in latest and "First step." not in latest


def test_the_update_page_runs_flat_queries(client_for, assert_flat_queries, delegate, action):
    def make_rows(count):
        ActionProgressUpdateFactory.create_batch(count, action=action)

    client = client_for(delegate)
    assert_flat_queries(make_rows, lambda: client.get(progress_url(action)))


def test_the_pairing_page_runs_flat_queries_however_many_updates(
    client_for, assert_flat_queries, coordinator, pairing
):
    def make_rows(count):
        for _ in range(count):
            ActionProgressUpdateFactory(action=ActionFactory(pairing=pairing))
            ActionProgressUpdateFactory(action=pairing.actions.first())

    client = client_for(coordinator)
    assert_flat_queries(make_rows, lambda: client.get(pairing.get_absolute_url()))


def test_the_action_form_says_where_progress_changes(client_for, coordinator, action):
    client = client_for(coordinator)
    edit = client.get(reverse("twinning:action_update", args=[action.pairing.slug, action.pk]))
    content = edit.content.decode()
    assert "Now: In progress, 40 %." in content
    assert 'name="progress"' not in content and 'name="status"' not in content
    new = client.get(reverse("twinning:action_create", args=[action.pairing.slug]))
    assert "A new action starts planned, at 0 %." in new.content.decode()


def test_a_progress_update_takes_the_same_queries_however_long_the_history(
    client_for, delegate, action
):
    """The write of the update page: the same queries with one earlier update as with many."""
    client = client_for(delegate)
    url = progress_url(action)
    counts = []
    for n, progress in ((1, 20), (15, 40)):
        for i in range(n):
            ActionProgressUpdate.objects.create(
                action=action, status="in_progress", progress=10, note=f"Step {i}.", author=delegate
            )
        data = {"status": "in_progress", "progress": progress, "note": "Met the partner city."}
        with CaptureQueriesContext(connection) as captured:
            answer = client.post(url, data)
        assert answer.status_code == 302
        counts.append(len(captured))
    action.refresh_from_db()
    assert action.progress == 40
    assert counts[0] == counts[1]
