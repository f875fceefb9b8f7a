import factory

from devtools.demo.portal import DEMO_PASSWORD
from portal.models import Municipality, Organisation, Region, User


def municipality(lg_code: str) -> Municipality:
    return Municipality.objects.select_related("region").get(lg_code=lg_code)


def municipality_org(lg_code: str) -> Organisation:
    return Organisation.objects.get(municipality__lg_code=lg_code)


def branch_office(region_code: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.BRANCH_OFFICE,
                                    region=Region.objects.get(code=region_code))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.jp")
    last_name = "山形"
    first_name = factory.Sequence(lambda n: f"職員{n}")
    role = User.Role.MUNICIPAL
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()

    class Params:
        prefecture = factory.Trait(
            role=User.Role.PREFECTURE,
            is_staff=True,
            organisation=factory.LazyFunction(
                lambda: Organisation.objects.get(kind=Organisation.Kind.PREFECTURE)),
        )
        portal_admin = factory.Trait(role=User.Role.ADMIN, is_staff=True, is_superuser=True,
                                     organisation=None)
