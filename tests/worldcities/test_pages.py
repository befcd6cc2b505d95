import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import path

from tests.cities.factories import CityFactory
from tests.twinning.factories import PairingFactory
from worldcities.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("forbidden/", forbidden), *site_urlpatterns]


@pytest.mark.django_db
def test_home_explains_the_programme_and_shows_its_figures(client):
    PairingFactory.create_batch(2)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "EU cities and partner cities, learning from each other" in body
    assert response.context["figures"]["pairings"] == 2
    assert response.context["figures"]["cities"] == 4
    for link in ("/cities/", "/pairings/", "/practices/", "/meetings/"):
        assert f'href="{link}"' in body


@pytest.mark.django_db
def test_home_uses_the_same_queries_however_many_editions(client, assert_flat_queries):
    assert_flat_queries(
        lambda n: PairingFactory.create_batch(n), lambda: client.get("/"), small=1, large=12
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cities/", "/pairings/", "/practices/", "/meetings/"])
def test_every_section_of_the_navigation_answers(client, url):
    CityFactory()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_unknown_url_gives_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert 'class="site-header"' in body
    assert "Skip to main content" in body


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_forbidden_gives_the_styled_403(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Access refused" in body
    assert 'class="site-header"' in body


def test_the_500_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "site.css" in html


@pytest.mark.django_db
def test_health_endpoint_reports_each_service(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_health_endpoint_says_which_service_is_down(client, monkeypatch):
    from worldcities import views

    def broker_down():
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(views, "_check_broker", broker_down)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_the_language_cannot_be_switched_by_another_site():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/i18n/setlang/", {"language": "fr", "next": "/"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_home_shows_the_next_meetings_and_latest_practices(client):
    from practices.models import Practice
    from tests.meetings.factories import MeetingFactory
    from tests.practices.factories import PracticeFactory

    MeetingFactory(title="Follow-up in Tampere")
    PracticeFactory(title="Open mobility data")
    PracticeFactory(title="Unpublished idea", status=Practice.Status.DRAFT)
    body = client.get("/").content.decode()
    assert "Follow-up in Tampere" in body
    assert "Open mobility data" in body
    assert "Unpublished idea" not in body


@pytest.mark.django_db
def test_a_publication_renders_the_home_news_again_and_keeps_its_account_of_the_programme(
    client, programme_staff
):
    from unittest import mock

    from practices.models import Practice
    from practices.services import practice_publish
    from tests.practices.factories import PracticeFactory
    from worldcities import views

    PracticeFactory(title="Open mobility data")
    submitted = PracticeFactory(
        title="Cool roofs", status=Practice.Status.SUBMITTED, published_at=None
    )
    client.get("/")

    practice_publish(practice=submitted, by=programme_staff)

    with mock.patch.object(views, "programme_impact", wraps=views.programme_impact) as impact:
        response = client.get("/")
    assert "Cool roofs" in response.text
    assert response.context["figures"]["practices"] == 2
    assert 'id="impact-heading"' in response.text
    impact.assert_not_called()
