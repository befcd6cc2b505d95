"""What a practice's page says to those who see it before (or after) it is public: the banner
names who can really see it in each state, and archiving is not styled as the main action."""

import re

import pytest

from practices.models import Practice

pytestmark = pytest.mark.django_db

S = Practice.Status


def banner(response) -> str:
    """The banner's text, on one line."""
    found = re.search(
        r'<div class="preview-banner"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def test_a_draft_says_only_its_city_and_programme_staff_see_it(
    client_for, make_practice, delegate, coordinator, programme_staff
):
    draft = make_practice(status=S.DRAFT)
    expected = "Preview: only the delegates of its city and programme staff see this draft."
    assert expected in banner(client_for(delegate).get(draft.get_absolute_url()))
    assert expected in banner(client_for(programme_staff).get(draft.get_absolute_url()))
    # The banner tells the truth: the edition's coordinator does not see a draft.
    assert client_for(coordinator).get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", [S.SUBMITTED, S.RETURNED])
def test_a_practice_under_review_names_the_coordinators_of_its_edition(
    client_for, make_practice, coordinator, status
):
    practice = make_practice(status=status)
    text = banner(client_for(coordinator).get(practice.get_absolute_url()))
    assert (
        "Preview: only the delegates of its city, the coordinators of its edition and "
        "programme staff see this page until it is published." in text
    )
    assert "your city" not in text


def test_an_archived_practice_says_who_still_sees_it(client_for, make_practice, coordinator):
    practice = make_practice(status=S.ARCHIVED)
    text = banner(client_for(coordinator).get(practice.get_absolute_url()))
    assert "no longer appears in the public list" in text
    assert "The delegates of its city, the coordinators of its edition" in text


def test_archive_is_a_danger_button_beside_follow(client_for, practice, delegate):
    page = client_for(delegate).get(practice.get_absolute_url()).content.decode()
    buttons = {
        text.strip(): classes
        for classes, text in re.findall(
            r'<button type="submit" class="([^"]+)">([^<]+)</button>', page
        )
    }
    assert buttons["Archive"] == "button button-danger"
    assert buttons["Follow this practice"] == "button button-secondary"
