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
