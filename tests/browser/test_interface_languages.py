"""The interface in each language of the programme: a visitor and a delegate who read in that
language see no string of the platform left in English on the pages they use most (proper
names, numbers and the data cities wrote aside)."""

import pytest
from django.conf import settings

from meetings.models import Meeting
from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import ThematicAreaFactory, TopicFactory
from tests.i18n.catalogues import TRANSLATED_LANGUAGES, untranslated_texts
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, QuotaFactory
from tests.practices.factories import KeyFigureFactory, LinkFactory, PracticeFactory, written
from tests.twinning.factories import PairingFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Every visible text of the page, and the texts that name or describe a control.
VISIBLE_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest("script, style, template, noscript, option")) continue;
    if (!element.checkVisibility()) continue;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text) texts.push(text);
  }
  document.querySelectorAll("[aria-label], [placeholder], [title]").forEach((element) => {
    for (const name of ["aria-label", "placeholder", "title"]) {
      const value = element.getAttribute(name);
      if (value) texts.push(value);
    }
  });
  return texts;
}"""


@pytest.fixture
def programme(edition, eu_city, partner_city, delegate):
    area = ThematicAreaFactory(name="Smart City", slug="smart-city")
    topic = TopicFactory(area=area, name="Mobility", slug="mobility")
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    practice = PracticeFactory(
        city=eu_city,
        pairing=pairing,
        author=delegate,
        title="Tampere bike sharing",
        slug="tampere-bike-sharing",
    )
    practice.thematic_areas.add(area)
    practice.topics.add(topic)
    KeyFigureFactory(practice=practice)
    LinkFactory(practice=practice)
    written(practice, index=True)
    PracticeFactory(city=eu_city, author=delegate, status="draft", slug="tampere-draft")
    meeting = MeetingFactory(
        edition=edition,
        kind=Meeting.Kind.WORKING,
        host_city=partner_city,
        title="Gwangju 2017",
        pairings=[pairing],
    )
    AgendaItemFactory(meeting=meeting, title="Opening")
    QuotaFactory(meeting=meeting, city=eu_city, places=5)
    return {"practice": practice, "meeting": meeting, "area": area}


def read(page, url) -> list[str]:
    page.goto(url)
    assert_accessible(page)
    return page.evaluate(VISIBLE_TEXTS)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_main_pages_show_no_english_string_of_the_platform(
    page, live_server, programme, delegate, language
):
    base = live_server.url
    practice, meeting, area = programme["practice"], programme["meeting"], programme["area"]
    left = {}

    # A visitor who chose the language: the login page and the public pages.
    log_in(page, live_server, None)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
    )
    visitor_pages = {
        "login": "/accounts/login/",
        "home": "/",
        "practice": practice.get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
        "practice list with filters": f"/practices/?area={area.slug}&side=eu&sort=newest",
    }
    for name, path in visitor_pages.items():
        texts = read(page, base + path)
        assert page.locator("html").get_attribute("lang") == language
        left[f"visitor, {name}"] = untranslated_texts(language, texts)

    # A delegate whose preferred language it is: the same pages with what delegates see,
    # and their city's workspace.
    delegate.language = language
    delegate.save(update_fields=["language"])
    log_in(page, live_server, delegate)
    delegate_pages = {**visitor_pages, "workspace": "/practices/mine/"}
    del delegate_pages["login"]
    for name, path in delegate_pages.items():
        texts = read(page, base + path)
        assert page.locator("html").get_attribute("lang") == language
        left[f"delegate, {name}"] = untranslated_texts(language, texts)

    left = {where: texts for where, texts in left.items() if texts}
    assert not left, f"English left in {language}: {left}"
