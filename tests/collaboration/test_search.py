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


def test_a_short_word_found_by_its_grams_alone_is_found_as_the_text_holds_it(initiative_factory):
    # One- and two-character words are answered by the gram index without reading the text:
    # what it finds is every row whose normalised text contains the word, and no other.
    initiative_factory("道の駅と水の事業", fields=("観光",))
    initiative_factory("水道事業のあり方検討", summary="ＩＣＴ　ｶﾝｺｳ 業務 の改善")
    initiative_factory("地域連携の研修", codes=("063657",), methods=("研修",))
    texts = list(Initiative.objects.values_list("search_text", flat=True))
    words = {text[i:i + size] for text in texts for size in (1, 2)
             for i in range(len(text) - size + 1)}
    words = {word for word in words if word.strip() == word and "\n" not in word}
    # and pairs that meet only across a space: held by no text
    across = {a[-1] + b[0] for text in texts
              for a, b in zip(text.split(), text.split()[1:], strict=False)}
    assert len(words) > 100 and across - words
    words |= across
    for word in words:
        expected = set(Initiative.objects.filter(search_text__contains=normalize(word))
                       .values_list("title", flat=True))
        assert found(word) == expected, word


def each_word_alone(query, synonyms, public):
    """The search as it was written before: every word of a group checked by its text (and, on
    PostgreSQL, its grams), one condition per word."""
    from django.db import connection
    from django.db.models import Q, Value
    from django.db.models.functions import Concat, StrIndex
    from django.db.models.lookups import LessThan

    from collaboration.search import PRIVATE_MARK, alternatives

    condition = Q()
    for term in terms(query):
        either = Q()
        for word in alternatives(term, synonyms):
            one = Q(search_text__contains=word)
            if connection.vendor == "postgresql":
                one &= Q(search_text__has_grams=sorted(grams(word)))
            if public:
                one &= Q(LessThan(StrIndex("search_text", Value(word)), StrIndex(
                    Concat("search_text", Value(PRIVATE_MARK)), Value(PRIVATE_MARK))))
            either |= one
        condition &= either
    return condition


@pytest.mark.parametrize("public", [False, True])
def test_words_and_their_synonyms_find_what_each_word_checked_alone_found(public):
    from collaboration.synonyms import dictionary
    from devtools.benchmark.cold import SEARCH_TERMS
    from devtools.synthetic.collaboration import generate_initiatives

    generate_initiatives(150, seed=11)
    synonyms = dictionary()
    queries = [*SEARCH_TERMS, "防災 地域", "訪問看護", "水道 連携 山形", "ict"]
    assert any(len(synonyms.get(normalize(q), ())) > 1 for q in queries)
    assert Initiative.objects.filter(each_word_alone("看護", synonyms, public)).exists()
    for query in queries:
        expected = set(Initiative.objects.filter(each_word_alone(query, synonyms, public))
                       .values_list("pk", flat=True))
        assert set(Initiative.objects.filter(matching(query, synonyms, public=public))
                   .values_list("pk", flat=True)) == expected, query
