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


def test_a_registration_changed_in_the_admin_shows_at_once_on_its_meeting_page(
    client, programme_staff, delegate, partner_delegate, meeting
):
    registration = RegistrationFactory(meeting=meeting, person=delegate)
    page = f"/meetings/{meeting.pk}/"

    def delegations():
        body = client.get(page).text
        return body[body.index('id="delegations-heading"') : body.index('id="outcomes"')]

    client.force_login(partner_delegate)
    assert "Eu Delegate" in delegations()  # now kept in the cache
    client.force_login(programme_staff)
    response = client.post(
        f"/admin/meetings/registration/{registration.pk}/change/",
        {
            "person": delegate.pk,
            "meeting": meeting.pk,
            "city": delegate.city_id,
            "status": "cancelled",
            "attended": "unknown",
            "dietary_needs": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.force_login(partner_delegate)
    assert "Eu Delegate" not in delegations()


def test_meetings_deleted_in_the_admin_leave_the_list_at_once(client, programme_staff, meeting):
    assert meeting.title in client.get("/meetings/").text  # now kept in the cache
    client.force_login(programme_staff)
    response = client.post(
        "/admin/meetings/meeting/",
        {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    assert meeting.title not in client.get("/meetings/").text
