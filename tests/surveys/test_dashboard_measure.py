from decimal import Decimal

import pytest
from django.urls import reverse

from surveys.dashboard import submitted_share
from tests.surveys.conftest import make_survey
from tests.surveys.test_board_and_results import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(survey):
    answer(survey, "062014")  # 村山, submitted
    answer(survey, "063657", status="draft")  # 最上
    make_survey(codes=["062014"])  # a second one, not answered yet
    return survey


def test_prefecture_staff_see_the_share_of_each_municipality(prefecture_user, answered):
    values = submitted_share(prefecture_user)
    assert len(values) == 35
    assert values["062014"] == Decimal(50) and values["063657"] == Decimal(0)


def test_a_liaison_room_sees_its_region_and_a_municipality_itself(branch_user, municipal_user,
                                                                  answered):
    from portal.models import Municipality

    murayama = set(Municipality.objects.filter(region=branch_user.scope_region).values_list(
        "lg_code", flat=True))
    values = submitted_share(branch_user)
    assert set(values) == murayama and "063657" not in values  # 最上 is not 村山's
    assert values["062014"] == Decimal(50)
    assert submitted_share(municipal_user) == {"062014": Decimal(50)}


def test_the_dashboard_colours_the_map_by_it(client, prefecture_user, answered):
    client.force_login(prefecture_user)
    response = client.get(reverse("dashboard"), {"measure": "survey_answers"})
    page = response.content.decode()
    assert response.status_code == 200 and "今年度の調査の提出率" in page
    # One municipality apart from 34 at 0%: its own, darkest step, not lumped in with them.
    assert 'class="tile tile--scale-5" aria-label="山形市：50%"' in page
    assert page.count('class="tile tile--scale-1"') == 34
