import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices.models import Attachment, KeyFigure, Practice, PracticePartner, Transfer
from practices.selectors import practices_for_city, unpublished_shown
from practices.services import practice_publish, practice_transfer_set
from tests.cities.factories import CityFactory, OrganisationFactory, ThematicAreaFactory
from tests.users.factories import DelegateFactory

from .conftest import PDF
from .factories import (
    AttachmentFactory,
    CommentFactory,
    KeyFigureFactory,
    LinkFactory,
    PartnerFactory,
    PracticeFactory,
    TransferFactory,
    written,
)

pytestmark = pytest.mark.django_db

FORMSET_PREFIXES = ["key_figures", "partners", "attachments", "links"]


def practice_post(area, **overrides):
    data = {
        "title": "Hydrogen buses",
        "summary": "Buses that run on hydrogen.",
        "body": "## Steps\n\nWe *tried* it.",
        "thematic_areas": [area.pk],
        "language": "en",
        "then": "preview",
    }
    for prefix in FORMSET_PREFIXES:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "20",
            }
        )
    data.update(overrides)
    return data


def test_create_saves_practice_figures_partners_files_and_links(client, delegate):
    area = ThematicAreaFactory()
    organisation = OrganisationFactory(sector="research")
    client.force_login(delegate)
    response = client.post(
        reverse("practices:create"),
        practice_post(
            area,
            **{
                "key_figures-0-label": "CO2 saved",
                "key_figures-0-value": "120",
                "key_figures-0-unit": "t CO2/year",
                "key_figures-0-year": "2018",
                "partners-0-organisation": organisation.name,
                "partners-0-role": "Measures emissions",
                "attachments-0-title": "Final report",
                "attachments-0-file": SimpleUploadedFile("final report.pdf", PDF),
                "links-0-title": "Project page",
                "links-0-url": "https://example.org/h2",
            },
        ),
    )
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    assert practice.status == Practice.Status.DRAFT
    assert practice.city == delegate.city
    assert KeyFigure.objects.get().unit == "t CO2/year"
    assert PracticePartner.objects.get().role == "Measures emissions"
    attachment = Attachment.objects.get()
    assert attachment.original_name == "final report.pdf"
    assert attachment.content_type == "application/pdf"
    assert "final" not in attachment.file.name  # stored under a generated name
    assert attachment.file.name.endswith(".pdf")
    assert practice.links.get().url == "https://example.org/h2"
    page = client.get(practice.get_absolute_url())
    assert "Preview" in page.content.decode()
    assert "<em>tried</em>" in page.content.decode()


def test_save_and_submit_in_one_step(client, delegate):
    client.force_login(delegate)
    client.post(reverse("practices:create"), practice_post(ThematicAreaFactory(), then="submit"))
    assert Practice.objects.get().status == Practice.Status.SUBMITTED


def test_save_and_submit_on_a_practice_published_meanwhile_just_saves(client, delegate):
    client.force_login(delegate)
    client.post(reverse("practices:create"), practice_post(ThematicAreaFactory()))
    practice = Practice.objects.get()
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.PUBLISHED)
    response = client.post(
        reverse("practices:edit", kwargs={"slug": practice.slug}),
        practice_post(ThematicAreaFactory(), then="submit"),
        follow=True,
    )
    assert response.status_code == 200
    assert "The new version is published." in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"<html><script>alert(1)</script>", "not a real .pdf file"),
        ("page.html", b"<html></html>", "are not accepted"),
        ("report.pdf", PDF + b"0" * (10 * 1024 * 1024), "the limit is 10"),
    ],
    ids=["disguised", "wrong-type", "oversize"],
)
def test_bad_attachment_is_refused_next_to_the_field_and_nothing_saved(
    client, delegate, name, data, message
):
    client.force_login(delegate)
    response = client.post(
        reverse("practices:create"),
        practice_post(
            ThematicAreaFactory(),
            **{
                "key_figures-0-label": "Jobs",
                "key_figures-0-value": "12",
                "key_figures-0-unit": "jobs",
                "attachments-0-file": SimpleUploadedFile(name, data),
            },
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    errors = html.split('id="id_attachments-0-file_errors"')[1].split("</ul>")[0]
    assert message in errors.replace("\xa0", " ")
    assert 'value="Hydrogen buses"' in html  # the rest of the form is kept
    assert 'value="Jobs"' in html
    assert not Practice.objects.exists()
    assert not KeyFigure.objects.exists()


def test_missing_fields_show_errors_and_save_nothing(client, delegate):
    client.force_login(delegate)
    response = client.post(
        reverse("practices:create"), practice_post(ThematicAreaFactory(), title="")
    )
    assert response.status_code == 400
    assert 'id="id_title_errors"' in response.content.decode()
    assert not Practice.objects.exists()


def test_a_failure_midway_leaves_nothing_half_saved(client, delegate, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("index down")

    monkeypatch.setattr("practices.services.practice_index", broken)
    client.force_login(delegate)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(
            reverse("practices:create"),
            practice_post(
                ThematicAreaFactory(),
                **{
                    "key_figures-0-label": "Jobs",
                    "key_figures-0-value": "12",
                    "key_figures-0-unit": "jobs",
                },
            ),
        )
    assert not Practice.objects.exists()
    assert not KeyFigure.objects.exists()


def test_edit_keeps_formset_rows_and_deletes_ticked_ones(client, delegate, make_practice):
    practice = make_practice(status="draft")
    figure = KeyFigureFactory(practice=practice)
    client.force_login(delegate)
    data = practice_post(
        ThematicAreaFactory(),
        title="Renamed",
        **{
            "key_figures-TOTAL_FORMS": "1",
            "key_figures-INITIAL_FORMS": "1",
            "key_figures-0-id": figure.pk,
            "key_figures-0-label": figure.label,
            "key_figures-0-value": "1",
            "key_figures-0-unit": "t",
            "key_figures-0-DELETE": "on",
        },
    )
    response = client.post(reverse("practices:edit", kwargs={"slug": practice.slug}), data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Renamed"
    assert not practice.key_figures.exists()


def test_review_return_needs_a_comment_shown_next_to_the_field(client, coordinator, make_practice):
    practice = make_practice(status="submitted")
    client.force_login(coordinator)
    url = reverse("practices:review", kwargs={"slug": practice.slug})
    response = client.post(url, {"review-decision": "return", "review-comment": ""})
    assert response.status_code == 400
    assert 'id="id_review-comment_errors"' in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == "submitted"
    client.post(url, {"review-decision": "return", "review-comment": "Add the budget."})
    practice.refresh_from_db()
    assert practice.status == "returned"


def test_the_review_history_shows_to_those_who_may_review_and_follows_each_decision(
    client, programme_staff, delegate, partner_delegate, make_practice
):
    practice = make_practice(status="submitted")
    url = practice.get_absolute_url()
    client.force_login(programme_staff)
    assert "Review history" not in client.get(url).content.decode()  # nothing decided yet
    practice_publish(practice=practice, by=programme_staff)
    assert "Published (Programme Staff)" in client.get(url).content.decode()
    client.force_login(delegate)  # of the practice's city: may change it
    assert "Published (Programme Staff)" in client.get(url).content.decode()
    client.force_login(partner_delegate)  # a reader
    assert "Review history" not in client.get(url).content.decode()


def test_returned_practice_shows_the_comment_to_its_city(client, delegate, make_practice):
    practice = make_practice(status="returned", review_comment="Add the budget, please.")
    client.force_login(delegate)
    assert "Add the budget, please." in client.get(practice.get_absolute_url()).content.decode()


def test_practice_page_lists_its_files_then_its_links(client, practice):
    first = AttachmentFactory(practice=practice, title="", original_name="plan.pdf", size=2048)
    second = AttachmentFactory(practice=practice, title="Budget", original_name="budget.xlsx")
    LinkFactory(practice=practice, title="Project site", url="https://example.org/site")
    html = client.get(practice.get_absolute_url()).content.decode()
    section = html[html.index('id="documents-heading"') :]
    # A file without a title is shown by its name; a link opens without the referrer.
    plan = reverse("practices:attachment", args=[practice.slug, first.pk])
    budget = reverse("practices:attachment", args=[practice.slug, second.pk])
    assert f'<a href="{plan}" download>plan.pdf</a>' in section
    assert "(plan.pdf, 2.0\xa0KB)" in section
    assert f'<a href="{budget}" download>Budget</a>' in section
    assert '<a href="https://example.org/site" rel="noopener noreferrer nofollow">' in section
    assert section.index(plan) < section.index(budget) < section.index("Project site")


def test_practice_page_without_documents_has_no_such_section(client, practice):
    assert 'id="documents-heading"' not in client.get(practice.get_absolute_url()).content.decode()


def test_attachment_is_served_as_a_download_with_safe_headers(client, practice):
    attachment = AttachmentFactory(practice=practice, original_name="plan.pdf")
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="plan.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_list_page_keeps_filters_in_the_url_and_htmx_gets_the_partial(client, practice):
    page = client.get(reverse("practices:list"))
    html = page.content.decode()
    assert 'hx-push-url="true"' in html
    assert "<html" in html
    partial = client.get(
        reverse("practices:list"), {"q": "mobility"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode()
    assert "Open mobility data" in partial.content.decode()


def test_each_facet_option_is_a_labelled_checkbox_with_its_count(client):
    busan = CityFactory(name="Busan <Metro> & Co", slug="busan")
    PracticeFactory(city=busan)
    PracticeFactory(city=busan)
    html = client.get("/practices/?city=busan").content.decode()
    options = re.findall(r'<label class="checkbox-label" for="([^"]+)">(.*?)</label>', html, re.S)
    label_for, inside = next(option for option in options if 'name="city"' in option[1])
    assert f'<input type="checkbox" id="{label_for}" name="city" value="busan" checked>' in inside
    assert "Busan &lt;Metro&gt; &amp; Co" in inside and "<Metro>" not in html
    assert '<span class="facet-count">(2)</span>' in inside
    ids = re.findall(r'<input type="checkbox" id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) > 1  # every facet's options, each id once


def test_pagination_keeps_every_filter(client, eu_city):
    area = ThematicAreaFactory(slug="smart-city")
    for _ in range(13):
        PracticeFactory(city=eu_city, thematic_areas=[area])
    html = client.get(reverse("practices:list"), {"area": "smart-city", "sort": "newest"}).content
    assert b"?area=smart-city&amp;sort=newest&amp;page=2" in html


def test_absurd_page_number_gives_the_last_page(client, practice):
    response = client.get(reverse("practices:list"), {"page": "99999999999"})
    assert response.status_code == 200
    assert "Open mobility data" in response.content.decode()


def test_transfer_adopted_shows_on_the_practice_and_for_both_cities(
    client, partner_delegate, practice, eu_city, partner_city
):
    client.force_login(partner_delegate)
    response = client.post(
        reverse("practices:transfer", kwargs={"slug": practice.slug}),
        {"transfer-status": "adopted", "transfer-story": "We started with bus data."},
    )
    assert response.status_code == 302
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "We started with bus data." in html
    assert practices_for_city(eu_city)["own"] == [practice]
    taken_up = practices_for_city(partner_city)["taken_up"]
    assert [(t.practice, t.status) for t in taken_up] == [(practice, Transfer.Status.ADOPTED)]


def test_transfer_without_story_shows_the_error(client, partner_delegate, practice):
    client.force_login(partner_delegate)
    response = client.post(
        reverse("practices:transfer", kwargs={"slug": practice.slug}),
        {"transfer-status": "adopted", "transfer-story": ""},
    )
    assert response.status_code == 400
    assert "what you changed" in response.content.decode()
    assert not Transfer.objects.exists()


def test_question_mails_the_city(
    client, partner_delegate, delegate, practice, monkeypatch, django_capture_on_commit_callbacks
):
    from worldcities.notifications import tasks
    from worldcities.notifications.models import EmailMessage

    queued = []
    monkeypatch.setattr(tasks.notify_people, "delay", lambda **payload: queued.append(payload))
    client.force_login(partner_delegate)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("practices:comment", kwargs={"slug": practice.slug}),
            {"comment-kind": "question", "comment-body": "Who paid for it?"},
        )
    # The city hears of it in the background, once the question is committed.
    assert not EmailMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        tasks.notify_people.run(**queued[0])
    tasks.send_email(EmailMessage.objects.get().pk)
    assert mail.outbox[0].to == [delegate.email]
    assert "Who paid for it?" in mail.outbox[0].body
    assert "Who paid for it?" in client.get(practice.get_absolute_url()).content.decode()


def test_city_practices_partial_lists_own_and_taken_up(eu_city, partner_city, practice):
    from django.template.loader import render_to_string

    practice_transfer_set(
        practice=practice, by=None, status="adopted", story="Adapted it.", city=partner_city
    )
    html = render_to_string(
        "practices/includes/city_practices.html",
        {"city_practices": practices_for_city(partner_city)},
    )
    assert "Open mobility data" in html
    assert "Adopted" in html


def test_home_page_counts_published_practices(client, make_practice):
    make_practice()
    make_practice(status="draft")
    from worldcities.selectors import programme_figures

    assert programme_figures()["practices"] == 1


# --- Constant numbers of queries ----------------------------------------------------------------
def test_list_page_queries_are_flat(client, assert_flat_queries, eu_city):
    area = ThematicAreaFactory()

    def make_rows(n):
        for _ in range(n):
            practice = PracticeFactory(city=eu_city, thematic_areas=[area])
            KeyFigureFactory(practice=practice)
            PartnerFactory(practice=practice)
            TransferFactory(practice=practice)

    assert_flat_queries(make_rows, lambda: client.get(reverse("practices:list"), {"q": "practice"}))


def test_list_page_for_a_member_and_version_page_queries_are_flat(
    client, assert_flat_queries, delegate, practice
):
    """A member's list also shows the thematic areas to follow, each saying whether they do."""
    client.force_login(delegate)

    def make_rows(n):
        for _ in range(n):
            area = ThematicAreaFactory()
            PracticeFactory(thematic_areas=[area])
            practice.follows.create(user=DelegateFactory(), thematic_area=None)
            delegate.practice_follows.create(thematic_area=area)

    def fetch():
        assert client.get(reverse("practices:list")).status_code == 200
        version = reverse("practices:version", kwargs={"slug": practice.slug, "number": 1})
        assert client.get(version).status_code == 200

    practice.versions.create(number=1, snapshot={"title": practice.title})
    assert_flat_queries(make_rows, fetch, large=10)


def test_detail_page_queries_are_flat(client, assert_flat_queries, practice, partner_delegate):
    client.force_login(partner_delegate)
    # The practice's own areas decide whether similar practices are looked for: it has one
    # from the start, so that only the related rows vary.
    practice.thematic_areas.add(ThematicAreaFactory())
    written(practice, index=True)

    def make_rows(n):
        for _ in range(n):
            KeyFigureFactory(practice=practice)
            PartnerFactory(practice=practice)
            AttachmentFactory(practice=practice)
            LinkFactory(practice=practice)
            CommentFactory(practice=practice)
            TransferFactory(practice=practice)
            practice.thematic_areas.add(ThematicAreaFactory())

    assert_flat_queries(make_rows, lambda: client.get(practice.get_absolute_url()), large=10)


def test_detail_page_queries_are_flat_for_a_visitor(client, assert_flat_queries, practice):
    def make_rows(n):
        for _ in range(n):
            KeyFigureFactory(practice=practice)
            PartnerFactory(practice=practice)
            CommentFactory(practice=practice)
            TransferFactory(practice=practice)

    assert_flat_queries(make_rows, lambda: client.get(practice.get_absolute_url()), large=10)


def test_city_and_pairing_pages_queries_are_flat(
    client, assert_flat_queries, delegate, eu_city, partner_city, pairing
):
    """Their practices sections are read for each reader: a delegate sees their city's drafts."""
    client.force_login(delegate)

    def make_rows(n):
        for _ in range(n):
            PracticeFactory(city=eu_city, pairing=pairing, status="draft")
            PracticeFactory(city=eu_city, pairing=pairing)
            TransferFactory(practice=PracticeFactory(city=partner_city), city=eu_city)

    def fetch():
        assert "Practices shared in this pairing" in client.get(pairing.get_absolute_url()).text
        assert "Practices taken up from other cities" in client.get(eu_city.get_absolute_url()).text

    assert_flat_queries(make_rows, fetch, large=10)


def test_workspace_and_city_selector_queries_are_flat(
    client, assert_flat_queries, delegate, eu_city, partner_city
):
    client.force_login(delegate)

    def make_rows(n):
        for _ in range(n):
            PracticeFactory(city=eu_city, status="draft")
            TransferFactory(practice=PracticeFactory(city=partner_city), city=eu_city)

    def fetch():
        client.get(reverse("practices:workspace"))
        unpublished = unpublished_shown(delegate, city=eu_city)
        practices_for_city(eu_city, [pk for pk, _status in unpublished])

    assert_flat_queries(make_rows, fetch, large=10)


def test_publishing_keeps_the_practice_in_search(client, make_practice, coordinator):
    practice = make_practice(status="submitted", title="Tidal energy pilot")
    practice_publish(practice=practice, by=coordinator)
    html = client.get(reverse("practices:list"), {"q": "tidal"}).content.decode()
    assert "Tidal energy pilot" in html


def test_cover_image_content_is_checked(client, delegate):
    client.force_login(delegate)
    response = client.post(
        reverse("practices:create"),
        practice_post(
            ThematicAreaFactory(),
            cover_image=SimpleUploadedFile("cover.png", b"<svg onload=alert(1)></svg>"),
        ),
    )
    assert response.status_code == 400
    assert "not a real .png file" in response.content.decode()
    assert not Practice.objects.exists()


def test_cover_image_is_stored_and_served_without_sniffing(client, delegate):
    from .conftest import PNG

    client.force_login(delegate)
    client.post(
        reverse("practices:create"),
        practice_post(ThematicAreaFactory(), cover_image=SimpleUploadedFile("my.png", PNG)),
    )
    practice = Practice.objects.get()
    assert practice.cover_image.name.startswith("practices/covers/")
    assert "my" not in practice.cover_image.name.rsplit("/", 1)[1]
    response = client.get(reverse("practices:cover", kwargs={"slug": practice.slug}))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_editing_a_published_practice_keeps_the_old_version(client, delegate, make_practice):
    practice = practice_publish(practice=make_practice(status="submitted", title="Old"), by=None)
    client.force_login(delegate)
    response = client.post(
        reverse("practices:edit", kwargs={"slug": practice.slug}),
        practice_post(ThematicAreaFactory(), title="New", then="save"),
    )
    assert response.status_code == 302
    old = client.get(reverse("practices:version", kwargs={"slug": practice.slug, "number": 1}))
    assert "<h1>Old</h1>" in old.content.decode()
    assert "New" in client.get(practice.get_absolute_url()).content.decode()


def test_markdown_preview_is_sanitized(client, delegate):
    client.force_login(delegate)
    response = client.post(
        reverse("practices:preview"), {"body": "**ok** <script>alert(1)</script>"}
    )
    assert response.content.decode() == "<p><strong>ok</strong> </p>"


def test_the_page_tags_its_areas_then_its_topics_each_in_their_order(client, make_practice):
    from tests.cities.factories import TopicFactory

    climate = ThematicAreaFactory(name="Climate", order=2)
    economy = ThematicAreaFactory(name="Urban economy", order=1)
    topics = [
        TopicFactory(name="Retrofits", area=climate, order=1),
        TopicFactory(name="Heat pumps", area=climate, order=0),
        TopicFactory(name="Start-ups", area=economy, order=5),
    ]
    practice = make_practice(thematic_areas=[climate, economy], topics=topics)
    body = client.get(practice.get_absolute_url()).content.decode()
    tags = [chunk.split(">", 1)[1].split("<", 1)[0] for chunk in body.split('<span class="tag')[1:]]
    assert tags[:5] == ["Urban economy", "Climate", "Start-ups", "Heat pumps", "Retrofits"]
    assert body.count('class="tag tag-topic"') == 3


def test_a_card_of_the_list_tags_the_practices_areas_in_their_order(client):
    climate = ThematicAreaFactory(name="Climate <& air>", order=2)
    economy = ThematicAreaFactory(name="Urban economy", order=1)
    PracticeFactory(title="Green roofs", thematic_areas=[climate, economy])
    PracticeFactory(title="No area", thematic_areas=[])
    html = client.get(reverse("practices:list")).content.decode()
    cards = {
        re.search(r"<h3><a [^>]*>(.*?)</a>", card).group(1): re.findall(
            r'<span class="tag">(.*?)</span>', card
        )
        for card in html.split('<article class="card practice-card">')[1:]
    }
    assert cards == {"Green roofs": ["Urban economy", "Climate &lt;&amp; air&gt;"], "No area": []}


def test_the_follow_button_is_the_readers_own(client, practice, partner_delegate):
    client.force_login(partner_delegate)
    url = practice.get_absolute_url()
    assert "Follow this practice" in client.get(url).text
    client.post(reverse("practices:follow", args=[practice.slug]))
    assert "Stop following" in client.get(url).text
    client.post(reverse("practices:follow", args=[practice.slug]))
    assert "Follow this practice" in client.get(url).text
    # Someone else's follow is theirs alone.
    practice.follows.create(user=DelegateFactory())
    assert "Follow this practice" in client.get(url).text


def test_a_practice_taken_back_from_publication_is_no_longer_served_to_readers(
    client, practice, partner_delegate
):
    client.force_login(partner_delegate)
    assert client.get(practice.get_absolute_url()).status_code == 200
    practice.status = Practice.Status.ARCHIVED
    practice.save()
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_the_areas_to_follow_say_which_the_reader_follows(client, delegate):
    energy, mobility = ThematicAreaFactory(name="Energy"), ThematicAreaFactory(name="Mobility")
    client.force_login(delegate)
    assert [a.followed for a in client.get(reverse("practices:list")).context["areas"]] == [
        False,
        False,
    ]
    client.post(reverse("practices:area_follow", args=[mobility.slug]))
    areas = client.get(reverse("practices:list")).context["areas"]
    assert {a.name: a.followed for a in areas} == {"Energy": False, "Mobility": True}
    energy.name = "Clean energy"
    energy.save()
    areas = client.get(reverse("practices:list")).context["areas"]
    assert {a.name: a.followed for a in areas} == {"Clean energy": False, "Mobility": True}


def test_a_drafts_page_is_kept_until_its_city_saves_it(
    client, make_practice, delegate, django_assert_num_queries
):
    draft = make_practice(status=Practice.Status.DRAFT, title="First idea")
    client.force_login(delegate)
    url = draft.get_absolute_url()
    assert "First idea" in client.get(url).text
    # The reader (with their unread count) and the practice: its parts are kept.
    with django_assert_num_queries(2):
        assert "First idea" in client.get(url).text
    response = client.post(
        reverse("practices:edit", kwargs={"slug": draft.slug}),
        practice_post(ThematicAreaFactory(), title="Second idea"),
    )
    assert response.status_code == 302
    assert "Second idea" in client.get(url).text


def test_the_page_shows_the_key_figures_in_their_order_with_unit_and_year(client):
    practice = PracticeFactory()
    KeyFigureFactory(practice=practice, order=2, label="Buses running", value=12, unit="buses")
    KeyFigureFactory(
        practice=practice, order=1, label="CO2 saved", value="1234.50", unit="t/year", year=2019
    )
    html = client.get(practice.get_absolute_url()).content.decode()
    figures = html[html.index('id="figures-heading"') :]
    assert figures.index("CO2 saved (2019)") < figures.index("Buses running")
    assert "1,234.50" in figures and "t/year" in figures
    assert ">12 <" in figures and "buses" in figures


def test_a_practice_without_key_figures_has_no_such_section(client):
    assert 'id="figures-heading"' not in (
        client.get(PracticeFactory().get_absolute_url()).content.decode()
    )
