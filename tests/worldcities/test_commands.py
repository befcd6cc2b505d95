import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from worldcities.users.models import Role, User

PROJECT_APPS = ["cities", "twinning", "practices", "meetings", "users"]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.mark.django_db
def test_load_worldcities_loads_the_programme_facts():
    from cities.models import City
    from twinning.models import Edition, Pairing

    call_command("load_worldcities", stdout=open("/dev/null", "w"))  # noqa: SIM115
    korea = Edition.objects.get(slug="2017-2018-korea")
    assert sorted(str(p) for p in korea.pairings.all()) == [
        "Busan – Barcelona",
        "Gwangju – Tampere",
        "Songpa-gu – Eindhoven",
        "Suwon – Scottish Cities Alliance",
    ]
    assert Pairing.objects.count() == 14
    alliance = City.objects.get(name="Scottish Cities Alliance")
    assert alliance.kind == City.Kind.ALLIANCE
    assert alliance.members.count() == 7
    assert korea.milestones.get(kind="closing").start_date.isoformat() == "2018-04-19"
    assert {o.name for o in korea.implementing_partners.all()} == {"CityNet", "Ramboll"}


@pytest.mark.django_db
def test_load_worldcities_twice_gives_the_same_rows():
    call_command("load_worldcities", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = row_counts()
    call_command("load_worldcities", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert row_counts() == first
    assert first["twinning.Pairing"] == 14


@pytest.mark.django_db
def test_seed_demo_creates_one_account_per_role_and_says_how_to_log_in(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "worldcities-demo" in out
    users = User.objects.filter(email__endswith="@demo.worldcities.test")
    # Two city delegates, the contacts of the demonstration's research institute and
    # business (delegates of the same two cities), and an outside expert who reviews.
    assert sorted(u.role for u in users) == sorted(
        [Role.PROGRAMME_STAFF, Role.COORDINATOR, Role.EXPERT, *[Role.DELEGATE] * 4]
    )
    delegates = users.filter(role=Role.DELEGATE)
    assert delegates.values("city").distinct().count() == 2
    coordinator = users.get(role=Role.COORDINATOR)
    assert coordinator.coordinated_editions.filter(slug="2017-2018-korea").exists()
    assert all(u.check_password("worldcities-demo") for u in users)


@pytest.mark.django_db
def test_seed_demo_is_refused_outside_local_settings(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="never production"):
        call_command("seed_demo")
    assert not User.objects.exists()
