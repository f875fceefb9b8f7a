import json
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from collaboration import similarity
from collaboration.models import Initiative, PolicyField, SimilarityGram, SimilarityTerm
from collaboration.similarity import Need, similar_to_initiative, similar_to_need
from collaboration.tasks import index_initiatives
from portal.models import Municipality, OutboxTask
from surveys.models import SurveyResponse
from tests.conftest import HOME_CODE, OTHER_CODE
from tests.factories import UserFactory, municipality_org
from tests.surveys.conftest import keys, make_survey

pytestmark = pytest.mark.django_db

LABELLED = Path(__file__).parent / "data" / "similar_cases.json"
PRECISION_TARGET = 0.6


def titles(suggestions):
    return [s.initiative.title for s in suggestions]


@pytest.fixture
def snow_cases(initiative_factory):
    cases = {
        "plough": initiative_factory(
            "除雪車の共同運行", summary="冬期の除雪を近隣の町と共同で行う。", fields=("防災",),
            methods=("事務や施設等の共同化",), codes=("063657",)),
        "volunteers": initiative_factory(
            "除雪ボランティアの育成", summary="近隣の町の除雪体制を支える担い手を育てる。",
            fields=("福祉",), methods=("研修",), codes=("063657",)),
        "tourism": initiative_factory(
            "観光協議会", summary="広域の観光振興に取り組む。", fields=("観光",),
            methods=("協議会",), codes=("063657",)),
        "outside": initiative_factory(
            "豪雪地帯の除雪共同化（新潟県の事例）", summary="除雪業務を複数町村で共同発注。",
            fields=("防災",), methods=("事務や施設等の共同化",), codes=(),
            scope=Initiative.Scope.OUTSIDE, outside_prefecture="新潟県"),
    }
    similarity.index_initiatives([case.pk for case in cases.values()])
    return cases


def test_the_most_similar_cases_come_first_with_their_reasons(prefecture_user, snow_cases):
    need = Need(text="冬の除雪体制を近隣の町と共同で整えたい。", field_names=["防災"],
                method_names=["事務や施設等の共同化"])
    found = similar_to_need(prefecture_user, need)
    assert titles(found)[:2] == ["除雪車の共同運行", "豪雪地帯の除雪共同化（新潟県の事例）"] \
        or titles(found)[:2] == ["豪雪地帯の除雪共同化（新潟県の事例）", "除雪車の共同運行"]
    assert "観光協議会" not in titles(found)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    best = found[0]
    assert [f.name for f in best.shared_fields] == ["防災"]
    assert [m.name for m in best.shared_methods] == ["事務や施設等の共同化"]
    assert "除雪" in best.words
    volunteers = next(s for s in found if s.initiative.title == "除雪ボランティアの育成")
    assert volunteers.shared_fields == [] and "除雪体制" in volunteers.words
    assert volunteers.score < best.score


def test_cases_outside_yamagata_are_suggested_and_marked(client, prefecture_user, snow_cases):
    found = similar_to_initiative(prefecture_user, snow_cases["plough"])
    assert titles(found)[0] == "豪雪地帯の除雪共同化（新潟県の事例）"
    assert "除雪車の共同運行" not in titles(found)  # never itself
    client.force_login(prefecture_user)
    page = client.get(snow_cases["plough"].get_absolute_url()).content.decode()
    assert "ほかの地域の類似事例" in page and "同じ分野（防災）" in page
    assert "県外（新潟県）" in page
    assert "同じ連携手法と分野の取組み" not in page


def test_a_word_of_the_synonym_dictionary_finds_its_group(prefecture_user, initiative_factory):
    case = initiative_factory("情報システムの共同化", summary="基幹系の情報システムを共同で運用。",
                              fields=("行財政",))
    initiative_factory("観光協議会", summary="広域の観光振興。", fields=("観光",))
    similarity.index_initiatives(Initiative.objects.values_list("pk", flat=True))
    found = similar_to_need(prefecture_user, Need(text="ICTの共同調達を進めたい"))
    assert titles(found)[0] == case.title
    assert "情報システム" in found[0].words


def test_suggestions_are_only_what_the_viewer_may_see(prefecture_user, municipal_user,
                                                      other_municipal_user, initiative_factory):
    published = initiative_factory("デマンド交通の実証運行", fields=("交通",), codes=("062022",))
    proposal = initiative_factory("デマンド交通の共同運行の検討", fields=("交通",),
                                  codes=(OTHER_CODE,), published=False)
    similarity.index_initiatives([published.pk, proposal.pk])
    need = Need(text="デマンド交通の運行を検討したい", field_names=["交通"])
    assert set(titles(similar_to_need(prefecture_user, need))) == {published.title,
                                                                   proposal.title}
    assert titles(similar_to_need(municipal_user, need)) == [published.title]
    assert set(titles(similar_to_need(other_municipal_user, need))) == {published.title,
                                                                        proposal.title}
    assert proposal.title not in titles(similar_to_initiative(municipal_user, published))


def test_a_municipality_is_offered_cases_it_does_not_take_part_in(prefecture_user, snow_cases):
    okura = Municipality.objects.get(lg_code=OTHER_CODE)
    need = Need(text="除雪の共同化", field_names=["防災"])
    assert titles(similar_to_need(prefecture_user, need, exclude_municipality=okura)) == [
        "豪雪地帯の除雪共同化（新潟県の事例）"]


def test_the_index_task_is_idempotent_and_follows_changes(initiative_factory):
    case = initiative_factory("除雪車の共同運行", fields=("防災",))
    other = initiative_factory("観光協議会", fields=("観光",), methods=("協議会",))
    assert index_initiatives.apply(args=[[case.pk, other.pk]]).get() == 2
    rows = set(SimilarityGram.objects.values_list("initiative_id", "gram", "weight"))
    disaster = PolicyField.objects.get(name="防災")
    assert {gram for pk, gram, _w in rows if pk == case.pk} >= {"除雪", f"f:{disaster.pk}"}
    index_initiatives.apply(args=[[case.pk, other.pk]]).get()
    assert set(SimilarityGram.objects.values_list("initiative_id", "gram", "weight")) == rows
    assert SimilarityTerm.objects.get(gram=f"f:{disaster.pk}").documents == 1

    case.policy_fields.set(PolicyField.objects.filter(name="観光"))
    index_initiatives.apply(args=[[case.pk]]).get()
    grams = set(SimilarityGram.objects.filter(initiative=case).values_list("gram", flat=True))
    assert f"f:{PolicyField.objects.get(name='観光').pk}" in grams
    assert f"f:{PolicyField.objects.get(name='防災').pk}" not in grams
    assert SimilarityTerm.objects.get(gram=f"f:{disaster.pk}").documents == 0

    gone = other.pk
    other.delete()
    assert index_initiatives.apply(args=[[gone]]).get() == 0
    assert not SimilarityGram.objects.filter(initiative_id=gone).exists()


@pytest.fixture
def tasks_through_the_outbox():
    from portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def test_a_change_queues_one_index_task_after_commit(initiative_factory, tasks_through_the_outbox,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = initiative_factory("除雪車の共同運行", fields=("防災",))
        case.methods.set([])
    queued = OutboxTask.objects.filter(task="collaboration.tasks.index_initiatives")
    assert [row.args for row in queued] == [[[case.pk]]]


def test_a_change_is_indexed_in_process_without_a_broker(initiative_factory, tasks_in_process,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = initiative_factory("除雪車の共同運行", fields=("防災",))
    assert SimilarityGram.objects.filter(initiative=case, gram="除雪").exists()


def answered_survey(code, **answers):
    survey = make_survey()
    fields, _staff, _number, text = keys(survey)
    SurveyResponse.objects.create(
        survey=survey, municipality=Municipality.objects.get(lg_code=code),
        status=SurveyResponse.Status.SUBMITTED, submitted_at=timezone.now(),
        answers={fields: answers.get("fields", []), text: answers.get("text", "")})
    return survey


def test_a_municipalitys_page_offers_candidates_for_its_needs(
        client, prefecture_user, municipal_user, other_municipal_user, snow_cases):
    answered_survey(HOME_CODE, fields=["防災"], text="冬の除雪を近隣と共同で行いたい")
    url = reverse("municipality_detail", args=[HOME_CODE])
    for user in (prefecture_user, municipal_user):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "横展開の候補" in page
        assert "除雪車の共同運行" in page and "同じ分野（防災）" in page
        assert "観光協議会" not in page
    client.force_login(other_municipal_user)  # may not see 山形市's answer
    assert "横展開の候補" not in client.get(url).content.decode()


def test_a_cached_candidates_section_tells_a_proposer_from_a_colleague(
        client, municipal_user, initiative_factory, settings):
    settings.PAGE_CACHE = True
    answered_survey(HOME_CODE, fields=["交通"], text="デマンド交通の運行を検討したい")
    proposer = UserFactory(organisation=municipality_org(HOME_CODE), username="proposer")
    proposal = initiative_factory("デマンド交通の共同運行の検討", fields=("交通",), codes=(),
                                  published=False, proposed_by=proposer)
    published = initiative_factory("デマンド交通の実証運行", fields=("交通",), codes=("062022",))
    similarity.index_initiatives([proposal.pk, published.pk])
    url = reverse("municipality_detail", args=[HOME_CODE])
    client.force_login(municipal_user)
    page = client.get(url).content.decode()
    assert published.title in page and proposal.title not in page
    client.force_login(proposer)
    page = client.get(url).content.decode()
    assert published.title in page and proposal.title in page
    client.force_login(municipal_user)
    assert proposal.title not in client.get(url).content.decode()


def test_survey_results_show_similar_cases_beside_shared_needs(client, prefecture_user,
                                                               snow_cases):
    survey = make_survey()
    fields, _staff, _number, text = keys(survey)
    for code in ("062014", "062022", "064611"):
        SurveyResponse.objects.create(
            survey=survey, municipality=Municipality.objects.get(lg_code=code),
            status=SurveyResponse.Status.SUBMITTED, submitted_at=timezone.now(),
            answers={fields: ["防災", "福祉"], text: "除雪の担い手が足りない"})
    client.force_login(prefecture_user)
    page = client.get(reverse("survey_results", args=[survey.pk])).content.decode()
    shared = page[page.index('id="shared-title"'):page.index("</section>",
                                                             page.index('id="shared-title"'))]
    assert "「防災」の類似事例" in shared and "「福祉」の類似事例" in shared
    needs = {part.split("</strong>")[0]: part for part in shared.split("<li><strong>")[1:]}
    assert "除雪車の共同運行" in needs["防災"] and "除雪ボランティアの育成" in needs["福祉"]
    assert "観光協議会" not in shared


def test_precision_at_5_on_hand_labelled_needs(prefecture_user, capsys):
    """The labelled needs (tests/collaboration/data/similar_cases.json) against the demo data:
    the share of each need's relevant cases (up to five) found among its first five."""
    from devtools.demo.collaboration import create_demo_initiatives

    create_demo_initiatives()
    similarity.rebuild_index()
    labelled = json.loads(LABELLED.read_text(encoding="utf-8"))["needs"]
    assert sum(len(need["relevant"]) for need in labelled) >= 30
    known = set(Initiative.objects.values_list("title", flat=True))
    precisions, strict = [], []
    for need in labelled:
        assert set(need["relevant"]) <= known, need["relevant"]
        found = titles(similar_to_need(prefecture_user, Need(
            text=need["text"], field_names=need["fields"], method_names=need["methods"]),
            limit=5))
        hits = len(set(found) & set(need["relevant"]))
        precisions.append(hits / min(5, len(need["relevant"])))
        strict.append(hits / 5)
    precision = sum(precisions) / len(precisions)
    with capsys.disabled():
        print(f"\nsimilar cases: precision@5 {precision:.2f} (relevant cases up to five), "
              f"{sum(strict) / len(strict):.2f} (of five), {len(labelled)} needs, "
              f"{sum(len(n['relevant']) for n in labelled)} labelled pairs")
    assert precision >= PRECISION_TARGET


ON_SQLITE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_reference_data", verbosity=0)
from devtools.demo.collaboration import create_demo_initiatives
from devtools.demo.portal import create_demo_users
create_demo_users()
create_demo_initiatives()
from django.contrib.auth import get_user_model
from collaboration import similarity
from tests.collaboration.test_similar_cases import labelled_lookups
similarity.rebuild_index()
print(json.dumps(labelled_lookups(get_user_model().objects.get(username="demo-pref"))))
"""


def labelled_lookups(user) -> list:
    """The labelled needs looked up together (as a survey's are) and the first ones alone."""
    labelled = json.loads(LABELLED.read_text(encoding="utf-8"))["needs"]
    needs = [Need(text=need["text"], field_names=need["fields"], method_names=need["methods"])
             for need in labelled]
    return [[(s.initiative.title, round(s.score, 9), s.words) for s in found]
            for found in [*similarity.similar_to_needs(user, needs),
                          *(similar_to_need(user, need) for need in needs[:4])]]


def test_sqlite_finds_what_postgresql_finds(prefecture_user, tmp_path):
    """``make run`` looks cases up on SQLite, which ranks candidates with a query of its own."""
    from devtools.demo.collaboration import create_demo_initiatives
    from tests.portal.test_settings import run_settings

    if connection.vendor != "postgresql":
        pytest.skip("compares SQLite with PostgreSQL")
    create_demo_initiatives()
    similarity.rebuild_index()
    expected = json.loads(json.dumps(labelled_lookups(prefecture_user)))
    result = run_settings(tmp_path, code=ON_SQLITE, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(expected) and found == expected


def test_a_viewer_who_may_not_see_the_best_candidates_gets_the_next_ones(
        municipal_user, initiative_factory):
    hidden = [initiative_factory(f"デマンド交通の共同運行の検討{n}", fields=("交通",),
                                 codes=(OTHER_CODE,), published=False,
                                 summary="デマンド交通の共同運行を検討する。")
              for n in range(8)]
    seen = initiative_factory("デマンド交通の実証", fields=("交通",), codes=("062022",),
                              summary="交通の実証運行。")
    similarity.index_initiatives([case.pk for case in [*hidden, seen]])
    need = Need(text="デマンド交通の共同運行を検討したい", field_names=["交通"])
    assert titles(similar_to_need(municipal_user, need, limit=1)) == [seen.title]


def _straightforward_cosine(need_counts):
    """The need's cosine with every indexed initiative, from the stored rows alone."""
    import math
    from collections import Counter

    rows = list(SimilarityGram.objects.values_list("initiative_id", "gram", "weight"))
    df = Counter(gram for _pk, gram, _weight in rows)
    total = Initiative.objects.count()
    weights = {term: (1 + math.log(n)) * (math.log((1 + total) / (1 + df[term])) + 1)
               for term, n in need_counts.items()}  # a term nobody has still counts
    length = math.sqrt(sum(w * w for w in weights.values()))
    scores = Counter()
    for pk, gram, weight in rows:
        if gram in weights:
            scores[pk] += weight * weights[gram] / length
    return scores


def test_scores_of_a_combined_lookup_are_the_cosine_of_the_stored_rows(prefecture_user,
                                                                       snow_cases):
    needs = [Need(text="冬の除雪体制を近隣の町と共同で整えたい。", field_names=["防災"],
                  method_names=["事務や施設等の共同化"]),
             Need(title="観光", text="広域で観光の振興に取り組みたい", method_names=["協議会"]),
             Need(text="除雪の担い手を育てる研修をしたい", field_names=["福祉"])]
    combined = similarity.similar_to_needs(prefecture_user, needs)
    from collaboration.models import Method
    from collaboration.synonyms import dictionary

    for need, found in zip(needs, combined, strict=True):
        assert found, need
        framework = ([PolicyField.objects.get(name=name) for name in need.field_names],
                     [Method.objects.get(name=name) for name in need.method_names])
        query = similarity._need_query(need, framework, dictionary())
        exact = _straightforward_cosine(query.counts)
        assert [s.initiative.pk for s in found] == sorted(
            (pk for pk, score in exact.items() if score >= similarity.MIN_SCORE),
            key=lambda pk: (-exact[pk], pk))[:len(found)]
        for suggestion in found:
            assert suggestion.score == pytest.approx(exact[suggestion.initiative.pk], abs=1e-12)
        # One need alone finds the same (the shared query changes nothing on small data).
        alone = similar_to_need(prefecture_user, need)
        assert [(s.initiative.pk, s.words) for s in alone] == [
            (s.initiative.pk, s.words) for s in found]
        assert [s.score for s in alone] == pytest.approx([s.score for s in found], abs=1e-12)


def test_character_pairs_are_counted_as_each_word_gives_them():
    from collections import Counter

    text = "デマンド交通の共同運行、デマンド交通　ＩＣＴ活用\n共同運行 ab ab abc\n" * 3 + "ｄｘ"
    expected = Counter()
    for _written, word in similarity._runs(text):
        expected.update(word[i:i + 2] for i in range(len(word) - 1))
    counted = similarity.text_pairs(text)
    assert counted == expected and list(counted) == list(expected)  # same order of first use


def test_the_cases_listed_are_shown_without_a_further_query(prefecture_user, snow_cases,
                                                             django_assert_num_queries):
    from django.template.loader import render_to_string

    found = similar_to_need(prefecture_user, Need(text="除雪の共同化", field_names=["防災"]))
    outside = next(s for s in found if s.initiative.is_outside)
    with django_assert_num_queries(0):  # the lookup loads only what the list shows
        html = render_to_string("collaboration/_similar_cases.html", {"suggestions": found})
    assert outside.initiative.title in html and outside.initiative.category.label in html
    assert outside.initiative.get_absolute_url() in html


def test_a_need_is_normalised_as_search_text_is():
    from collaboration.search import normalize

    # Read a line at a time: lines repeated, empty, or starting with a mark that would join
    # the character before it (ﾞ, a combining accent) if new lines did not keep them apart.
    lines = ["デマンド交通　ＩＣＴ\n活用", "  ｶﾀｶﾅ と ひらがな ", "", "ヴァ ヵヶ Ⅻ ①",
             "ﾊﾞｽ\nﾞの運行\n\n\u0301e ΑΣ\nΣ", "カ\n\u3099\n カ\n\u3099 "]
    for text in [*lines, "\n".join(lines * 3)]:
        assert similarity._normalised(text) == normalize(text)
