import factory

from worldcities.users.models import Role, User

DEFAULT_PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.DELEGATE
    city = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.DELEGATE),
        yes_declaration=factory.SubFactory("tests.cities.factories.CityFactory"),
        no_declaration=None,
    )
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            from worldcities.users.services import account_email_register

            obj.save()
            account_email_register(user=obj)


class ProgrammeStaffFactory(UserFactory):
    role = Role.PROGRAMME_STAFF


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR


class DelegateFactory(UserFactory):
    role = Role.DELEGATE
