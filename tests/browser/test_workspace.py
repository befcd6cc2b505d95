"""The workspace journey: a Busan delegate opens a thread in the Busan–Barcelona workspace and
mentions nobody; the Barcelona delegate is told once, by the delivery they chose, opens the
thread from the notification and replies; then a document gets a second version, and both
stay downloadable. The notices are made by a real Celery worker on Redis."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.twinning.factories import PDF, PairingFactory
from tests.users.factories import DelegateFactory
from twinning.models import Document, Message, Thread
from worldcities.notifications.models import Delivery, EmailMessage, Notification

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def _wait_for(query, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if query.exists():
            return True
        time.sleep(0.2)
    return False


def test_busan_opens_a_thread_barcelona_is_told_and_replies_and_a_document_gets_a_version(
    page, live_server, celery_worker_on_redis, edition, tmp_path
):
    busan = PartnerCityFactory(name="Busan", slug="busan", time_zone="Asia/Seoul")
    barcelona = CityFactory(name="Barcelona", slug="barcelona", time_zone="Europe/Madrid")
    pairing = PairingFactory(
        edition=edition, eu_lead=barcelona, partner_lead=busan, slug="busan-barcelona"
    )
    min_jun = DelegateFactory(email="busan@example.org", full_name="Min-jun Park", city=busan)
    laia = DelegateFactory(email="barcelona@example.org", full_name="Laia Puig", city=barcelona)

    # Busan opens a thread from the pairing page and mentions Laia from the members' list.
    log_in(page, live_server, min_jun)
    page.goto(live_server.url + pairing.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Open the pairing's workspace").click()
    expect(page.get_by_role("heading", name="Workspace of Busan – Barcelona")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start a discussion").click()
    assert_accessible(page)
    page.get_by_label("Subject").fill("Bike-sharing data")
    page.get_by_label("Your message").fill("Our stations are **open data**. ")
    page.get_by_role("button", name="@Laia Puig").click()
    expect(page.get_by_label("Your message")).to_have_value(
        "Our stations are **open data**. @Laia Puig "
    )
    page.get_by_label("Your message").press("End")
    page.get_by_label("Your message").type("what format do you use?")
    page.get_by_role("button", name="Open the thread").click()
    expect(page.get_by_text("The thread was opened")).to_be_visible()
    expect(page.locator(".message-body strong")).to_have_text("open data")
    assert_accessible(page)

    # Laia is told once, as she chose (at once, by e-mail): the mention, not the thread too.
    thread = Thread.objects.get()
    told = Notification.objects.filter(recipient=laia)
    assert _wait_for(told)
    time.sleep(1)  # anything else the worker would make has had time to appear
    assert [(n.kind, n.delivery) for n in told] == [("mention", Delivery.IMMEDIATE)]
    assert EmailMessage.objects.filter(to=laia.email).count() == 1

    # She follows the notification to the thread and replies.
    log_in(page, live_server, laia)
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("link", name="Notifications 1 unread").click()
    assert_accessible(page)
    page.get_by_role("link", name="Min-jun Park mentioned you in “Bike-sharing data”").click()
    expect(page.get_by_role("heading", name="Bike-sharing data")).to_be_visible()
    expect(page.get_by_text("New", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your message").fill("We publish GBFS; the spec is in the library.")
    page.get_by_role("button", name="Post the reply").click()
    expect(page.get_by_text("Your reply was posted.")).to_be_visible()
    expect(page.get_by_text("We publish GBFS; the spec is in the library.")).to_be_visible()
    assert_accessible(page)
    assert Message.objects.filter(thread=thread).count() == 2
    assert _wait_for(Notification.objects.filter(recipient=min_jun, kind="discussion_reply"))

    # She shares a document, then a second version of it.
    first = tmp_path / "gbfs.pdf"
    first.write_bytes(PDF)
    second = tmp_path / "gbfs-v2.pdf"
    second.write_bytes(PDF + b"% with capacities\n")
    page.get_by_role("link", name="Back to the workspace of Busan – Barcelona").click()
    page.get_by_role("link", name="Documents").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("GBFS specification")
    page.get_by_label("File").set_input_files(str(first))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("“GBFS specification” was added to the library.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("File").set_input_files(str(second))
    page.get_by_label("What changed").fill("Station capacities added")
    page.get_by_role("button", name="Upload the new version").click()
    expect(page.get_by_text("Version 2 was added.")).to_be_visible()
    expect(page.get_by_role("link", name="Download gbfs.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="Download gbfs-v2.pdf")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download gbfs.pdf").click()
    assert download.value.suggested_filename == "gbfs-specification-v1.pdf"
    document = Document.objects.get()
    assert [v.number for v in document.versions.order_by("number")] == [1, 2]
    assert _wait_for(Notification.objects.filter(recipient=min_jun, kind="document_version"))

    # The timeline shows the thread; Busan sees it unread no more once opened.
    page.get_by_role("link", name="Timeline").click()
    expect(page.get_by_role("link", name="Bike-sharing data")).to_be_visible()
    assert_accessible(page)
