"""The pairing workspaces and the community spaces: who may open them, discussions with
mentions and read markers, the document library with its versions, the timeline, the notices
and the queries each page makes."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cities.factories import CityFactory, ThematicAreaFactory
from tests.meetings.factories import MeetingFactory
from tests.twinning.factories import (
    PDF,
    ActionFactory,
    ActionProgressUpdateFactory,
    DocumentFactory,
    MessageFactory,
    PairingFactory,
    PairingMemberFactory,
    ThreadFactory,
)
from tests.users.factories import DelegateFactory
from twinning import selectors, services
from twinning.models import Document, DocumentVersion, Message, Thread
from worldcities.notifications.models import Delivery, EmailMessage, Notification
from worldcities.notifications.services import preferences_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The background notices enqueued once a change commits (``notify_people_later``)."""
    from worldcities.notifications import tasks

    payloads = []
    monkeypatch.setattr(tasks.notify_people, "delay", lambda **payload: payloads.append(payload))
    return payloads


def run_queued(payloads) -> None:
    from worldcities.notifications.tasks import notify_people

    while payloads:
        notify_people.run(**payloads.pop(0))


@pytest.fixture
def further_delegate(pairing):
    """A delegate of a further member city of the pairing (EU side)."""
    city = CityFactory(name="Oulu", slug="oulu")
    PairingMemberFactory(pairing=pairing, city=city)
    return DelegateFactory(email="oulu@example.org", full_name="Oulu Delegate", city=city)


@pytest.fixture
def thread(pairing, delegate):
    return ThreadFactory(pairing=pairing, author=delegate, title="Bike sharing data")


@pytest.fixture
def document(pairing, delegate):
    return DocumentFactory(pairing=pairing, created_by=delegate, title="Mobility plan")


def _pages(pairing, thread, document):
    slug = pairing.slug
    return [
        reverse("twinning:workspace", args=[slug]),
        reverse("twinning:thread_create", args=[slug]),
        reverse("twinning:thread_detail", args=[slug, thread.pk]),
        reverse("twinning:documents", args=[slug]),
        reverse("twinning:document_detail", args=[slug, document.pk]),
        reverse("twinning:document_download", args=[slug, document.pk, 1]),
        reverse("twinning:timeline", args=[slug]),
    ]


# --- Who may open what ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 302),
        ("delegate", 200),
        ("partner_delegate", 200),
        ("further_delegate", 200),
        ("outsider_delegate", 404),
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("programme_staff", 200),
    ],
)
def test_a_workspace_opens_to_its_members_their_coordinators_and_staff_only(
    request, client, pairing, thread, document, further_delegate, who, status
):
    user = None if who == "visitor" else request.getfixturevalue(who)
    if user is not None:
        client.force_login(user)
    for path in _pages(pairing, thread, document):
        response = client.get(path)
        assert response.status_code == status, path
        if status == 302:
            assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_a_thread_of_another_workspace_is_not_found_through_this_one(
    client, pairing, delegate, edition
):
    other = ThreadFactory(pairing=PairingFactory(edition=edition))
    client.force_login(delegate)
    path = reverse("twinning:thread_detail", args=[pairing.slug, other.pk])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("visitor", 302),
        ("delegate", 200),
        ("outsider_delegate", 200),
        ("coordinator", 200),
        ("other_coordinator", 200),
        ("programme_staff", 200),
    ],
)
def test_the_community_opens_to_every_delegate_coordinator_and_staff(request, client, who, status):
    area = ThematicAreaFactory(name="Mobility", slug="mobility")
    community_thread = ThreadFactory(pairing=None, thematic_area=area)
    user = None if who == "visitor" else request.getfixturevalue(who)
    if user is not None:
        client.force_login(user)
    for path in [
        reverse("twinning:community"),
        reverse("twinning:community_area", args=[area.slug]),
        reverse("twinning:community_thread_create", args=[area.slug]),
        community_thread.get_absolute_url(),
    ]:
        assert client.get(path).status_code == status, path


def test_the_pairing_page_links_to_the_workspace_for_its_members_only(
    client, pairing, delegate, outsider_delegate
):
    link = reverse("twinning:workspace", args=[pairing.slug])
    client.force_login(delegate)
    assert link in client.get(pairing.get_absolute_url()).content.decode()
    client.force_login(outsider_delegate)
    assert link not in client.get(pairing.get_absolute_url()).content.decode()
    client.logout()
    assert link not in client.get(pairing.get_absolute_url()).content.decode()


def test_the_navigation_leads_logged_in_people_to_the_community(client, delegate):
    community = reverse("twinning:community")
    assert community not in client.get("/").content.decode()
    client.force_login(delegate)
    assert community in client.get("/").content.decode()


# --- Discussions --------------------------------------------------------------------------------
def test_a_member_opens_a_thread_and_its_markdown_is_sanitised(
    client, pairing, delegate, queued, django_capture_on_commit_callbacks
):
    client.force_login(delegate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("twinning:thread_create", args=[pairing.slug]),
            {"title": "Open data", "body": "**Shared** data <script>alert(1)</script>"},
        )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<strong>Shared</strong>" in page
    assert "alert(1)" not in page
    assert thread.message_count == 1 and thread.pairing == pairing


def test_a_message_to_a_workspace_one_is_not_a_member_of_is_refused(
    client, pairing, thread, outsider_delegate
):
    client.force_login(outsider_delegate)
    response = client.post(
        reverse("twinning:thread_create", args=[pairing.slug]),
        {"title": "Hello", "body": "Let me in"},
    )
    assert response.status_code == 404
    response = client.post(thread.get_absolute_url(), {"body": "Let me in"})
    assert response.status_code == 404
    assert Thread.objects.count() == 1 and Message.objects.count() == 1
    with pytest.raises(ValidationError, match="not a member of this pairing's workspace"):
        services.message_post(thread=thread, by=outsider_delegate, body="Let me in")
    with pytest.raises(ValidationError, match="not a member of this pairing's workspace"):
        services.thread_start(pairing=pairing, by=outsider_delegate, title="Hi", body="Hi")
    assert Thread.objects.count() == 1 and Message.objects.count() == 1


def test_a_mention_of_someone_outside_the_workspace_is_refused_and_nothing_saved(
    client, pairing, thread, delegate, outsider_delegate
):
    client.force_login(delegate)
    response = client.post(
        reverse("twinning:thread_create", args=[pairing.slug]),
        {"title": "Data", "body": "What do you think, @Outsider?"},
    )
    assert response.status_code == 200
    assert "@Outsider cannot be mentioned" in response.content.decode()
    assert 'value="Data"' in response.content.decode()  # the form keeps what was written
    response = client.post(thread.get_absolute_url(), {"body": "@Nobody Known, look"})
    assert response.status_code == 400
    assert "@Nobody Known cannot be mentioned" in response.content.decode()
    assert Thread.objects.count() == 1 and Message.objects.count() == 1


def test_an_empty_message_is_refused(client, pairing, thread, delegate):
    client.force_login(delegate)
    response = client.post(thread.get_absolute_url(), {"body": "   "})
    assert response.status_code == 400
    assert Message.objects.count() == 1


def test_mentions_find_the_longest_member_name_and_ignore_addresses(
    pairing, delegate, partner_delegate, further_delegate
):
    DelegateFactory(full_name="Partner", city=pairing.partner_lead)
    found = services.mentions_in(
        "Thanks @partner delegate and @Oulu Delegate! Mail me at a@example.org",
        pairing=selectors.workspace_for(delegate, pairing.slug),
    )
    assert {p.email for p in found} == {partner_delegate.email, further_delegate.email}


def test_read_markers_count_each_readers_unread_messages(
    client, pairing, thread, delegate, partner_delegate
):
    MessageFactory.create_batch(3, thread=thread, author=partner_delegate)
    rows = {t.pk: t.unread for t in selectors.workspace_threads(pairing, partner_delegate)}
    assert rows == {thread.pk: 4}
    client.force_login(partner_delegate)
    client.get(thread.get_absolute_url())
    rows = {t.pk: t.unread for t in selectors.workspace_threads(pairing, partner_delegate)}
    assert rows == {thread.pk: 0}
    MessageFactory(thread=thread, author=delegate)
    page = client.get(reverse("twinning:workspace", args=[pairing.slug])).content.decode()
    assert '<span class="count-badge">1<span class="visually-hidden"> unread' in page


def test_a_thread_read_again_writes_no_marker(client, pairing, thread, partner_delegate):
    """The reader's marker moves when a page shows a message they had not seen, and a page
    read again writes nothing."""

    def markers_written():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(thread.get_absolute_url()).status_code == 200
        return [q for q in queries.captured_queries if q["sql"].lstrip().startswith("INSERT")]

    MessageFactory.create_batch(3, thread=thread, author=partner_delegate)
    client.force_login(partner_delegate)
    assert len(markers_written()) == 1
    assert markers_written() == []
    newest = MessageFactory(thread=thread, author=partner_delegate)
    assert len(markers_written()) == 1
    assert selectors.thread_last_read(thread, partner_delegate) == newest.pk


def test_a_reply_moves_the_thread_and_the_writers_marker(
    pairing, thread, delegate, partner_delegate, queued
):
    message = services.message_post(thread=thread, by=partner_delegate, body="Agreed.")
    thread.refresh_from_db()
    assert thread.message_count == 2
    assert thread.last_posted_at == message.created_at
    assert selectors.thread_last_read(thread, partner_delegate) == message.pk
    services.thread_mark_read(thread=thread, user=partner_delegate, message_id=1)
    assert selectors.thread_last_read(thread, partner_delegate) == message.pk  # never back


# --- Notices ------------------------------------------------------------------------------------
def test_a_new_thread_tells_each_member_once_by_their_chosen_delivery(
    pairing,
    delegate,
    partner_delegate,
    further_delegate,
    coordinator,
    outsider_delegate,
    programme_staff,
    queued,
    django_capture_on_commit_callbacks,
):
    preferences_set(user=further_delegate, choices={"workspace_thread": Delivery.DAILY})
    preferences_set(user=coordinator, choices={"workspace_thread": Delivery.OFF})
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_start(
            pairing=pairing, by=delegate, title="Next visit", body="Dates for the visit?"
        )
    assert not Notification.objects.exists()  # made in the background
    run_queued(queued)
    told = {n.recipient.email: n.delivery for n in Notification.objects.all()}
    assert told == {
        partner_delegate.email: Delivery.IMMEDIATE,
        further_delegate.email: Delivery.DAILY,
        coordinator.email: Delivery.OFF,
    }
    assert list(EmailMessage.objects.values_list("to", flat=True)) == [partner_delegate.email]


def test_a_mentioned_member_is_told_of_the_mention_only_and_a_reply_tells_the_writers(
    pairing,
    delegate,
    partner_delegate,
    further_delegate,
    queued,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_start(
            pairing=pairing, by=delegate, title="Data", body="@Partner Delegate, your view?"
        )
    run_queued(queued)
    kinds = {(n.recipient.email, n.kind) for n in Notification.objects.all()}
    assert kinds == {
        (partner_delegate.email, "mention"),
        (further_delegate.email, "workspace_thread"),
    }
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=thread, by=partner_delegate, body="Here it is.")
    run_queued(queued)
    kinds = {(n.recipient.email, n.kind) for n in Notification.objects.all()}
    assert kinds == {(delegate.email, "discussion_reply")}
    # The worker running the same notice again tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_post(thread=thread, by=delegate, body="Thanks.")
    payloads = list(queued)
    run_queued(queued)
    run_queued(payloads)
    assert Notification.objects.filter(target_id=str(message.pk)).count() == 1


# --- Documents ----------------------------------------------------------------------------------
def _pdf(name="plan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_new_version_keeps_the_old_ones_downloadable(
    client, pairing, document, partner_delegate, queued, django_capture_on_commit_callbacks
):
    client.force_login(partner_delegate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("twinning:document_detail", args=[pairing.slug, document.pk]),
            {"file": _pdf("plan-v2.pdf", PDF + b"% second\n"), "note": "Budget added"},
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.latest_version.number == 2
    page = client.get(response["Location"]).content.decode()
    assert "Download plan-v2.pdf" in page and "Download plan.pdf" in page
    assert "Budget added" in page
    for number, content in [(1, PDF), (2, PDF + b"% second\n")]:
        download = client.get(
            reverse("twinning:document_download", args=[pairing.slug, document.pk, number])
        )
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content
        assert download["Content-Disposition"].startswith("attachment")
    run_queued(queued)
    assert Notification.objects.filter(
        kind="document_version", recipient__email="delegate@example.org"
    ).exists()


def test_a_document_is_added_with_its_first_version(client, pairing, delegate, queued):
    client.force_login(delegate)
    response = client.post(
        reverse("twinning:documents", args=[pairing.slug]),
        {"title": "Minutes", "description": "Of the launch", "file": _pdf()},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.title == "Minutes" and document.latest_version.number == 1
    assert document.latest_version.content_type == "application/pdf"


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("run.exe", b"MZ..."), "are not accepted"),
        (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"), "not a real .pdf file"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_saved(
    client, pairing, document, delegate, upload, message
):
    client.force_login(delegate)
    response = client.post(
        reverse("twinning:documents", args=[pairing.slug]), {"title": "Bad", "file": upload}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    upload.seek(0)
    response = client.post(
        reverse("twinning:document_detail", args=[pairing.slug, document.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 1
    with pytest.raises(ValidationError):
        upload.seek(0)
        services.document_version_add(document=document, by=delegate, upload=upload)
    assert DocumentVersion.objects.count() == 1


def test_an_outsider_cannot_add_a_version(pairing, document, outsider_delegate):
    with pytest.raises(ValidationError, match="not a member"):
        services.document_version_add(document=document, by=outsider_delegate, upload=_pdf())
    assert DocumentVersion.objects.count() == 1


# --- The timeline -------------------------------------------------------------------------------
def test_the_timeline_joins_meetings_actions_progress_and_threads_newest_first(
    client, pairing, delegate
):
    import datetime

    from django.utils import timezone

    action = ActionFactory(pairing=pairing, title="Bike counters")
    ActionProgressUpdateFactory(action=action, note="Counters ordered", author=delegate)
    ThreadFactory(pairing=pairing, title="Counters data")
    MeetingFactory(
        title="Launch in Gwangju",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        ends_at=timezone.now() + datetime.timedelta(days=31),
    ).pairings.add(pairing)
    ThreadFactory(title="Another pairing's thread")
    client.force_login(delegate)
    page = client.get(reverse("twinning:timeline", args=[pairing.slug])).content.decode()
    order = [
        page.index(text)
        for text in (
            "Launch in Gwangju",
            "Counters data",
            "Counters ordered",
            "plan: Bike counters",
        )
    ]
    assert order == sorted(order)
    assert "Another pairing's thread" not in page


def test_a_later_page_of_discussions_lists_the_older_ones_newest_first(client, pairing, delegate):
    """The page's threads come in order from the database's index of the workspace."""
    import datetime

    from django.utils import timezone

    from cities.paging import PER_PAGE

    start = timezone.now() - datetime.timedelta(days=100)
    for day in range(PER_PAGE + 3):
        ThreadFactory(
            pairing=pairing,
            title=f"Thread {day:02d}",
            last_posted_at=start + datetime.timedelta(days=day),
        )
    client.force_login(delegate)
    url = reverse("twinning:workspace", args=[pairing.slug])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, {"page": 2}).content.decode()
    shown = [f"Thread {day:02d}" for day in (2, 1, 0)]
    assert [page.index(title) for title in shown] == sorted(page.index(t) for t in shown)
    assert "Thread 03" not in page
    # The page's keys: the last three, read by the database in the list's order.
    assert any(f"LIMIT 3 OFFSET {PER_PAGE}" in q["sql"] for q in queries.captured_queries)


def test_a_long_thread_pages_its_messages_in_order_and_opens_on_the_last(client, thread, delegate):
    from cities.paging import PER_PAGE

    notes = [f"Note {n:02d}" for n in range(PER_PAGE + 2)]
    for body in notes:
        MessageFactory(thread=thread, author=delegate, body=body)
    client.force_login(delegate)
    url = thread.get_absolute_url()
    first = client.get(url).content.decode()
    on_first = [body for body in notes if body in first]
    assert on_first == notes[: len(on_first)] and len(on_first) >= PER_PAGE - 1
    assert [first.index(body) for body in on_first] == sorted(first.index(b) for b in on_first)
    last = client.get(url, {"page": "last"}).content.decode()
    on_last = [body for body in notes if body in last]
    assert on_last == notes[len(on_first) :]
    assert [last.index(body) for body in on_last] == sorted(last.index(b) for b in on_last)


# --- Queries ------------------------------------------------------------------------------------
@pytest.mark.parametrize("page_name", ["workspace", "documents", "timeline", "thread"])
def test_workspace_pages_make_the_same_queries_over_more_rows(
    client, pairing, thread, delegate, assert_flat_queries, page_name
):
    client.force_login(delegate)

    def more(n):
        for _i in range(n):
            ThreadFactory(pairing=pairing, author=delegate)
            MessageFactory(thread=thread, author=DelegateFactory(city=pairing.partner_lead))
            DocumentFactory(pairing=pairing, created_by=DelegateFactory(city=pairing.eu_lead))
            ActionProgressUpdateFactory(action=ActionFactory(pairing=pairing))

    path = {
        "workspace": reverse("twinning:workspace", args=[pairing.slug]),
        "documents": reverse("twinning:documents", args=[pairing.slug]),
        "timeline": reverse("twinning:timeline", args=[pairing.slug]),
        "thread": thread.get_absolute_url(),
    }[page_name]
    assert_flat_queries(more, lambda: client.get(path), small=1, large=25)


@pytest.mark.parametrize("page_name", ["community", "area", "thread"])
def test_community_pages_make_the_same_queries_over_more_rows(
    client, delegate, assert_flat_queries, page_name
):
    area = ThematicAreaFactory(slug="energy")
    first = ThreadFactory(pairing=None, thematic_area=area)
    client.force_login(delegate)

    def more(n):
        for _i in range(n):
            ThreadFactory(pairing=None, thematic_area=ThematicAreaFactory())
            ThreadFactory(pairing=None, thematic_area=area)
            MessageFactory(thread=first)

    path = {
        "community": reverse("twinning:community"),
        "area": reverse("twinning:community_area", args=[area.slug]),
        "thread": first.get_absolute_url(),
    }[page_name]
    assert_flat_queries(more, lambda: client.get(path), small=1, large=25)


def test_community_threads_live_in_their_area_and_mention_any_member(
    client, delegate, partner_delegate, queued, django_capture_on_commit_callbacks
):
    area = ThematicAreaFactory(name="Energy", slug="energy")
    client.force_login(delegate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("twinning:community_thread_create", args=[area.slug]),
            {"title": "Heat pumps", "body": "@Partner Delegate, how did you fund them?"},
        )
    thread = Thread.objects.get()
    assert response["Location"] == thread.get_absolute_url()
    assert thread.thematic_area == area and thread.pairing is None
    run_queued(queued)
    assert [(n.recipient, n.kind) for n in Notification.objects.all()] == [
        (partner_delegate, "mention")
    ]


def test_a_delegate_opens_a_community_thread_and_a_blank_title_is_refused(
    client, outsider_delegate
):
    area = ThematicAreaFactory(name="Mobility", slug="mobility")
    client.force_login(outsider_delegate)
    url = reverse("twinning:community_thread_create", args=[area.slug])
    refused = client.post(url, {"title": "", "body": "Who runs night buses?"})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert not Thread.objects.exists()
    response = client.post(url, {"title": "Night buses", "body": "Who runs night buses?"})
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert thread.thematic_area == area and thread.pairing is None
    assert "The thread was opened." in client.get(thread.get_absolute_url()).content.decode()
