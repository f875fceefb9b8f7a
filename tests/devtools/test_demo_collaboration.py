import pytest

from collaboration.models import Initiative, Theme
from collaboration.services.reference import policy_examples
from devtools.demo.collaboration import create_demo_initiatives
from portal.models import Municipality, Organisation

pytestmark = pytest.mark.django_db

# Read off the policy's table by hand, so the tests do not just restate the code.
EXPECTED = {
    "水道事業のあり方検討": ("I-1", {"助言・支援"}),
    "個人住民税の共同催告、共同徴収": ("I-2", {"事務や施設等の共同化"}),
    "定住自立圏": ("I-2", {"広域連携の仕組み"}),
    "若者定着支援基金の運営（奨学金返還支援）": ("II-1", {"予算・役割分担"}),
    "市町村総合交付金": ("II-1", {"補助金・交付金"}),
    "最上地域政策研究所": ("II-2", {"研究会"}),
    "町村と県看護協会の連携による訪問看護サービス立ち上げ支援": ("II-2", {"関係機関との連絡調整"}),
    "西村山地域広域連携協議会（高校生の下校用バスの調査運行）": ("II-3", {"予算・役割分担"}),
}
PREFECTURE_INITIATIVES = ["専門・技術的支援の強化", "買い物支援推進事業", "山形らしい移住促進策",
                          "持続可能な飛島づくり"]


@pytest.fixture
def demo():
    create_demo_initiatives()


def one(title: str) -> Initiative:
    return Initiative.objects.get(title=title)


def method_names(initiative: Initiative) -> set[str]:
    return set(initiative.methods.values_list("name", flat=True))


def participant_names(initiative: Initiative) -> set[str]:
    return set(initiative.municipalities.values_list("name", flat=True))


def test_every_policy_example_exists_once_classified_as_the_policy(demo):
    examples = policy_examples()
    assert len(examples) == 17
    for example in examples:
        initiative = one(example["title"])  # exactly one, or .get() raises
        assert initiative.category.code == example["category"], example["title"]
        assert method_names(initiative) == set(example["methods"]), example["title"]
        assert initiative.is_published


@pytest.mark.parametrize(("title", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_examples_match_the_hand_read_policy_table(demo, title, expected):
    category, methods = expected
    initiative = one(title)
    assert (initiative.category.code, method_names(initiative)) == (category, methods)


def test_funding_form_follows_the_policy(demo):
    fund = one("若者定着支援基金の運営（奨学金返還支援）")
    assert fund.funding == Initiative.Funding.JOINT_BUDGET
    assert one("やまがた健康マイレージ事業").funding == Initiative.Funding.SHARED_ROLES
    assert one("市町村総合交付金").funding == Initiative.Funding.GRANT
    assert one("水道事業のあり方検討").funding == Initiative.Funding.NONE


def test_the_policys_note_is_in_the_summary(demo):
    assert "県：企業協力依頼" in one("やまがた健康マイレージ事業").summary
    assert "移住セミナーの企画" in one("地域別の移住交流推進協議会").summary


def test_examples_with_a_region_take_its_municipalities(demo):
    mogami = one("最上地域政策研究所")
    assert mogami.scope == Initiative.Scope.REGION
    assert participant_names(mogami) == set(
        Municipality.objects.filter(region__code="mogami").values_list("name", flat=True))
    assert len(participant_names(mogami)) == 8
    nishi = one("西村山地域広域連携協議会（高校生の下校用バスの調査運行）")
    assert nishi.scope == Initiative.Scope.GROUP
    assert participant_names(nishi) == {"寒河江市", "河北町", "西川町", "朝日町", "大江町"}


def test_prefecture_wide_schemes_include_all_35_municipalities(demo):
    for title in ["市町村総合交付金", "若者定着支援基金の運営（奨学金返還支援）",
                  "やまがた健康マイレージ事業"]:
        initiative = one(title)
        assert initiative.scope == Initiative.Scope.PREFECTURE
        assert initiative.municipalities.count() == 35


def test_visiting_nursing_example_has_the_nursing_association_as_other_body(demo):
    association = Organisation.objects.get(name="山形県看護協会")
    assert association.kind == Organisation.Kind.EXTERNAL
    initiative = one("町村と県看護協会の連携による訪問看護サービス立ち上げ支援")
    assert list(initiative.other_bodies.all()) == [association]


def test_every_initiative_has_fields_a_lead_and_a_year(demo):
    for initiative in Initiative.objects.all():
        assert 1 <= initiative.policy_fields.count() <= 3, initiative.title
        assert initiative.lead_organisation is not None, initiative.title
        assert 2017 <= initiative.start_year <= 2025, initiative.title


def test_the_prefectures_initiatives_exist(demo):
    for title in PREFECTURE_INITIATIVES:
        initiative = one(title)
        assert initiative.is_published and initiative.is_demo
    support = one("専門・技術的支援の強化")
    assert support.category.code == "I-1"
    assert {"助言・支援", "研修"} <= method_names(support)
    assert one("買い物支援推進事業").category.code == "II-3"


def test_tobishima_has_sakata_taking_part(demo):
    tobishima = one("持続可能な飛島づくり")
    assert tobishima.category.code in {"II-2", "II-3"}
    assert "酒田市" in participant_names(tobishima)


def test_the_model_project_has_initiatives_spread_from_it(demo):
    model = one("買い物支援推進事業")
    assert model.is_model
    spread = list(model.spread_to.all())
    assert 2 <= len(spread) <= 3
    for initiative in spread:
        assert initiative.is_demo and initiative.is_published
        assert "横展開のデモ" in initiative.title
        assert not participant_names(initiative) & participant_names(model)


def test_one_municipal_proposal_stays_unpublished(demo):
    hidden = Initiative.objects.filter(is_published=False)
    assert hidden.count() == 1
    proposal = hidden.get()
    assert proposal.is_demo
    assert proposal.lead_organisation.kind == Organisation.Kind.MUNICIPALITY
    assert proposal.lead_organisation.municipality.name in participant_names(proposal)


def test_themes_link_demo_initiatives(demo):
    assert set(Theme.objects.values_list("title", flat=True)) == {"専門技術職員の確保",
                                                                 "買い物弱者対策"}
    shopping = Theme.objects.get(title="買い物弱者対策")
    assert one("買い物支援推進事業") in shopping.initiatives.all()
    assert shopping.initiatives.count() >= 3
    assert Theme.objects.get(title="専門技術職員の確保").initiatives.filter(
        title="専門・技術的支援の強化").exists()


def test_every_demo_initiative_is_flagged_and_its_summary_starts_with_demo(demo):
    assert Initiative.objects.count() == 17 + 4 + 3 + 1
    for initiative in Initiative.objects.all():
        assert initiative.is_demo, initiative.title
        assert initiative.summary.startswith("【デモ】"), initiative.title
        assert "デモ用の説明文です" in initiative.summary, initiative.title


def test_search_text_is_filled(demo):
    assert "水道" in one("水道事業のあり方検討").search_text
    assert "看護協会" in one("町村と県看護協会の連携による訪問看護サービス立ち上げ支援").search_text
    assert "さかたし" in one("持続可能な飛島づくり").search_text  # the municipality's kana
    assert not Initiative.objects.filter(search_text="").exists()


def test_running_twice_adds_nothing():
    first = create_demo_initiatives()
    counts = (Initiative.objects.count(), Theme.objects.count(), Organisation.objects.count(),
              Initiative.municipalities.through.objects.count(),
              Initiative.methods.through.objects.count(),
              Theme.initiatives.through.objects.count())
    second = create_demo_initiatives()
    assert first.startswith("Demo initiatives: 25 new")
    assert second.startswith("Demo initiatives: 0 new")
    assert counts == (Initiative.objects.count(), Theme.objects.count(),
                      Organisation.objects.count(),
                      Initiative.municipalities.through.objects.count(),
                      Initiative.methods.through.objects.count(),
                      Theme.initiatives.through.objects.count())


def test_an_existing_initiative_with_the_same_title_is_left_alone():
    create_demo_initiatives()
    water = one("水道事業のあり方検討")
    Initiative.objects.filter(pk=water.pk).update(summary="県が書いた本当の説明", is_demo=False)
    water.methods.clear()
    create_demo_initiatives()
    water.refresh_from_db()
    assert Initiative.objects.filter(title="水道事業のあり方検討").count() == 1
    assert water.summary == "県が書いた本当の説明" and not water.is_demo
    assert method_names(water) == set()


def test_the_proposal_is_made_by_the_villages_demo_account_when_there_is_one():
    from devtools.demo.portal import create_demo_users

    create_demo_users()
    create_demo_initiatives()
    proposal = Initiative.objects.get(is_published=False)
    assert proposal.proposed_by.username == "demo-063657"  # 大蔵村
