import datetime

import pytest

from tests.twinning.factories import ActionFactory, PairingFactory
from twinning.models import Action
from twinning.services import action_reminders_send
from twinning.tasks import send_action_reminders
from worldcities.notifications.models import EmailMessage, Notification

TODAY = datetime.date(2018, 3, 1)


@pytest.fixture
def pairing(edition):
    return PairingFactory(edition=edition)


@pytest.mark.django_db
def test_owners_hear_of_actions_due_within_a_week_once(pairing, delegate, coordinator):
    soon = ActionFactory(
        pairing=pairing, owner_person=delegate, due_date=TODAY + datetime.timedelta(days=3)
    )
    ActionFactory(
        pairing=pairing, owner_person=delegate, due_date=TODAY + datetime.timedelta(days=30)
    )
    ActionFactory(pairing=pairing, owner_person=delegate, due_date=TODAY, status=Action.Status.DONE)
    assert action_reminders_send(today=TODAY) == {"due_soon": 1, "overdue": 0}
    action_reminders_send(today=TODAY)  # a second run the same day adds nothing
    notification = Notification.objects.get()
    assert notification.recipient == delegate
    assert notification.title == f"Due on 2018-03-04: {soon.title}"
    assert EmailMessage.objects.count() == 1
    assert not Notification.objects.filter(recipient=coordinator).exists()


@pytest.mark.django_db
def test_overdue_actions_go_to_the_owner_and_the_editions_coordinators(
    pairing, delegate, coordinator
):
    late = ActionFactory(
        pairing=pairing, owner_person=delegate, due_date=TODAY - datetime.timedelta(days=1)
    )
    assert action_reminders_send(today=TODAY)["overdue"] == 1
    assert sorted(n.recipient.email for n in Notification.objects.all()) == sorted(
        [delegate.email, coordinator.email]
    )
    assert all(n.title.startswith("Overdue since 2018-02-28") for n in Notification.objects.all())
    # A new due date re-arms the reminder.
    late.due_date = TODAY - datetime.timedelta(days=2)
    late.save()
    action_reminders_send(today=TODAY)
    assert Notification.objects.count() == 4


@pytest.mark.django_db
def test_the_task_runs_the_service(pairing, delegate):
    ActionFactory(pairing=pairing, owner_person=delegate, due_date=datetime.date.today())
    assert send_action_reminders.apply().get(disable_sync_subtasks=False)["due_soon"] == 1


@pytest.mark.django_db
def test_reminders_cost_a_fixed_number_of_queries_per_batch(pairing, delegate, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(count):
        Action.objects.all().delete()
        Notification.objects.all().delete()
        ActionFactory.create_batch(
            count,
            pairing=pairing,
            owner_person=delegate,
            due_date=TODAY - datetime.timedelta(days=3),
        )
        with CaptureQueriesContext(connection) as queries:
            assert action_reminders_send(today=TODAY, batch_size=10)["overdue"] == count
        assert Notification.objects.count() == 2 * count  # the owner and the coordinator
        assert EmailMessage.objects.filter(notifications__isnull=False).count() == 2 * count
        return len(queries)

    # 3 and 9 actions: one batch each; 13 and 19: two batches each.
    assert run(3) == run(9)
    assert run(13) == run(19)
    assert run(13) > run(9)


@pytest.mark.django_db
def test_an_owner_who_coordinates_the_edition_is_told_once(pairing, coordinator):
    ActionFactory(
        pairing=pairing, owner_person=coordinator, due_date=TODAY - datetime.timedelta(days=1)
    )
    action_reminders_send(today=TODAY)
    assert Notification.objects.get().recipient == coordinator
    assert EmailMessage.objects.count() == 1
