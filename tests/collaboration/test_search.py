import pytest

from collaboration.models import Initiative
from collaboration.search import grams, matching, normalize, terms

pytestmark = pytest.mark.django_db


def found(query):
    return set(Initiative.objects.filter(matching(query)).values_list("title", flat=True))


def test_normalizing_folds_width_case_and_katakana():
    assert normalize("ＡＢＣ　ｶﾝｺｳ　１２３") == "abc かんこう 123"
    assert normalize("カンコウ") == normalize("かんこう") == normalize("ｶﾝｺｳ")


def test_grams_are_characters_and_pairs_within_words():
    assert grams("水道 事業") == {"水", "道", "水道", "事", "業", "事業"}


def test_terms_are_bounded():
    assert terms("　水道　水道  観光 ") == ["水道", "観光"]
    assert len(terms(" ".join(str(n) for n in range(50)))) == 8
    assert len(terms("あ" * 500)[0]) == 60


def test_two_character_words_are_found(initiative_factory):
    initiative_factory("水道事業のあり方検討")
    initiative_factory("観光協議会", methods=("協議会",), fields=("観光",))
    initiative_factory("防災訓練の共同実施", fields=("防災",))
    assert found("水道") == {"水道事業のあり方検討"}
    assert found("観光") == {"観光協議会"}
    assert found("防災") == {"防災訓練の共同実施"}


def test_full_and_half_width_forms_match(initiative_factory):
    initiative_factory("ＩＣＴ人材の育成（ﾃﾞｼﾞﾀﾙ）", fields=("情報システム・DX",))
    assert found("ict") == found("ＩＣＴ") == found("ﾃﾞｼﾞﾀﾙ") == found("デジタル") == {
        "ＩＣＴ人材の育成（ﾃﾞｼﾞﾀﾙ）"}


def test_hiragana_finds_katakana(initiative_factory):
    initiative_factory("スマート農業の研修", fields=("農林水産",))
    assert found("すまーと") == {"スマート農業の研修"}


def test_every_word_must_match_and_pairs_must_be_adjacent(initiative_factory):
    initiative_factory("道の駅と水の事業", fields=("観光",))  # 水, 道 and 事業 but not 水道
    initiative_factory("水道事業のあり方検討")
    assert found("水道") == {"水道事業のあり方検討"}
    assert found("水道 検討") == {"水道事業のあり方検討"}
    assert found("水道 観光") == set()


def test_participants_methods_and_fields_are_searchable(initiative_factory):
    initiative_factory("共同研修", codes=("063657",), methods=("研修",), fields=("福祉",))
    assert found("大蔵村") == found("おおくら") == found("福祉") == {"共同研修"}
