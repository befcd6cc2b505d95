from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cities.models import City, Organisation
from twinning.models import Edition
from worldcities import demo, versions
from worldcities.users.models import Role, User
from worldcities.users.services import account_email_register, api_token_create

DEMO_PASSWORD = "worldcities-demo"  # noqa: S105 - demo accounts exist on local settings only

DEMO_DASHBOARD = "City dashboard"  # the name of the delegates' API token

# e-mail, full name, role, city, organisation
DEMO_ACCOUNTS = [
    (
        "staff@demo.worldcities.test",
        "Dana Regio",
        Role.PROGRAMME_STAFF,
        "Brussels",
        "European Commission, DG Regional and Urban Policy (DG REGIO)",
    ),
    ("coordinator@demo.worldcities.test", "Chris Citynet", Role.COORDINATOR, "Seoul", "CityNet"),
    (
        "delegate.busan@demo.worldcities.test",
        "Min-jun Park",
        Role.DELEGATE,
        "Busan",
        "Busan Metropolitan City",
    ),
    (
        "delegate.barcelona@demo.worldcities.test",
        "Laia Puig",
        Role.DELEGATE,
        "Barcelona",
        "Barcelona City Council",
    ),
    (
        "research.busan@demo.worldcities.test",
        "Seo-yeon Kim",
        Role.DELEGATE,
        "Busan",
        "Busan Urban Mobility Institute (demonstration)",
    ),
    (
        "business.barcelona@demo.worldcities.test",
        "Jordi Serra",
        Role.DELEGATE,
        "Barcelona",
        "Barcelona Sensor Works (demonstration)",
    ),
    ("expert@demo.worldcities.test", "Eva Expert", Role.EXPERT, "Brussels", ""),
]


class Command(BaseCommand):
    help = "Creates one demo account per role (local settings only) and prints how to log in."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
            raise CommandError("Demo accounts are for local settings only, never production.")
        if not City.objects.exists():
            call_command("load_worldcities", stdout=self.stdout)
        with transaction.atomic():
            demo.demo_organisations_load()
            for email, name, role, city, organisation in DEMO_ACCOUNTS:
                user, _ = User.objects.update_or_create(
                    email=email,
                    defaults={
                        "full_name": name,
                        "role": role,
                        "city": City.objects.get(name=city),
                        "organisation": Organisation.objects.filter(name=organisation).first(),
                    },
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                account_email_register(user=user)
                if role == Role.COORDINATOR:
                    for edition in Edition.objects.filter(slug="2017-2018-korea"):
                        edition.coordinators.add(user)
            accounts = User.objects.filter(email__in=[account[0] for account in DEMO_ACCOUNTS])
            # A token each for the delegates, so that the administration's list of API
            # tokens has rows to filter and revoke (its secret is not shown: nobody uses it).
            for delegate in accounts.filter(role=Role.DELEGATE):
                if not delegate.api_tokens.filter(name=DEMO_DASHBOARD, revoked_at__isnull=True):
                    api_token_create(user=delegate, name=DEMO_DASHBOARD, days=90)
            live = demo.live_demo_load(
                coordinator=accounts.get(role=Role.COORDINATOR),
                # The city delegates (the organisations' contacts take no part in meetings).
                delegates=list(
                    accounts.filter(
                        role=Role.DELEGATE, email__startswith="delegate."
                    ).select_related("city")
                ),
                reviewers=[accounts.get(role=Role.COORDINATOR), accounts.get(role=Role.EXPERT)],
            )
            directory = demo.directory_demo_load()
            # The demonstration edition is written past the services' versions.
            versions.everything_changed()
        self.stdout.write(
            f"{demo.NAME}: live today, with {live['pairings']} pairings, {live['meetings']} "
            f"meetings (some open for registration) and {live['actions']} actions due soon; "
            f"{directory['opportunities']} triple-helix opportunities."
        )
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for email, name, role, city, _organisation in DEMO_ACCOUNTS:
            self.stdout.write(f"  {Role(role).label:<28} {email:<42} {name} ({city})")
