import re

import pytest
from playwright.sync_api import expect

from portal.services.demo import create_demo_users
from portal.services.reference import load_all_reference_data
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
