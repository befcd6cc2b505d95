"""Matchmaking: the scoring and its reasons, pins and exclusions, the whole-edition
assignment, acceptance, the page's queries and who may use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import City
from tests.cities.factories import (
    CityFactory,
    PartnerCityFactory,
    ThematicAreaFactory,
    TopicFactory,
)
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import EditionCityFactory, PairingFactory
from tests.users.factories import DelegateFactory
from twinning import matching, selectors, services
from twinning.models import MatchDecision, Pairing, PairingStatusChange
from worldcities import versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(edition):
    """Two EU and two partner cities whose best pairs are plain: Barcelona and Busan both
    want energy (hydrogen), and Busan has a hydrogen practice; Lyon and Jakarta both want
    mobility (cycling)."""
    energy = ThematicAreaFactory(name="Green energy", slug="green-energy")
    mobility = ThematicAreaFactory(name="Urban mobility", slug="urban-mobility")
    hydrogen = TopicFactory(area=energy, name="Hydrogen", slug="hydrogen")
    cycling = TopicFactory(area=mobility, name="Cycling", slug="cycling")
    barcelona = CityFactory(name="Barcelona", population=1_600_000)
    lyon = CityFactory(name="Lyon", population=500_000)
    busan = PartnerCityFactory(name="Busan", population=3_400_000)
    jakarta = PartnerCityFactory(name="Jakarta", population=10_000_000)

    def joins(city, area, topic, goals):
        row = EditionCityFactory(edition=edition, city=city, goals=goals)
        row.thematic_areas.set([area])
        row.topics.set([topic])
        return row

    joins(barcelona, energy, hydrogen, "Run the city buses on hydrogen and clean energy.")
    joins(lyon, mobility, cycling, "Safe cycling lanes across the whole metropolis.")
    joins(busan, energy, hydrogen, "Grow the hydrogen industry and hydrogen buses.")
    joins(jakarta, mobility, cycling, "Cycling lanes and bike sharing for commuters.")
    PracticeFactory(
        city=busan, title="Hydrogen bus fleet", thematic_areas=[energy], topics=[hydrogen]
    )
    return {
        "barcelona": barcelona,
        "lyon": lyon,
        "busan": busan,
        "jakarta": jakarta,
        "energy": energy,
        "hydrogen": hydrogen,
    }


def _pairs(matches):
    return [(m.a.name, m.b.name) for m in matches]


def test_the_best_scoring_pairs_come_first_with_their_reasons(edition, world):
    result = selectors.edition_matchmaking(edition)
    assert _pairs(result.suggestions)[:2] == [("Barcelona", "Busan"), ("Lyon", "Jakarta")]
    best = result.suggestions[0]
    assert best.score > result.suggestions[1].score
    reasons = " | ".join(best.reasons)
    assert "both want Green energy" in reasons
    assert "both name the topics Hydrogen" in reasons
    assert "Busan's practice “Hydrogen bus fleet” answers Barcelona's interest in Hydrogen" in (
        reasons
    )
    assert "“hydrogen”" in reasons  # a word both goals use
    # Cities with nothing in common are not suggested.
    assert ("Lyon", "Busan") not in _pairs(result.suggestions)


def test_the_assignment_takes_the_best_pairs(edition, world):
    result = selectors.edition_matchmaking(edition)
    assert sorted(_pairs(result.assignment)) == [("Barcelona", "Busan"), ("Lyon", "Jakarta")]


def test_exclusions_and_pins_are_respected(edition, world, programme_staff):
    services.match_decide(
        edition=edition,
        eu_city=world["barcelona"],
        partner_city=world["busan"],
        kind=MatchDecision.Kind.EXCLUDED,
        by=programme_staff,
    )
    services.match_decide(
        edition=edition,
        eu_city=world["lyon"],
        partner_city=world["busan"],
        kind=MatchDecision.Kind.PINNED,
        by=programme_staff,
    )
    result = selectors.edition_matchmaking(edition)
    assert ("Barcelona", "Busan") not in _pairs(result.suggestions)
    assert _pairs(result.excluded) == [("Barcelona", "Busan")]
    # The pin comes first, though it scores less than Lyon and Jakarta.
    assert _pairs(result.suggestions)[0] == ("Lyon", "Busan")
    assert result.suggestions[0].decision == "pinned"
    assignment = _pairs(result.assignment)
    assert ("Lyon", "Busan") in assignment
    assert ("Barcelona", "Busan") not in assignment
    assert ("Lyon", "Jakarta") not in assignment


def test_a_city_is_pinned_once(edition, world, programme_staff):
    services.match_decide(
        edition=edition,
        eu_city=world["barcelona"],
        partner_city=world["busan"],
        kind=MatchDecision.Kind.PINNED,
        by=programme_staff,
    )
    with pytest.raises(services.ValidationError, match="pinned together already"):
        services.match_decide(
            edition=edition,
            eu_city=world["lyon"],
            partner_city=world["busan"],
            kind=MatchDecision.Kind.PINNED,
            by=programme_staff,
        )
    assert MatchDecision.objects.count() == 1


def _greedy(scores):
    """Take the best remaining pair, again and again: what the assignment must beat."""
    chosen, used_eu, used_partner = [], set(), set()
    for (eu, partner), _score in sorted(scores.items(), key=lambda item: -item[1]):
        if eu not in used_eu and partner not in used_partner and _score > 0:
            chosen.append((eu, partner))
            used_eu.add(eu)
            used_partner.add(partner)
    return chosen


def test_the_assignment_beats_greedy_where_greedy_is_wrong():
    # Greedy takes A–X (10) first and is left with B–Y (1): 11. The best is A–Y and B–X: 18.
    scores = {("A", "X"): 10, ("A", "Y"): 9, ("B", "X"): 9, ("B", "Y"): 1}
    best = matching.assign(["A", "B"], ["X", "Y"], scores)
    greedy = _greedy(scores)

    def total(pairs):
        return sum(scores[p] for p in pairs)

    assert total(greedy) == 11
    assert sorted(best) == [("A", "Y"), ("B", "X")]
    assert total(best) == 18


def test_the_assignment_keeps_pins_and_avoids_exclusions():
    scores = {("A", "X"): 10, ("A", "Y"): 9, ("B", "X"): 9, ("B", "Y"): 8}
    pinned = matching.assign(["A", "B"], ["X", "Y"], scores, pinned=[("A", "X")])
    assert sorted(pinned) == [("A", "X"), ("B", "Y")]
    excluded = matching.assign(["A", "B"], ["X", "Y"], scores, excluded=[("B", "X")])
    assert sorted(excluded) == [("A", "X"), ("B", "Y")]
    # An excluded pair is never used, even when nothing else is left.
    assert matching.assign(["A"], ["X"], scores, excluded=[("A", "X")]) == []


def test_accepting_creates_the_pairing(edition, world, coordinator):
    before = versions.current(["pairings"])
    pairing = services.match_accept(
        edition=edition, eu_city=world["barcelona"], partner_city=world["busan"], by=coordinator
    )
    assert pairing.edition == edition
    assert (pairing.eu_lead, pairing.partner_lead) == (world["barcelona"], world["busan"])
    assert pairing.status == Pairing.Status.PROPOSED
    assert list(pairing.thematic_areas.all()) == [world["energy"]]
    assert list(pairing.topics.all()) == [world["hydrogen"]]
    change = PairingStatusChange.objects.get(pairing=pairing)
    assert (change.to_status, change.changed_by) == (Pairing.Status.PROPOSED, coordinator)
    assert pairing.history.first().history_user == coordinator
    assert versions.current(["pairings"]) != before
    # Both cities are paired now: neither is suggested again.
    names = {
        name for pair in _pairs(selectors.edition_matchmaking(edition).suggestions) for name in pair
    }
    assert not names & {"Barcelona", "Busan"}
    with pytest.raises(services.ValidationError, match="already in a pairing"):
        services.match_accept(
            edition=edition,
            eu_city=world["barcelona"],
            partner_city=world["jakarta"],
            by=coordinator,
        )


def test_accepting_the_whole_assignment_creates_every_pairing(edition, world, programme_staff):
    created = services.match_assignment_accept(edition=edition, by=programme_staff)
    assert sorted((p.eu_lead.name, p.partner_lead.name) for p in created) == [
        ("Barcelona", "Busan"),
        ("Lyon", "Jakarta"),
    ]
    assert Pairing.objects.filter(edition=edition).count() == 2
    with pytest.raises(services.ValidationError, match="no pairing to accept"):
        services.match_assignment_accept(edition=edition, by=programme_staff)


def test_a_city_outside_the_edition_is_refused(edition, world, programme_staff):
    stranger = PartnerCityFactory(name="Lagos")
    with pytest.raises(services.ValidationError, match="does not take part"):
        services.match_accept(
            edition=edition, eu_city=world["lyon"], partner_city=stranger, by=programme_staff
        )
    assert not Pairing.objects.exists()


def test_the_services_check_who_acts(edition, world, other_coordinator):
    with pytest.raises(services.PermissionDenied):
        services.match_accept(
            edition=edition,
            eu_city=world["lyon"],
            partner_city=world["jakarta"],
            by=other_coordinator,
        )
    with pytest.raises(services.PermissionDenied):
        services.match_decide(
            edition=edition,
            eu_city=world["lyon"],
            partner_city=world["jakarta"],
            kind=MatchDecision.Kind.PINNED,
            by=other_coordinator,
        )
    assert not Pairing.objects.exists() and not MatchDecision.objects.exists()


def test_cities_already_paired_are_left_out(edition, world):
    PairingFactory(edition=edition, eu_lead=world["barcelona"], partner_lead=world["jakarta"])
    result = selectors.edition_matchmaking(edition)
    assert [c.name for c in result.paired] == ["Barcelona", "Jakarta"]
    # Lyon and Busan are left, and have nothing to exchange.
    assert (result.suggestions, result.assignment) == ([], [])


# --- The page ------------------------------------------------------------------------------------
def _url(edition, name="matchmaking"):
    return reverse(f"twinning:{name}", kwargs={"slug": edition.slug})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("delegate", 403),
        ("partner_delegate", 403),
        ("other_coordinator", 403),
        ("coordinator", 200),
        ("programme_staff", 200),
    ],
)
def test_who_may_open_the_page(request, client_for, edition, world, who, status):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(_url(edition))
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("delegate", 403), ("other_coordinator", 403), ("coordinator", 302)],
)
def test_who_may_accept(request, client_for, edition, world, who, status):
    user = request.getfixturevalue(who) if who else None
    data = {"eu_city": world["lyon"].pk, "partner_city": world["jakarta"].pk}
    response = client_for(user).post(_url(edition, "matchmaking_accept"), data)
    assert response.status_code == status
    assert Pairing.objects.exists() == (who == "coordinator")


def test_an_unknown_edition_is_404(client_for, programme_staff):
    response = client_for(programme_staff).get("/editions/no-such-edition/matchmaking/")
    assert response.status_code == 404


def test_the_page_shows_suggestions_and_reasons(client_for, edition, world, programme_staff):
    response = client_for(programme_staff).get(_url(edition))
    html = response.content.decode()
    assert "Whole-edition assignment" in html
    assert "Both want Green energy" in html
    assert "Hydrogen bus fleet" in html


def test_htmx_actions_answer_the_updated_part(client_for, edition, world, programme_staff):
    client = client_for(programme_staff)
    data = {"eu_city": world["lyon"].pk, "partner_city": world["busan"].pk, "decision": "pin"}
    response = client.post(_url(edition, "matchmaking_decide"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="matchmaking"' in html and "<html" not in html
    assert "Lyon and Busan are pinned together." in html
    assert MatchDecision.objects.get().kind == MatchDecision.Kind.PINNED


def test_bad_input_is_refused_with_a_message(client_for, edition, world, programme_staff):
    client = client_for(programme_staff)
    stranger = CityFactory(name="Porto")
    data = {"eu_city": stranger.pk, "partner_city": world["busan"].pk}
    response = client.post(_url(edition, "matchmaking_accept"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Porto does not take part" in response.content.decode()
    response = client.post(
        _url(edition, "matchmaking_decide"),
        {"eu_city": "nothing", "partner_city": world["busan"].pk, "decision": "pin"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "Choose an EU city of the edition." in response.content.decode()
    assert not Pairing.objects.exists() and not MatchDecision.objects.exists()


def _add_cities(edition, n, area, topic):
    for i in range(n):
        for factory, side in ((CityFactory, "eu"), (PartnerCityFactory, "p")):
            city = factory(name=f"Extra {side} {i}")
            row = EditionCityFactory(edition=edition, city=city, goals=f"Goals {i} on energy")
            row.thematic_areas.set([area])
            row.topics.set([topic])
            PracticeFactory(city=city, thematic_areas=[area], topics=[topic])


def _page_queries(client, edition) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(_url(edition))
    assert response.status_code == 200
    return len(captured)


def test_the_page_queries_do_not_grow_with_the_cities(client_for, edition, world, programme_staff):
    client = client_for(programme_staff)
    few = _page_queries(client, edition)
    _add_cities(edition, 8, world["energy"], world["hydrogen"])
    PairingFactory(
        edition=edition,
        eu_lead=City.objects.get(name="Extra eu 0"),
        partner_lead=City.objects.get(name="Extra p 0"),
    )
    assert _page_queries(client, edition) == few


def test_the_edition_page_links_to_matchmaking_for_those_who_may(client_for, edition, coordinator):
    assert _url(edition) in client_for(coordinator).get(edition.get_absolute_url()).content.decode()
    other = DelegateFactory(city=CityFactory(name="Graz"))
    client = client_for(other)
    assert _url(edition) not in client.get(edition.get_absolute_url()).content.decode()


def test_the_score_matrix_agrees_with_each_pair_s_score(edition, world):
    result = selectors.edition_matchmaking(edition)
    matrix = matching.score_matrix(result.eu, result.partners)
    goals = matching.Goals([*result.eu, *result.partners])
    for i, a in enumerate(result.eu):
        for j, b in enumerate(result.partners):
            assert matrix[i, j] == pytest.approx(matching.score(a, b, goals).score, abs=0.011)
