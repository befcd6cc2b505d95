import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from practices.models import (
    Comment,
    Follow,
    Practice,
    PracticeStatusChange,
    PracticeVersion,
    Transfer,
)
from practices.services import (
    comment_create,
    follow_toggle,
    practice_archive,
    practice_publish,
    practice_return,
    practice_save,
    practice_submit,
    practice_transfer_set,
)
from tests.cities.factories import ThematicAreaFactory
from tests.users.factories import DelegateFactory

S = Practice.Status
pytestmark = pytest.mark.django_db

# Queries of each write, the same however many people hear of it.
QUESTION_QUERIES = 4
TRANSFER_QUERIES = 10
FOLLOW_QUERIES = 4
DRAFT_SAVE_QUERIES = 5
PUBLISH_QUERIES = 20


def test_save_creates_a_draft_of_the_delegates_city_with_rendered_body(delegate, pairing):
    area = ThematicAreaFactory()
    practice = practice_save(
        practice=Practice(title="Smart grid pilot", summary="Short.", body="**Bold** move"),
        by=delegate,
        m2m={"thematic_areas": [area]},
    )
    assert practice.status == S.DRAFT
    assert practice.city == delegate.city
    assert practice.author == delegate
    assert practice.slug == "smart-grid-pilot"
    assert Practice.objects.with_side().get(pk=practice.pk).side == Practice.Side.EU
    assert practice.body_html == "<p><strong>Bold</strong> move</p>"
    assert list(practice.thematic_areas.all()) == [area]


def test_save_refuses_a_coordinator(coordinator):
    with pytest.raises(PermissionDenied):
        practice_save(practice=Practice(title="X", summary="Y", body="Z"), by=coordinator)
    assert not Practice.objects.exists()


def test_partner_city_practice_is_on_the_partner_side(partner_delegate, pairing):
    practice = practice_save(
        practice=Practice(title="Bikes", summary="S", body="B"), by=partner_delegate
    )
    assert Practice.objects.with_side().get(pk=practice.pk).side == Practice.Side.PARTNER


def test_submit_moves_draft_to_submitted_and_records_it(make_practice, delegate):
    practice = make_practice(status=S.DRAFT)
    practice = practice_submit(practice=practice, by=delegate)
    assert practice.status == S.SUBMITTED
    assert practice.submitted_at is not None
    change = PracticeStatusChange.objects.get(practice=practice)
    assert (change.from_status, change.to_status, change.changed_by) == (
        S.DRAFT,
        S.SUBMITTED,
        delegate,
    )


def test_submit_by_another_city_is_refused(make_practice, partner_delegate):
    practice = make_practice(status=S.DRAFT)
    with pytest.raises(PermissionDenied):
        practice_submit(practice=practice, by=partner_delegate)
    practice.refresh_from_db()
    assert practice.status == S.DRAFT


def test_publish_keeps_a_version_with_a_snapshot(make_practice, coordinator):
    practice = make_practice(status=S.SUBMITTED, title="Solar roofs")
    practice = practice_publish(practice=practice, by=coordinator)
    assert practice.status == S.PUBLISHED
    assert practice.published_at is not None
    version = practice.versions.get()
    assert version.number == 1
    assert version.snapshot["title"] == "Solar roofs"
    assert version.published_by == coordinator


def test_every_published_version_is_kept_across_edits(make_practice, coordinator, delegate):
    practice = practice_publish(
        practice=make_practice(status=S.SUBMITTED, title="First title"), by=coordinator
    )
    practice.title = "Second title"
    practice_save(practice=practice, by=delegate)
    titles = [v.snapshot["title"] for v in practice.versions.order_by("number")]
    assert titles == ["First title", "Second title"]


def test_return_needs_a_comment_and_stores_it(make_practice, coordinator):
    practice = make_practice(status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        practice_return(practice=practice, by=coordinator, comment="  ")
    practice = practice_return(practice=practice, by=coordinator, comment="Add a key figure.")
    assert practice.status == S.RETURNED
    assert practice.review_comment == "Add a key figure."
    assert practice.status_changes.first().comment == "Add a key figure."


def test_returned_practice_can_be_resubmitted(make_practice, coordinator, delegate):
    practice = practice_return(
        practice=make_practice(status=S.SUBMITTED), by=coordinator, comment="More detail."
    )
    practice = practice_submit(practice=practice, by=delegate)
    assert practice.status == S.SUBMITTED


def test_coordinator_of_another_edition_cannot_review(make_practice, other_coordinator):
    practice = make_practice(status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        practice_publish(practice=practice, by=other_coordinator)


def test_coordinator_reviews_practice_of_a_city_in_the_edition_without_pairing(
    make_practice, coordinator, pairing
):
    practice = make_practice(status=S.SUBMITTED, pairing=None)
    assert practice_publish(practice=practice, by=coordinator).status == S.PUBLISHED


def test_publishing_a_draft_is_refused(make_practice, programme_staff):
    with pytest.raises((ValidationError, PermissionDenied)):
        practice_publish(practice=make_practice(status=S.DRAFT), by=programme_staff)


def test_archive_a_published_practice(practice, delegate):
    practice = practice_archive(practice=practice, by=delegate)
    assert practice.status == S.ARCHIVED
    assert not Practice.objects.published().exists()


def test_archive_refused_to_a_delegate_of_another_city(practice, partner_delegate):
    with pytest.raises(PermissionDenied):
        practice_archive(practice=practice, by=partner_delegate)


def test_transfer_moves_forward_and_counts_adoptions(practice, partner_delegate):
    practice_transfer_set(practice=practice, by=partner_delegate, status="interested")
    practice_transfer_set(practice=practice, by=partner_delegate, status="adapting")
    practice.refresh_from_db()
    assert practice.adoption_count == 0
    transfer = practice_transfer_set(
        practice=practice, by=partner_delegate, status="adopted", story="Bus data first."
    )
    practice.refresh_from_db()
    assert transfer.status == Transfer.Status.ADOPTED
    assert practice.adoption_count == 1
    with pytest.raises(ValidationError):
        practice_transfer_set(practice=practice, by=partner_delegate, status="interested")


def test_adoption_needs_a_story(practice, partner_delegate):
    with pytest.raises(ValidationError) as error:
        practice_transfer_set(practice=practice, by=partner_delegate, status="adopted")
    assert "story" in error.value.message_dict
    assert not Transfer.objects.exists()


def test_own_city_cannot_take_up_its_own_practice(practice, delegate):
    with pytest.raises(PermissionDenied):
        practice_transfer_set(practice=practice, by=delegate, status="interested")


@pytest.fixture
def queued(monkeypatch):
    """The background notices enqueued once a change commits (``notify_people_later``)."""
    from worldcities.notifications import tasks

    payloads = []
    monkeypatch.setattr(tasks.notify_people, "delay", lambda **payload: payloads.append(payload))
    return payloads


def run_queued(payloads) -> None:
    """What the worker does with each of them."""
    from worldcities.notifications.tasks import notify_people

    for payload in payloads:
        notify_people.run(**payload)


def test_comment_tells_the_citys_delegates_in_the_background(
    practice, partner_delegate, delegate, queued, django_capture_on_commit_callbacks
):
    from worldcities.notifications.models import EmailMessage, Notification

    colleague = DelegateFactory(email="colleague@example.org", city=delegate.city)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(practice=practice, by=partner_delegate, body="What did it cost?")
    assert not Notification.objects.exists()  # nothing written per person in the request
    assert len(queued) == 1
    run_queued(queued)
    told = Notification.objects.filter(kind="practice_question")
    assert sorted(n.recipient.email for n in told) == sorted([delegate.email, colleague.email])
    assert all(n.body == "What did it cost?" for n in told)
    assert EmailMessage.objects.filter(
        to=delegate.email, text__contains="What did it cost?"
    ).exists()
    assert not Notification.objects.filter(recipient=partner_delegate).exists()


def test_publishing_and_returning_tell_the_city_and_followers(
    make_practice,
    delegate,
    coordinator,
    partner_delegate,
    queued,
    django_capture_on_commit_callbacks,
):
    from worldcities.notifications.models import Notification

    practice = make_practice(status=Practice.Status.SUBMITTED)
    area = ThematicAreaFactory()
    practice.thematic_areas.add(area)
    Follow.objects.create(user=partner_delegate, thematic_area=area)
    with django_capture_on_commit_callbacks(execute=True):
        practice = practice_return(practice=practice, by=coordinator, comment="Add the budget.")
    run_queued(queued)
    returned = Notification.objects.get(recipient=delegate)
    assert "returned for changes" in returned.title
    assert returned.body == "Add the budget."
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        practice = practice_submit(practice=practice, by=delegate)
        practice_publish(practice=practice, by=coordinator)
    run_queued(queued)
    run_queued(queued)  # a task delivered twice tells nobody twice
    assert (
        Notification.objects.filter(recipient=delegate, title__contains="is published").count() == 1
    )
    followed = Notification.objects.get(recipient=partner_delegate, kind="practice_published")
    assert practice.title in followed.title


def test_a_publication_tells_each_follower_once_and_a_new_version_only_the_practice_s(
    make_practice, coordinator, queued, django_capture_on_commit_callbacks
):
    from worldcities.notifications.models import Notification

    practice = make_practice(status=S.SUBMITTED)
    area, other_area = ThematicAreaFactory(), ThematicAreaFactory()
    practice.thematic_areas.add(area)
    of_practice, of_area, of_both, elsewhere, gone = DelegateFactory.create_batch(5)
    gone.is_active = False
    gone.save()
    for person in (of_practice, of_both, gone):
        Follow.objects.create(user=person, practice=practice)
    for person in (of_area, of_both, gone):
        Follow.objects.create(user=person, thematic_area=area)
    Follow.objects.create(user=elsewhere, thematic_area=other_area)

    def told():
        notices = Notification.objects.filter(kind="practice_published")
        return sorted(notices.values_list("recipient__email", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        practice_publish(practice=practice, by=coordinator)
    run_queued(queued)
    assert told() == sorted([of_practice.email, of_area.email, of_both.email])
    # A later published version: the practice's own followers hear of it, not its areas'.
    queued.clear()
    Notification.objects.all().delete()
    again = make_practice(status=S.SUBMITTED)
    again.thematic_areas.add(area)
    PracticeVersion.objects.create(practice=again, number=1, snapshot={})
    Follow.objects.create(user=of_practice, practice=again)
    with django_capture_on_commit_callbacks(execute=True):
        practice_publish(practice=again, by=coordinator)
    run_queued(queued)
    assert told() == [of_practice.email]


def test_comment_on_a_draft_is_refused(make_practice, partner_delegate):
    with pytest.raises(PermissionDenied):
        comment_create(practice=make_practice(status=S.DRAFT), by=partner_delegate, body="Hi")
    assert not Comment.objects.exists()


def test_follow_toggles_practice_and_area(practice, partner_delegate):
    area = ThematicAreaFactory()
    assert follow_toggle(user=partner_delegate, practice=practice) is True
    assert follow_toggle(user=partner_delegate, thematic_area=area) is True
    assert Follow.objects.count() == 2
    assert follow_toggle(user=partner_delegate, practice=practice) is False
    assert list(Follow.objects.values_list("thematic_area", flat=True)) == [area.pk]


# --- Writes answer in a fixed number of queries ------------------------------------------------
@pytest.mark.parametrize("delegates", [1, 25])
def test_a_question_takes_the_same_queries_however_many_delegates_the_city_has(
    practice, partner_delegate, delegate, delegates, queued, django_assert_num_queries
):
    DelegateFactory.create_batch(delegates, city=delegate.city)
    comment_create(practice=practice, by=partner_delegate, body="Warm-up.")  # content types
    with django_assert_num_queries(QUESTION_QUERIES):
        comment_create(practice=practice, by=partner_delegate, body="What did it cost?")


@pytest.mark.parametrize("delegates", [1, 25])
def test_a_transfer_a_follow_and_a_draft_save_take_the_same_queries_however_many_delegates(
    make_practice, practice, partner_delegate, delegate, delegates, django_assert_num_queries
):
    DelegateFactory.create_batch(delegates, city=delegate.city)
    DelegateFactory.create_batch(delegates, city=partner_delegate.city)
    with django_assert_num_queries(TRANSFER_QUERIES):
        practice_transfer_set(practice=practice, by=partner_delegate, status="interested")
    with django_assert_num_queries(FOLLOW_QUERIES):
        follow_toggle(user=partner_delegate, practice=practice)
    draft = make_practice(status=S.DRAFT)
    draft.title = "Renamed"
    with django_assert_num_queries(DRAFT_SAVE_QUERIES):
        practice_save(practice=draft, by=delegate)


@pytest.mark.parametrize("followers", [1, 25])
def test_a_publication_takes_the_same_queries_however_many_follow_it(
    make_practice, coordinator, delegate, followers, queued, django_assert_num_queries
):
    """Its city's delegates and the followers of the practice and of its areas are told by a
    worker: the request reads who they are, once each."""
    practice = make_practice(status=S.SUBMITTED)
    area = ThematicAreaFactory()
    practice.thematic_areas.add(area)
    DelegateFactory.create_batch(followers, city=delegate.city)
    for person in DelegateFactory.create_batch(followers):
        Follow.objects.create(user=person, practice=practice)
        Follow.objects.create(user=person, thematic_area=area)
    ContentType.objects.get_for_model(Practice)  # kept by the manager once read
    with django_assert_num_queries(PUBLISH_QUERIES):
        practice_publish(practice=practice, by=coordinator)
