"""The administration for programme staff: every page opens for staff and for nobody else,
changelists keep a constant number of queries, status changes go through the service and are
recorded, exports carry the rows."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.cities.factories import (
    CityFactory,
    CountryFactory,
    OrganisationFactory,
    PartnerCityFactory,
    ThematicAreaFactory,
    TopicFactory,
)
from tests.twinning.admin_forms import management, new_pairing_form
from tests.twinning.factories import (
    ActionFactory,
    MilestoneFactory,
    PairingFactory,
    PairingMemberFactory,
)
from twinning.models import Action, Pairing, PairingMember, PairingStatusChange
from twinning.services import pairing_set_status

pytestmark = pytest.mark.django_db

MODELS = [
    ("cities", "country", lambda: CountryFactory()),
    ("cities", "city", lambda: CityFactory()),
    ("cities", "organisation", lambda: OrganisationFactory()),
    ("cities", "thematicarea", lambda: ThematicAreaFactory()),
    ("cities", "topic", lambda: TopicFactory()),
    ("twinning", "edition", lambda: PairingFactory().edition),
    ("twinning", "milestone", lambda: MilestoneFactory()),
    ("twinning", "pairing", lambda: PairingFactory()),
    ("twinning", "pairingmember", lambda: PairingMemberFactory()),
    ("twinning", "action", lambda: ActionFactory()),
    ("twinning", "pairingstatuschange", None),
]


def _pages(app, model, obj):
    pages = [reverse(f"admin:{app}_{model}_changelist")]
    if model != "pairingstatuschange":
        pages.append(reverse(f"admin:{app}_{model}_add"))
    if obj is not None:
        pages.append(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
    return pages


@pytest.mark.parametrize(("app", "model", "make"), MODELS, ids=[m[1] for m in MODELS])
def test_staff_open_changelist_add_and_change(client_for, programme_staff, app, model, make):
    client = client_for(programme_staff)
    for url in _pages(app, model, make() if make else None):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["delegate", "coordinator", None])
@pytest.mark.parametrize(("app", "model", "make"), MODELS, ids=[m[1] for m in MODELS])
def test_others_are_refused(request, client_for, role, app, model, make):
    client = client_for(request.getfixturevalue(role) if role else None)
    for url in _pages(app, model, make() if make else None):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login"))


def test_history_views_of_pairings_and_actions(client_for, programme_staff):
    action = ActionFactory()
    client = client_for(programme_staff)
    client.post(
        reverse("admin:twinning_action_change", args=[action.pk]),
        _action_form(action, progress=90),
    )
    history = client.get(reverse("admin:twinning_action_history", args=[action.pk]))
    assert history.status_code == 200
    assert programme_staff.email in history.content.decode() or "Programme Staff" in (
        history.content.decode()
    )
    assert action.history.count() == 2
    assert action.history.first().history_user == programme_staff
    assert (
        client.get(reverse("admin:twinning_pairing_history", args=[action.pairing.pk])).status_code
        == 200
    )


def _action_form(action, **changes):
    data = {
        "pairing": action.pairing.pk,
        "title": action.title,
        "description": action.description,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "status": action.status,
        "progress": action.progress,
        **management("progress_updates"),
    }
    data.update(changes)
    return data


# --- Constant queries ---------------------------------------------------------------------------
CHANGELISTS = {
    "pairing": lambda n: [
        PairingMemberFactory(pairing=ActionFactory().pairing).pairing for _ in range(n)
    ],
    "action": lambda n: [ActionFactory(owner_organisation=OrganisationFactory()) for _ in range(n)],
    "edition": lambda n: [PairingFactory().edition for _ in range(n)],
    "city": lambda n: [CityFactory() for _ in range(n)],
    "pairingmember": lambda n: [PairingMemberFactory() for _ in range(n)],
    "milestone": lambda n: [MilestoneFactory() for _ in range(n)],
    "thematicarea": lambda n: [TopicFactory().area for _ in range(n)],
    "organisation": lambda n: [OrganisationFactory() for _ in range(n)],
}


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_run_flat_queries(client_for, programme_staff, assert_flat_queries, model):
    client = client_for(programme_staff)
    app = "cities" if model in {"city", "thematicarea", "organisation"} else "twinning"
    url = reverse(f"admin:{app}_{model}_changelist")
    client.get(url)  # warm up the session and the content types
    assert_flat_queries(CHANGELISTS[model], lambda: client.get(url))


# --- Adding a pairing ---------------------------------------------------------------------------
def test_staff_add_a_pairing_with_a_further_member_and_an_action(
    client_for, programme_staff, edition, eu_city, partner_city
):
    espoo = CityFactory(name="Espoo", slug="espoo")
    data = new_pairing_form(
        edition,
        eu_city,
        partner_city,
        new_status="selected",
        status_note="Chosen by the jury",
        **management("members", 1),
        **{"members-0-city": espoo.pk, "members-0-side": "eu"},
        **management("actions", 1),
        **{
            "actions-0-title": "Bike sharing pilot",
            "actions-0-due_date": "2017-09-30",
            "actions-0-status": "planned",
            "actions-0-progress": "0",
        },
    )
    response = client_for(programme_staff).post(reverse("admin:twinning_pairing_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    pairing = Pairing.objects.get(slug="gwangju-tampere")
    assert pairing.status == Pairing.Status.SELECTED
    assert list(pairing.members.values_list("city__name", "side")) == [("Espoo", "eu")]
    assert list(pairing.actions.values_list("title", flat=True)) == ["Bike sharing pilot"]
    change = pairing.status_changes.get()
    assert (change.to_status, change.changed_by, change.note) == (
        "selected",
        programme_staff,
        "Chosen by the jury",
    )


def test_a_pairing_added_without_a_slug_is_named_after_its_cities_and_years(
    client_for, programme_staff, edition, eu_city, partner_city
):
    PairingFactory(slug="gwangju-tampere-2017-2018")  # the name is taken: the next one is free
    data = new_pairing_form(edition, eu_city, partner_city, slug="")
    response = client_for(programme_staff).post(reverse("admin:twinning_pairing_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    pairing = Pairing.objects.get(eu_lead=eu_city, partner_lead=partner_city)
    assert pairing.slug == "gwangju-tampere-2017-2018-2"


def test_a_typed_slug_is_kept_and_the_form_says_where_it_comes_from(
    client_for, programme_staff, edition, eu_city, partner_city
):
    client = client_for(programme_staff)
    page = client.get(reverse("admin:twinning_pairing_add")).content.decode()
    assert "Filled in from the cities and the edition" in page
    assert "js/pairing-slug-admin.js" in page
    data = new_pairing_form(edition, eu_city, partner_city, slug="tampere-gwangju-mobility")
    assert client.post(reverse("admin:twinning_pairing_add"), data).status_code == 302
    assert Pairing.objects.get().slug == "tampere-gwangju-mobility"


def test_the_sidebar_sections_have_distinct_names_and_the_site_look(client_for, programme_staff):
    response = client_for(programme_staff).get(reverse("admin:index"))
    names = [str(app["name"]) for app in response.context["app_list"]]
    assert len(names) == len(set(names)), names
    assert "People and roles" in names
    page = response.content.decode()
    assert "css/admin.css" in page and "img/emblem.svg" in page and "js/admin-a11y.js" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"partner_lead": ""}, "partner_lead", "Choose the partner lead city"),
        ({"eu_lead": ""}, "eu_lead", "Choose the EU lead city"),
    ],
)
def test_a_pairing_with_one_side_empty_is_refused(
    client_for, programme_staff, edition, eu_city, partner_city, changes, field, message
):
    data = new_pairing_form(edition, eu_city, partner_city, **changes)
    response = client_for(programme_staff).post(reverse("admin:twinning_pairing_add"), data)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field][0]
    assert not Pairing.objects.exists()


def test_an_action_due_before_the_edition_is_refused_when_adding(
    client_for, programme_staff, edition, eu_city, partner_city
):
    data = new_pairing_form(
        edition,
        eu_city,
        partner_city,
        **management("actions", 1),
        **{
            "actions-0-title": "Too early",
            "actions-0-due_date": "2016-05-01",
            "actions-0-status": "planned",
            "actions-0-progress": "120",
        },
    )
    response = client_for(programme_staff).post(reverse("admin:twinning_pairing_add"), data)
    assert response.status_code == 200
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "actions"
    )
    assert "The due date lies before the edition starts" in formset.forms[0].errors["due_date"][0]
    assert formset.forms[0].errors["progress"] == ["Progress is a percentage between 0 and 100."]
    assert not Pairing.objects.exists() and not Action.objects.exists()


def test_a_further_member_on_the_wrong_side_is_refused_when_adding(
    client_for, programme_staff, edition, eu_city, partner_city
):
    data = new_pairing_form(
        edition,
        eu_city,
        partner_city,
        **management("members", 1),
        **{"members-0-city": PartnerCityFactory().pk, "members-0-side": "eu"},
    )
    response = client_for(programme_staff).post(reverse("admin:twinning_pairing_add"), data)
    assert response.status_code == 200
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "members"
    )
    assert "must be in an EU member state" in formset.forms[0].errors["city"][0]
    assert not Pairing.objects.exists()


# --- Status through the service -----------------------------------------------------------------
def test_the_change_form_offers_only_the_next_steps(client_for, programme_staff, pairing):
    response = client_for(programme_staff).get(
        reverse("admin:twinning_pairing_change", args=[pairing.pk])
    )
    choices = [
        value for value, _label in response.context["adminform"].form.fields["new_status"].choices
    ]
    assert choices == ["active", "closed", "withdrawn"]


def test_a_status_the_lifecycle_forbids_is_refused(client_for, programme_staff, pairing):
    pairing.status = Pairing.Status.PROPOSED
    pairing.save()
    data = new_pairing_form(
        pairing.edition, pairing.eu_lead, pairing.partner_lead, new_status="closed"
    )
    response = client_for(programme_staff).post(
        reverse("admin:twinning_pairing_change", args=[pairing.pk]), data
    )
    assert response.status_code == 200
    assert "new_status" in response.context["adminform"].form.errors
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.PROPOSED
    assert not PairingStatusChange.objects.exists()


def test_bulk_status_change_is_recorded(client_for, programme_staff, edition):
    proposed = [PairingFactory(edition=edition, status=Pairing.Status.PROPOSED) for _ in range(2)]
    closed = PairingFactory(edition=edition, status=Pairing.Status.CLOSED)
    response = client_for(programme_staff).post(
        reverse("admin:twinning_pairing_changelist"),
        {
            "action": "change_status_to_selected",
            "_selected_action": [p.pk for p in [*proposed, closed]],
        },
        follow=True,
    )
    content = response.content.decode()
    assert "2 pairing(s) are now selected." in content
    assert "A closed pairing cannot become selected." in content
    assert set(Pairing.objects.values_list("status", flat=True)) == {"selected", "closed"}
    changes = PairingStatusChange.objects.all()
    assert len(changes) == 2
    assert {c.changed_by for c in changes} == {programme_staff}


# --- Exports ------------------------------------------------------------------------------------
@pytest.fixture
def export_rows(pairing, action):
    PairingMemberFactory(
        pairing=pairing, city=PartnerCityFactory(name="Suncheon"), side=PairingMember.Side.PARTNER
    )
    pairing.thematic_areas.add(ThematicAreaFactory(name="Smart City"))
    action.title = "=HYPERLINK(evil)"
    action.save()
    return pairing, action


def test_pairings_export_to_csv_and_xlsx(client_for, programme_staff, export_rows):
    pairing, _action = export_rows
    client = client_for(programme_staff)
    url = reverse("admin:twinning_pairing_changelist")
    response = client.post(url, {"action": "export_pairings_csv", "_selected_action": [pairing.pk]})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Pairing", "Edition", "Status", "EU lead city"]
    assert rows[1][0] == "Gwangju – Tampere"
    assert rows[1][8] == "Suncheon" and rows[1][9] == "Smart City" and rows[1][13] == "1"

    response = client.post(
        url, {"action": "export_pairings_xlsx", "_selected_action": [pairing.pk]}
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "Gwangju – Tampere"
    assert sheet["C2"].value == "Active"


def test_actions_export_to_csv_and_xlsx_without_formulas(client_for, programme_staff, export_rows):
    _pairing, action = export_rows
    client = client_for(programme_staff)
    url = reverse("admin:twinning_action_changelist")
    response = client.post(url, {"action": "export_actions_csv", "_selected_action": [action.pk]})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(evil)"
    assert rows[1][3] == "City of Tampere" and rows[1][7] == "40"

    response = client.post(url, {"action": "export_actions_xlsx", "_selected_action": [action.pk]})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]][:3] == [
        "'=HYPERLINK(evil)",
        "Gwangju – Tampere",
        action.pairing.edition.name,
    ]
    assert sheet["F2"].value.date() == datetime.date(2017, 11, 30)


def test_a_new_edition_in_the_admin_gets_the_cycle(client_for, programme_staff, partner_city):
    response = client_for(programme_staff).post(
        reverse("admin:twinning_edition_add"),
        {
            "name": "World Cities 2027: EU – Japan",
            "slug": "2027-japan",
            "start_date": "2027-01-01",
            "end_date": "2028-06-30",
            "status": "planned",
            "description": "",
            "partner_countries": [partner_city.country.pk],
            **management("milestones"),
            **management("cities"),
        },
    )
    assert response.status_code == 302
    from twinning.models import Edition

    assert Edition.objects.get(slug="2027-japan").milestones.count() == 6


def test_status_changes_recorded_by_the_service_show_in_the_admin(
    client_for, programme_staff, pairing
):
    pairing_set_status(pairing=pairing, status=Pairing.Status.CLOSED, by=programme_staff)
    content = (
        client_for(programme_staff)
        .get(reverse("admin:twinning_pairingstatuschange_changelist"))
        .content.decode()
    )
    assert "Gwangju – Tampere" in content


# --- Long changelists -------------------------------------------------------------------------
def test_pages_of_pairings_come_in_the_lists_order_without_gaps(
    client_for, programme_staff, edition
):
    from django.contrib import admin

    per_page = admin.site.get_model_admin(Pairing).list_per_page
    PairingFactory.create_batch(per_page + 7, edition=edition)
    client = client_for(programme_staff)
    url = reverse("admin:twinning_pairing_changelist")
    shown = []
    for page in (1, 2):
        result_list = client.get(url, {"p": page}).context["cl"].result_list
        shown += [pairing.pk for pairing in result_list]
        assert all(hasattr(pairing, "action_total") for pairing in result_list)
    everything = client.get(url, {"all": ""}).context["cl"].result_list
    assert shown == [pairing.pk for pairing in everything]
    assert len(shown) == per_page + 7


def test_the_country_filter_offers_the_countries_in_use_and_follows_changes(
    client_for, programme_staff, edition, eu_city
):
    client = client_for(programme_staff)
    url = reverse("admin:twinning_pairing_changelist")
    in_use = [PartnerCityFactory(name=name) for name in ("Busan", "Perth")]
    for city in in_use:
        PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=city)

    def offered():
        body = client.get(url).content.decode()
        return {
            city.country.pk
            for city in (*in_use, later)
            if f"?partner_lead__country__id__exact={city.country.pk}" in body
        }

    later = PartnerCityFactory(name="Surabaya")
    assert len({city.country.pk for city in (*in_use, later)}) == 3
    assert offered() == {city.country.pk for city in in_use}  # Surabaya's is not in use
    PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=later)
    assert offered() == {city.country.pk for city in (*in_use, later)}


def test_a_search_across_members_pages_through_distinct_pairings(
    client_for, programme_staff, edition
):
    from django.contrib import admin

    per_page = admin.site.get_model_admin(Pairing).list_per_page
    pairings = PairingFactory.create_batch(per_page + 3, edition=edition, objectives="Tidal energy")
    for pairing in pairings[:5]:  # several members each: the search's join repeats pairings
        PairingMemberFactory.create_batch(2, pairing=pairing)
    client = client_for(programme_staff)
    url = reverse("admin:twinning_pairing_changelist")
    shown = []
    for page in (1, 2):
        response = client.get(url, {"q": "tidal", "p": page})
        assert response.status_code == 200
        shown += [pairing.pk for pairing in response.context["cl"].result_list]
    assert sorted(shown) == sorted(p.pk for p in pairings)


def test_the_action_page_in_the_admin_shows_its_progress_history_read_only(
    client_for, programme_staff
):
    from tests.twinning.factories import ActionProgressUpdateFactory

    update = ActionProgressUpdateFactory(note="Pilot route agreed with the bus company.")
    page = client_for(programme_staff).get(
        reverse("admin:twinning_action_change", args=[update.action.pk])
    )
    content = page.content.decode()
    assert "Pilot route agreed with the bus company." in content
    assert 'name="progress_updates-0-note"' not in content  # read only
