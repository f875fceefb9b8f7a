import re

import pytest
from playwright.sync_api import expect

from devtools.demo.portal import create_demo_users
from portal.composition import load_all_reference_data
from surveys.models import Question
from tests.browser.test_survey_browser import log_in
from tests.surveys.conftest import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_error_summary_takes_the_focus_to_the_first_control_of_each_group(
        transactional_db, visitor):
    load_all_reference_data()
    create_demo_users()
    survey = make_survey()
    fields, staff, number = (f"q{q.pk}" for q in Question.objects.filter(
        section__survey=survey).order_by("order")[:3])
    page = visitor.page
    log_in(visitor, "demo-062014")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/answer/")
    page.get_by_label("共同化したい事務の数（件）").fill("150")
    page.get_by_role("button", name="提出する").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("100 以下")
    page.screenshot(path="/tmp/shots/results/error-summary.png", full_page=True)
    visitor.check("survey-error-summary")
    for name, target in (("連携したい分野", f"id_{fields}_0"), ("専門職員の状況", f"id_{staff}_0"),
                         ("共同化したい事務の数", f"id_{number}")):
        summary.get_by_role("link", name=re.compile(name)).click()
        expect(page.locator(f"#{target}")).to_be_focused()
    # The keyboard goes on from there: Space ticks the first field of the group.
    summary.get_by_role("link", name=re.compile("連携したい分野")).click()
    page.keyboard.press("Space")
    expect(page.locator(f"#id_{fields}_0")).to_be_checked()


def test_the_results_page_shows_a_ranking_per_rank_with_its_score(transactional_db, visitor):
    from tests.surveys.test_board_and_results import answer, ranking_question

    load_all_reference_data()
    create_demo_users()
    survey = make_survey()
    key = f"q{ranking_question(survey).pk}"
    answer(survey, "062014", **{f"{key}_r1": "財源", f"{key}_r2": "人材"})
    answer(survey, "063657", **{f"{key}_r1": "人材", f"{key}_r2": "財源", f"{key}_r3": "除雪"})
    page = visitor.page
    log_in(visitor, "demo-pref")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/results/")
    table = page.get_by_role("table", name=re.compile("順位ごとの市町村数と得点"))
    expect(table).to_contain_text("1位3点、2位2点、3位1点")
    # 1位, 2位, 3位 and the score: 財源 3 + 2 = 5, 人材 3 + 2 = 5, 除雪 1.
    for row in ("財源 1 1 0 5", "人材 1 1 0 5", "除雪 0 0 1 1"):
        expect(table.get_by_role("row", name=row, exact=True)).to_have_count(1)
    page.screenshot(path="/tmp/shots/results/results-ranking.png", full_page=True)
    visitor.check("survey-results-ranking")
