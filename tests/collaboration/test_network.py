"""The dashboard's network counted in the database (collaboration/network.py) against pairing
every participant of every initiative the user sees, as it was counted in Python."""

import importlib
from collections import Counter
from itertools import combinations

import pytest

from collaboration import network, selectors
from collaboration.models import Initiative, NetworkLink, NetworkMember
from collaboration.services.initiatives import initiative_publish, initiative_update
from devtools.synthetic.collaboration import generate_initiatives
from portal.models import Municipality
from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db


def paired_in_python(user, limit):
    """Every visible initiative's participants paired and counted: the straightforward way."""
    members = {}
    for initiative_id, code in Initiative.municipalities.through.objects.filter(
            initiative__in=selectors.visible_initiatives(user).exclude(
                scope=Initiative.Scope.PREFECTURE).values("pk")).values_list(
            "initiative_id", "municipality__lg_code"):
        members.setdefault(initiative_id, []).append(code)
    pairs = Counter()
    for codes in members.values():
        if len(codes) <= network.MOST_PARTICIPANTS:
            pairs.update(combinations(sorted(codes), 2))
    return sorted(((a, b, n) for (a, b), n in pairs.items()),
                  key=lambda pair: (-pair[2], pair[0], pair[1]))[:limit]


def kept_links():
    return {(link.municipality_a_id, link.municipality_b_id, published): n
            for link in NetworkLink.objects.all()
            for published, n in ((True, link.shared), (False, link.unpublished)) if n}


def links_afresh():
    """The pairs counted from the participation rows as they are, published and not."""
    pairs = Counter()
    for initiative in Initiative.objects.exclude(
            scope=Initiative.Scope.PREFECTURE).prefetch_related("municipalities"):
        ids = sorted(m.pk for m in initiative.municipalities.all())
        if 2 <= len(ids) <= network.MOST_PARTICIPANTS:
            pairs.update((a, b, initiative.is_published) for a, b in combinations(ids, 2))
    return dict(pairs)


def codes(n, start=0):
    return tuple(Municipality.objects.order_by("lg_code").values_list(
        "lg_code", flat=True)[start:start + n])


@pytest.fixture
def generated():
    generate_initiatives(300, seed=11)  # bulk, then network.rebuild()
    # The edges of the rules: a dozen participants count, thirteen and prefecture-wide do not;
    # unpublished ones count for those who see them.
    make_initiative("十二団体", codes=codes(12))
    make_initiative("十三団体", codes=codes(13, start=5))
    make_initiative("全県の三団体", codes=codes(3, start=20), scope=Initiative.Scope.PREFECTURE)
    for n in range(3):
        make_initiative(f"未公開{n}", codes=("062014", "063657", codes(1, start=30 + n)[0]),
                        published=False)
    make_initiative("未公開・庄内", codes=("062031", "062049"), published=False)
    make_initiative("未公開の十三団体", codes=codes(13, start=10), published=False)
    make_initiative("未公開の全県", codes=codes(4, start=25), published=False,
                    scope=Initiative.Scope.PREFECTURE)


@pytest.mark.parametrize("role", ["prefecture", "branch", "other_branch", "municipal",
                                  "other_municipal", "admin"])
def test_the_network_counted_in_sql_is_the_pairing_of_every_initiative(generated,
                                                                       users_by_role, role):
    user = users_by_role[role]
    for limit in (40, 1000):  # the panel's cut, and every pair
        assert network.strongest_links(selectors.visible_initiatives(user), limit) \
            == paired_in_python(user, limit)


def test_the_data_set_has_ties_and_unpublished_pairs_to_tell_the_counts_apart(generated,
                                                                              prefecture_user,
                                                                              municipal_user):
    everything = paired_in_python(prefecture_user, 1000)
    assert len({n for _a, _b, n in everything}) < len(everything)  # ties, ordered by code
    assert everything != paired_in_python(municipal_user, 1000)  # unpublished ones differ
    assert max(n for _a, _b, n in everything) > 1


def test_the_kept_pairs_follow_every_change_of_an_initiative(prefecture_user):
    def pks(*codes):
        return sorted(Municipality.objects.filter(lg_code__in=codes).values_list("pk", flat=True))

    def kept(published=True):
        assert kept_links() == links_afresh()
        assert NetworkMember.objects.count() == sum(len(ids) for ids in _counted_members().values())
        return {(a, b) for a, b, p in kept_links() if p == published}

    initiative = make_initiative("共同研修", codes=("062014", "063657", "064611"))
    other = make_initiative("共同発注", codes=("062014", "063657"))
    assert kept() == set(combinations(pks("062014", "063657", "064611"), 2))

    initiative_update(actor=prefecture_user, initiative=initiative, values={},
                      relations={"municipalities": list(Municipality.objects.filter(
                          lg_code__in=("062014", "062022")))})
    assert kept() == {tuple(pks("062014", "063657")), tuple(pks("062014", "062022"))}

    Municipality.objects.get(lg_code="064611").initiatives.add(other)  # from the other side
    assert kept() == set(combinations(pks("062014", "063657", "064611"), 2)) | {
        tuple(pks("062014", "062022"))}

    initiative_publish(actor=prefecture_user, initiative=other, published=False)
    assert kept() == {tuple(pks("062014", "062022"))}
    assert kept(published=False) == set(combinations(pks("062014", "063657", "064611"), 2))

    initiative.scope = Initiative.Scope.PREFECTURE
    initiative.save()
    assert kept() == set()

    initiative_publish(actor=prefecture_user, initiative=other, published=True)
    assert kept() == set(combinations(pks("062014", "063657", "064611"), 2))
    assert kept(published=False) == set()
    Municipality.objects.get(lg_code="064611").initiatives.clear()
    assert kept() == {tuple(pks("062014", "063657"))}

    removed = other.pk
    other.delete()
    assert kept() == set() and kept_links() == {}
    assert not NetworkMember.objects.filter(initiative=removed).exists()


def test_rebuilding_counts_what_the_changes_kept(generated):
    kept = kept_links()
    assert kept == links_afresh()
    NetworkLink.objects.update(shared=0, unpublished=0)
    network.rebuild()
    assert kept_links() == kept


def test_the_migration_counts_the_initiatives_already_there(generated):
    from django.apps import apps

    fill = importlib.import_module("collaboration.migrations.0009_network_links").count_links
    kept = kept_links()
    NetworkMember.objects.all().delete()
    NetworkLink.objects.all().delete()
    fill(apps, None)
    assert kept_links() == kept == links_afresh()
    assert NetworkMember.objects.count() == sum(
        len(ids) for ids in _counted_members().values())


def _counted_members():
    members = {}
    for initiative_id, municipality_id in Initiative.municipalities.through.objects.exclude(
            initiative__scope=Initiative.Scope.PREFECTURE).values_list(
            "initiative_id", "municipality_id"):
        members.setdefault(initiative_id, []).append(municipality_id)
    return {pk: ids for pk, ids in members.items()
            if 2 <= len(ids) <= network.MOST_PARTICIPANTS}
