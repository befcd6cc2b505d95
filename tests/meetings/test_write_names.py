"""A registration and its withdrawal, as the benchmark's mixed pass makes them, move their
meeting's version alone: the meeting list and the city and pairing pages keep their copies."""

import pytest

from meetings.services import registration_cancel, registration_register

pytestmark = pytest.mark.django_db


def test_a_registration_and_its_withdrawal_move_their_meeting_alone(
    moved, meeting, partner_delegate
):
    moved.clear()  # the factories' own writes
    registration = registration_register(meeting=meeting, person=partner_delegate)
    assert set(moved) == {f"meeting:{meeting.pk}"}
    moved.clear()
    registration_cancel(registration=registration, by=partner_delegate)
    assert set(moved) == {f"meeting:{meeting.pk}"}
