"""Every screen on a phone, in every role: each page the menus lead to, one page of each kind
(practice, city, pairing, meeting), the pages one step further that the role works in and,
for programme staff, the administration's lists and forms of the main models, opened at 320
and 390 px wide. A page fails if the document is wider than the screen at either width, or if
at 320 px axe-core finds a serious or critical violation or two landmarks share a name. No
style rule of the site or the administration changes between the two widths, so both show
the same elements, and what axe checks of the layout (the room around targets, text on its
background, regions that scroll) is most crowded at the narrower one. On a laptop screen,
the action plan and the registrations table keep every column in view.

One test per role (and one more for the administration), so each role's pages share one
browser context; a page is loaded once and checked at both widths by resizing the window."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in
from tests.cities.factories import ThematicAreaFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, RegistrationFactory
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ActionFactory, DocumentFactory, PairingFactory, ThreadFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (320, 390)
HEIGHT = 740
# Moderate in axe's eyes, but two landmarks of one name leave a screen reader guessing.
ALSO_BLOCKING = ("landmark-unique",)

# The administration's main models: programme staff open each one's list and one change form.
ADMIN_MODELS = [
    ("cities", "city"),
    ("cities", "country"),
    ("twinning", "edition"),
    ("twinning", "pairing"),
    ("twinning", "action"),
    ("practices", "practice"),
    ("meetings", "meeting"),
    ("users", "user"),
]


@pytest.fixture
def programme(edition, eu_city, partner_city, delegate, coordinator, programme_staff):
    """One of each kind of page, with the long names and wide tables a phone must cope with."""
    area = ThematicAreaFactory(name="Climate Change", slug="climate-change")
    pairing = PairingFactory(
        edition=edition,
        eu_lead=eu_city,
        partner_lead=partner_city,
        slug="gwangju-tampere",
        objectives="Smart mobility: bike and car sharing, IoT, open data.",
    )
    pairing.thematic_areas.set([area])
    ActionFactory(
        pairing=pairing,
        title="Open data portal for bike and car sharing across both cities",
        description="Shared data standards, a joint portal and a hackathon.",
        due_date=datetime.date(2018, 3, 31),
        progress=40,
    )
    practice = PracticeFactory(
        city=eu_city,
        title="Open mobility data for the whole metropolitan region",
        slug="open-mobility-data",
        thematic_areas=[area],
    )
    meeting = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        title="Working meeting Gwangju – Tampere",
        pairings=[pairing],
    )
    AgendaItemFactory(meeting=meeting, title="Site visit: the bike-sharing depot")
    RegistrationFactory(meeting=meeting, person=delegate)
    thread = ThreadFactory(
        pairing=pairing, author=delegate, title="Sharing the bike-sharing data of both cities"
    )
    document = DocumentFactory(pairing=pairing, created_by=delegate, title="Mobility plan")
    return {
        "workspace": [
            reverse("twinning:workspace", args=[pairing.slug]),
            thread.get_absolute_url(),
            reverse("twinning:document_detail", args=[pairing.slug, document.pk]),
            reverse("twinning:timeline", args=[pairing.slug]),
            reverse("twinning:community_area", args=[area.slug]),
        ],
        "edition": edition.get_absolute_url(),
        "meeting_pk": meeting.pk,
        "practice": practice.get_absolute_url(),
        "city": eu_city.get_absolute_url(),
        "pairing": pairing.get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
        "admin_objects": {
            ("cities", "city"): eu_city.pk,
            ("cities", "country"): eu_city.country_id,
            ("twinning", "edition"): edition.pk,
            ("twinning", "pairing"): pairing.pk,
            ("twinning", "action"): pairing.actions.get().pk,
            ("practices", "practice"): practice.pk,
            ("meetings", "meeting"): meeting.pk,
            ("users", "user"): delegate.pk,
        },
    }


def further_paths(role, programme) -> list[str]:
    """Pages one step from the menus that each role uses: the map, the month view, an
    edition, and the forms and tables of the role's own work."""
    paths = [reverse("twinning:map"), reverse("meetings:month"), programme["edition"]]
    if role in ("delegate", "coordinator", "programme_staff"):
        paths += programme["workspace"]
    if role == "delegate":
        paths += [
            reverse("practices:create"),
            reverse("practices:workspace"),
            reverse("meetings:feed"),
            reverse("notifications:settings"),
        ]
    if role in ("coordinator", "programme_staff"):
        paths += [
            reverse("practices:workspace"),
            reverse("meetings:create"),
            reverse("meetings:registrations", args=[programme["meeting_pk"]]),
        ]
    return paths


def menu_paths(page, live_server) -> list[str]:
    """The addresses both menus of the header lead to on this site."""
    hrefs = page.locator("#main-menu a, #account-menu a").evaluate_all(
        "links => links.map(link => link.href)"
    )
    return [urlsplit(href).path for href in hrefs if href.startswith(live_server.url)]


def admin_paths(objects) -> list[str]:
    paths = [reverse("admin:index")]
    for app, model in ADMIN_MODELS:
        paths.append(reverse(f"admin:{app}_{model}_changelist"))
        paths.append(reverse(f"admin:{app}_{model}_change", args=[objects[(app, model)]]))
    paths.append(reverse("admin:twinning_pairing_add"))
    return paths


def problems_at_each_width(page) -> list[str]:
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        document_width = page.evaluate("document.documentElement.scrollWidth")
        if document_width > width:
            found.append(f"{page.url} at {width} px: the document is {document_width} px wide")
        if width == min(WIDTHS):
            violations = axe_violations(page, also=ALSO_BLOCKING)
            found += [f"{page.url} at {width} px: {line}" for line in violations]
    return found


def open_the_folded_menu(page):
    """At phone width the menus hide behind one button that says whether they are open."""
    button = page.get_by_role("button", name="Menu")
    main_menu = page.get_by_role("navigation", name="Main")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(main_menu).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(main_menu.get_by_role("link", name="Practices")).to_be_visible()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()


@pytest.mark.parametrize("role", ["visitor", "delegate", "coordinator", "programme_staff"])
def test_every_page_fits_a_phone_and_passes_axe_in_each_role(
    page, live_server, programme, role, request
):
    user = None if role == "visitor" else request.getfixturevalue(role)
    log_in(page, live_server, user)
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    page.goto(live_server.url + "/")
    open_the_folded_menu(page)

    paths = menu_paths(page, live_server)
    assert reverse("practices:list") in paths
    if role == "programme_staff":
        assert reverse("admin:index") in paths
        paths.remove(reverse("admin:index"))  # the next test walks the administration
    paths += [programme[kind] for kind in ("practice", "city", "pairing", "meeting")]
    paths += further_paths(role, programme)
    assert_every_page_fits(page, live_server, paths, role)


def test_the_administration_fits_a_phone_and_passes_axe(
    page, live_server, programme, programme_staff
):
    log_in(page, live_server, programme_staff)
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    paths = admin_paths(programme["admin_objects"])
    assert_every_page_fits(page, live_server, paths, "programme_staff")


def assert_every_page_fits(page, live_server, paths, role):
    problems = []
    for path in dict.fromkeys(paths):
        response = page.goto(live_server.url + path)
        assert response.ok, f"{path} answered {response.status} to the {role}"
        problems += problems_at_each_width(page)
    assert not problems, "\n".join(problems)


def test_without_javascript_the_menus_stay_open_on_a_phone(browser, live_server, programme):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTHS[0], "height": HEIGHT}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + programme["pairing"])
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        main_menu = page.get_by_role("navigation", name="Main")
        expect(main_menu.get_by_role("link", name="Meetings")).to_be_visible()
        account_menu = page.get_by_role("navigation", name="Account")
        expect(account_menu.get_by_role("link", name="Log in")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[0]
    finally:
        context.close()


def test_the_action_plan_and_the_registrations_fit_a_laptop_screen(
    page, live_server, programme, coordinator, delegate
):
    log_in(page, live_server, coordinator)
    page.set_viewport_size({"width": 1366, "height": 768})

    page.goto(live_server.url + programme["pairing"])
    plan = page.locator(".action-plan")
    headers = plan.locator("thead th").all_inner_texts()
    assert headers == ["Action", "Owner", "Due", "Status", "Progress", "Changes"]
    row = plan.locator("tbody tr").first
    percent = row.locator(".progress-value").bounding_box()
    link = row.get_by_role("link", name="Update progress").bounding_box()
    progress_cell = row.locator(".progress-cell").bounding_box()
    assert percent["x"] + percent["width"] <= progress_cell["x"] + progress_cell["width"]
    assert percent["x"] + percent["width"] <= link["x"], "the percentage runs into the link"
    assert_fits_its_region(page, ".action-plan")
    assert not axe_violations(page, also=ALSO_BLOCKING)

    page.goto(live_server.url + reverse("meetings:registrations", args=[programme["meeting_pk"]]))
    table = page.locator("table.registrations")
    expect(table.get_by_role("columnheader", name="Manage")).to_be_visible()
    expect(table.get_by_role("button", name=f"Cancel {delegate.full_name}")).to_be_visible()
    assert_fits_its_region(page, "table.registrations")
    assert not axe_violations(page, also=ALSO_BLOCKING)


def assert_fits_its_region(page, table):
    region = page.locator(".table-scroll", has=page.locator(table))
    scroll_width, client_width = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert scroll_width <= client_width, f"{table} is {scroll_width} px in {client_width} px"
