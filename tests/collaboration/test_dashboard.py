import pytest
from django.urls import reverse

from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db


def test_the_dashboard_maps_participation_links_and_trends(client, branch_user,
                                                           django_assert_max_num_queries):
    make_initiative("共同発注", codes=("062014", "063657"), start_year=2024)
    make_initiative("共同研修", codes=("062014", "063657", "064611"), start_year=2025)
    make_initiative("全県の取組み", codes=("062014", "062022"), scope="prefecture",
                    start_year=2025)
    client.force_login(branch_user)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("dashboard"), {"measure": "initiatives"}).content.decode()
    assert 'class="tile tile--scale-5" aria-label="山形市：3件"' in page  # the most initiatives
    links = [line for line in page.splitlines() if "<td>山形市</td><td>大蔵村</td>" in line]
    assert links and '<td class="num">2</td>' in links[0]
    assert "<td>山形市</td><td>米沢市</td>" not in page  # prefecture-wide: no link
    row = page[page.index('<th scope="row">I-②</th>'):].split("</tr>")[0]
    assert row.count('<td class="num">1</td>') == 1 and row.count('<td class="num">2</td>') == 1


def test_an_unknown_measure_is_a_400_with_a_message(client, municipal_user):
    client.force_login(municipal_user)
    response = client.get(reverse("dashboard"), {"measure": "<script>"})
    assert response.status_code == 400
    assert "一覧から指標を選んでください" in response.content.decode()


# The network as the template drew it before the drawing was built in Python.
TEMPLATE_DRAWN_NETWORK = """{% load l10n %}{% localize off %}{% for edge in network.edges %}<line x1="{{ edge.x1 }}" y1="{{ edge.y1 }}" x2="{{ edge.x2 }}" y2="{{ edge.y2 }}" stroke="#2f66b0" stroke-opacity="0.55" stroke-width="{{ edge.width }}"></line>{% endfor %}
    {% for node in network.nodes %}<circle cx="{{ node.x }}" cy="{{ node.y }}" r="5" fill="#123a73"></circle><text x="{{ node.x }}" y="{{ node.y|add:'-8' }}" text-anchor="middle" font-size="10" fill="#1a1a1c">{{ node.m.name }}</text>{% endfor %}{% endlocalize %}"""  # noqa: E501


# The network's table rows as the template's loop wrote them.
TEMPLATE_NETWORK_ROWS = """{% for edge in network.edges %}<tr><td>{{ edge.a.name }}</td><td>{{ edge.b.name }}</td><td class="num">{{ edge.count }}</td></tr>{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_network_is_drawn_as_the_template_drew_it(prefecture_user, language):
    from django.template import engines
    from django.utils import translation

    from collaboration.dashboard import _table_rows as network_rows
    from collaboration.dashboard import network

    for n, codes in enumerate([("062014", "063657"), ("062014", "063657", "064611"),
                               ("062031", "062049", "062057", "062065"), ("062014", "062022")]):
        make_initiative(f"共同の取組み{n}", codes=codes)
    drawn = network(prefecture_user)
    assert len(drawn["edges"]) == 10 and len(drawn["nodes"]) == 35
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_DRAWN_NETWORK).render(
            {"network": drawn})
    assert drawn["drawing"] == expected
    drawn["edges"][0]["a"].name = "<架空&町>"
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_NETWORK_ROWS).render(
            {"network": drawn})
    assert network_rows(drawn["edges"]) == expected
    assert "<td>&lt;架空&amp;町&gt;</td>" in expected
