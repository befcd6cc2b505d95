import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.cities.factories import PartnerCityFactory
from tests.twinning.factories import ActionFactory, PairingMemberFactory
from twinning.models import Action, Milestone, Pairing, PairingMember, PairingStatusChange
from twinning.services import (
    action_create,
    action_delete,
    action_progress_update,
    action_update,
    edition_create,
    pairing_set_status,
    pairings_set_status,
)

pytestmark = pytest.mark.django_db


def test_a_new_edition_gets_the_cycle_from_the_template():
    edition = edition_create(
        name="World Cities 2027–2028: EU – Japan",
        slug="2027-2028-japan",
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 6, 30),
    )
    kinds = list(edition.milestones.order_by("order").values_list("kind", flat=True))
    assert kinds == [
        Milestone.Kind.SELECTION,
        Milestone.Kind.LAUNCH,
        Milestone.Kind.WORKING_MEETING,
        Milestone.Kind.COOPERATION,
        Milestone.Kind.FOLLOW_UP,
        Milestone.Kind.CLOSING,
    ]
    cooperation = edition.milestones.get(kind=Milestone.Kind.COOPERATION)
    assert (cooperation.end_date - cooperation.start_date).days == 181  # about six months


def test_a_status_change_is_recorded_with_who_and_why(pairing, programme_staff):
    pairing.status = Pairing.Status.PROPOSED
    pairing.save()
    pairing_set_status(
        pairing=pairing, status=Pairing.Status.SELECTED, by=programme_staff, note="Jury"
    )
    change = PairingStatusChange.objects.get(pairing=pairing)
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        "proposed",
        "selected",
        programme_staff,
        "Jury",
    )
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.SELECTED


def test_a_status_change_outside_the_lifecycle_is_refused(pairing):
    pairing.status = Pairing.Status.PROPOSED
    pairing.save()
    with pytest.raises(ValidationError) as caught:
        pairing_set_status(pairing=pairing, status=Pairing.Status.CLOSED)
    assert caught.value.messages == ["A proposed pairing cannot become closed."]
    assert not PairingStatusChange.objects.exists()


def test_bulk_status_change_moves_what_may_move(pairing, programme_staff):
    proposed = type(pairing).objects.create(
        edition=pairing.edition,
        eu_lead=pairing.eu_lead,
        partner_lead=PartnerCityFactory(),
        slug="proposed",
        status=Pairing.Status.PROPOSED,
    )
    moved, refused = pairings_set_status(
        pairings=Pairing.objects.all(), status=Pairing.Status.SELECTED, by=programme_staff
    )
    assert moved == [proposed]
    assert [p for p, _reason in refused] == [pairing]
    assert PairingStatusChange.objects.count() == 1


def test_a_coordinator_adds_edits_and_deletes_an_action(pairing, coordinator):
    action = action_create(
        pairing=pairing,
        by=coordinator,
        title="Bike sharing pilot",
        due_date=datetime.date(2017, 6, 1),
    )
    assert action.status == Action.Status.PLANNED
    assert action.history.first().history_user == coordinator
    action_update(action=action, by=coordinator, title="Bike and car sharing pilot")
    action.refresh_from_db()
    assert action.title == "Bike and car sharing pilot"
    with pytest.raises(ValueError, match="progress"):  # only a progress update, with its note
        action_update(action=action, by=coordinator, status="in_progress", progress=10)
    action_delete(action=action, by=coordinator)
    assert not Action.objects.exists()


def test_nothing_is_saved_when_an_action_is_invalid(pairing, coordinator):
    with pytest.raises(ValidationError) as caught:
        action_create(pairing=pairing, by=coordinator, title="", due_date=datetime.date(2016, 6, 1))
    assert set(caught.value.message_dict) == {"due_date", "title"}
    assert not Action.objects.exists()


@pytest.mark.parametrize("who", ["delegate", "partner_delegate", "other_coordinator"])
def test_only_coordinators_and_staff_manage_the_plan(request, pairing, action, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        action_create(pairing=pairing, by=user, title="Not mine")
    with pytest.raises(PermissionDenied):
        action_update(action=action, by=user, title="Renamed")
    with pytest.raises(PermissionDenied):
        action_delete(action=action, by=user)
    action.refresh_from_db()
    assert action.title == "Open data portal for bike sharing"


@pytest.mark.parametrize("who", ["delegate", "partner_delegate", "coordinator", "programme_staff"])
def test_member_delegates_coordinators_and_staff_update_progress(request, action, who):
    user = request.getfixturevalue(who)
    action_progress_update(
        action=action, by=user, status=Action.Status.IN_PROGRESS, progress=75, note="Met."
    )
    action.refresh_from_db()
    assert action.progress == 75
    assert action.history.first().history_user == user


def test_a_delegate_of_a_further_member_updates_progress(pairing, action, outsider_delegate):
    with pytest.raises(PermissionDenied):
        action_progress_update(
            action=action, by=outsider_delegate, status=Action.Status.DONE, progress=100, note="X"
        )
    PairingMemberFactory(pairing=pairing, city=outsider_delegate.city, side=PairingMember.Side.EU)
    pairing = Pairing.objects.get(pk=pairing.pk)
    action = ActionFactory._meta.model.objects.select_related("pairing").get(pk=action.pk)
    action_progress_update(
        action=action, by=outsider_delegate, status=Action.Status.DONE, progress=100, note="Done."
    )
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.DONE, 100)


def test_progress_of_120_is_refused_and_nothing_saved(action, delegate):
    with pytest.raises(ValidationError) as caught:
        action_progress_update(
            action=action, by=delegate, status=Action.Status.DONE, progress=120, note="X"
        )
    assert caught.value.message_dict == {
        "progress": ["Progress is a percentage between 0 and 100."]
    }
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.IN_PROGRESS, 40)
