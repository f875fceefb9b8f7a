import re

import pytest
from playwright.sync_api import expect

from collaboration import similarity
from collaboration.models import SynonymGroup
from collaboration.services.synonyms import starter_groups
from devtools.demo.collaboration import create_demo_initiatives
from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from devtools.demo.surveys import create_demo_survey
from portal.composition import load_all_reference_data
from tests.collaboration.conftest import make_initiative

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_all_reference_data()
    create_demo_users()
    create_demo_initiatives()
    create_demo_survey()
    if not SynonymGroup.objects.exists():  # an earlier test's flush removed the starter groups
        for words in starter_groups():
            SynonymGroup.objects.create(words=words)
    make_initiative("融雪装置の共同管理（デモ）",
                    summary="道路の融雪装置を近隣の町と共同で管理する。",
                    fields=("防災", "土木・インフラ"), codes=("063657",))
    similarity.rebuild_index()


def sign_in(page, base_url, username):
    page.goto(base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def test_staff_edit_a_synonym_group_and_the_search_uses_it(demo, visitor):
    page = visitor.page
    sign_in(page, visitor.base_url, "demo-pref")
    page.goto(visitor.base_url + "/initiatives/")
    page.get_by_role("link", name="同義語辞書").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("同義語辞書")
    visitor.check("synonyms")

    row = page.get_by_role("row").filter(has_text="除雪")
    row.get_by_role("link", name=re.compile("編集")).click()
    words = page.get_by_label("同じ意味の語")
    expect(words).to_have_value(re.compile("除雪\n雪対策"))
    visitor.check("synonym-edit")
    words.fill(words.input_value() + "\n融雪")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text(
        "同義語「除雪、雪対策、克雪、雪害、融雪」を保存しました")

    page.get_by_role("link", name="連携の取組み", exact=True).first.click()
    page.get_by_label("キーワード").fill("除雪")
    page.get_by_role("button", name="検索", exact=True).click()
    expect(page.locator(".search-synonyms")).to_contain_text(
        "除雪（同義語：雪対策、克雪、雪害、融雪）を含めて検索")
    expect(page.locator(".initiative__title")).to_contain_text(["融雪装置の共同管理（デモ）"])
    visitor.check("catalogue-synonyms")

    page.goto(visitor.base_url + "/initiatives/?q=%EF%BC%A9%EF%BC%A3%EF%BC%B4")  # ＩＣＴ
    expect(page.locator(".search-synonyms")).to_contain_text("ＩＣＴ（同義語：情報システム")
    expect(page.locator(".initiative__title")).to_contain_text(["情報システムの共同化"])


def test_similar_cases_on_an_initiative_a_municipality_and_survey_results(demo, visitor):
    from collaboration.models import Initiative
    from surveys.models import Survey

    page = visitor.page
    sign_in(page, visitor.base_url, "demo-pref")
    case = Initiative.objects.get(title="買い物支援推進事業")
    page.goto(visitor.base_url + case.get_absolute_url())
    similar = page.get_by_role("region", name="ほかの地域の類似事例")
    expect(similar.locator("li").first).to_contain_text("買い物支援（")
    expect(similar).to_contain_text("同じ分野（")
    visitor.check("initiative-similar-cases")

    page.goto(visitor.base_url + "/municipalities/062022/")
    candidates = page.get_by_role("region", name="横展開の候補")
    # 水道事業のあり方検討 is prefecture-wide: 米沢市 takes part in it already.
    expect(candidates).to_contain_text("一部事務組合")
    expect(candidates).not_to_contain_text("水道事業のあり方検討")
    visitor.check("municipality-spread-candidates")

    page.goto(visitor.base_url + f"/surveys/{Survey.objects.get().pk}/results/")
    expect(page.get_by_role("region", name=re.compile("共通するニーズ"))).to_contain_text(
        "「水道」の類似事例")
    visitor.check("survey-results-similar-cases")
