import pytest

from tests.meetings.factories import AgendaItemFactory, RegistrationFactory


@pytest.mark.parametrize(
    "path",
    [
        "/admin/meetings/meeting/",
        "/admin/meetings/meeting/add/",
        "/admin/meetings/meeting/{pk}/change/",
        "/admin/meetings/registration/",
        "/admin/meetings/registration/{reg}/change/",
        "/admin/meetings/evaluation/",
    ],
)
def test_programme_staff_manage_meetings_in_the_admin(
    client_for, programme_staff, coordinator, meeting, delegate, path
):
    AgendaItemFactory(meeting=meeting)
    registration = RegistrationFactory(meeting=meeting, person=delegate)
    url = path.format(pk=meeting.pk, reg=registration.pk)
    assert client_for(programme_staff).get(url).status_code == 200
    response = client_for(coordinator).get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
