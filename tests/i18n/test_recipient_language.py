"""Messages, e-mails and reports come out in the language of the person they are for,
whatever language the request or the worker that writes them runs in."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from cities import seed as cities_seed
from meetings.models import Registration
from meetings.notices import registration_notices
from tests.i18n.catalogues import untranslated_texts
from tests.meetings.factories import MeetingFactory, RegistrationFactory
from tests.users.factories import DelegateFactory
from twinning import seed as twinning_seed
from twinning.models import Edition
from worldcities.notifications.models import EmailMessage, Notification
from worldcities.reports import services as reports
from worldcities.reports.models import Report
from worldcities.reports.tasks import generate_report
from worldcities.users.services import account_invitation_send

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        (
            "ko",
            "World Cities Exchange 계정",
            "그런 다음 이 이메일 주소로 로그인하십시오.",
        ),
        (
            "vi",
            "Tài khoản World Cities Exchange của bạn",
            "Sau đó đăng nhập bằng địa chỉ e-mail này.",
        ),
        ("en", "Your World Cities Exchange account", "Then log in with this e-mail address."),
    ],
)
def test_the_invitation_reads_in_the_new_account_holders_language(language, subject, line):
    person = DelegateFactory(language=language)
    with translation.override("fr"):  # the administrator's own language does not leak in
        message = account_invitation_send(user=person)
    assert message.subject == subject
    assert line in message.text
    assert line in message.html
    if language != "en":
        assert not untranslated_texts(language, message.text.splitlines())


def test_a_registration_notice_reads_in_the_delegates_language():
    indonesian = DelegateFactory(language="id")
    german = DelegateFactory(language="de")
    meeting = MeetingFactory(title="Semarang 2018")
    for person in (indonesian, german):
        registration_notices(
            [
                RegistrationFactory(
                    meeting=meeting, person=person, status=Registration.Status.CONFIRMED
                )
            ]
        )
    titles = dict(Notification.objects.values_list("recipient__language", "title"))
    assert titles == {
        "id": "Tempat Anda dikonfirmasi: Semarang 2018",
        "de": "Ihr Platz ist bestätigt: Semarang 2018",
    }
    bodies = dict(Notification.objects.values_list("recipient__language", "body"))
    assert bodies["id"].startswith("Tempat Anda di pertemuan ini dikonfirmasi.")
    assert bodies["de"].startswith("Ihr Platz bei diesem Treffen ist bestätigt.")


def test_a_report_is_written_in_the_language_of_who_asked_for_it(coordinator):
    cities_seed.load()
    twinning_seed.load()
    edition = Edition.objects.get(slug="2017-2018-korea")
    edition.coordinators.add(coordinator)
    coordinator.language = "de"
    coordinator.save(update_fields=["language"])

    report = reports.report_request(kind="edition", target=edition, fmt="xlsx", by=coordinator)
    assert generate_report(str(report.pk)) is True
    report.refresh_from_db()
    assert report.status == Report.Status.READY

    workbook = load_workbook(io.BytesIO(report.file.read()))
    assert workbook.worksheets[0].title == "Übersicht"
    figures = {row[0] for row in workbook["Übersicht"].iter_rows(min_row=4, values_only=True)}
    assert {"Partnerschaften", "Maßnahmen"} <= figures
    told = Notification.objects.get(recipient=coordinator)
    assert told.title.startswith("Ihr Bericht ist fertig: ")
    assert EmailMessage.objects.filter(recipient=coordinator).count() <= 1
