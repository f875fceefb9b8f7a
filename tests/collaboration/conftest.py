import pytest

from collaboration.models import Category, Initiative, Method, PolicyField
from collaboration.services.initiatives import refresh_search
from collaboration.services.link_sets import refresh_of
from portal.models import Municipality, Organisation


def make_initiative(title="水道事業の広域連携", *, category="I-2",
                    methods=("事務や施設等の共同化",), fields=("水道",), codes=("062014",),
                    published=True, **values):
    initiative = Initiative.objects.create(
        title=title, summary=values.pop("summary", f"{title}の概要"),
        category=Category.objects.get(code=category),
        scope=values.pop("scope", Initiative.Scope.GROUP), is_published=published,
        status=values.pop("status", Initiative.Status.ACTIVE), **values)
    initiative.methods.set(Method.objects.filter(name__in=methods))
    initiative.policy_fields.set(PolicyField.objects.filter(name__in=fields))
    initiative.municipalities.set(Municipality.objects.filter(lg_code__in=codes))
    refresh_of(initiative)
    refresh_search(initiative)
    return initiative


@pytest.fixture
def initiative_factory(db):
    return make_initiative


@pytest.fixture
def prefecture_org(db):
    return Organisation.objects.get(kind=Organisation.Kind.PREFECTURE)
