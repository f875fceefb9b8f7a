import pytest
from django.core.management import CommandError, call_command

from collaboration.models import Initiative
from devtools.synthetic.collaboration import generate_initiatives

pytestmark = pytest.mark.django_db


def snapshot():
    return list(Initiative.objects.order_by("id").values_list(
        "title", "category__code", "scope", "start_year"))


def test_synthetic_initiatives_are_marked_searchable_and_repeatable(django_assert_max_num_queries):
    # About 6 per batch of 50, not per row, 7 to count the network's pairs once at the end
    # (collaboration.network.rebuild) and 5 the facets' tally (collaboration.facet_tally).
    with django_assert_max_num_queries(42):
        generate_initiatives(120, seed=7, batch_size=50)
    first = snapshot()
    assert len(first) == 120
    assert all(title.startswith("【合成】") for title, *_ in first)
    assert not Initiative.objects.filter(is_demo=False).exists()
    assert not Initiative.objects.filter(search_text="").exists()
    assert Initiative.objects.filter(methods__isnull=True).count() == 0
    Initiative.objects.all().delete()
    generate_initiatives(120, seed=7, batch_size=50)
    assert [row[1:] for row in snapshot()] == [row[1:] for row in first]


def test_synthetic_initiatives_are_found_by_what_real_ones_are():
    from collaboration.search import matching

    generate_initiatives(80, seed=3)
    outside = Initiative.objects.filter(scope=Initiative.Scope.OUTSIDE).first()
    led = Initiative.objects.exclude(lead_organisation=None).first()
    assert Initiative.objects.filter(matching("宮城県"), pk=outside.pk).exists()
    assert Initiative.objects.filter(matching(led.lead_organisation.name), pk=led.pk).exists()


def test_the_command_refuses_an_absurd_scale():
    with pytest.raises(CommandError):
        call_command("generate_demo_data", "--scale", "1000")


def test_synthetic_initiatives_are_counted_in_the_network():
    from collaboration.models import NetworkLink
    from tests.collaboration.test_network import kept_links, links_afresh

    generate_initiatives(60, seed=5)
    assert NetworkLink.objects.exists() and kept_links() == links_afresh()
