"""What one autosave costs the database: its query budget, the one UPDATE checked against the
version read, and the session row written at most once a minute."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys import services
from surveys.models import Question, SurveyResponse
from tests.factories import UserFactory, municipality_org
from tests.surveys.conftest import keys
from tests.surveys.test_merging import form, loaded, save
from tests.test_query_budgets import without_tokens

pytestmark = pytest.mark.django_db

# Session, user, the answer with the permission to change it, the UPDATE
# (which also lets its commit go without waiting for the disk), as the server's X-Query-Count
# counts them; the questionnaire is the one the previous autosave read.
DRAFT_SAVE_QUERIES = 4
ASYNC_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) = 'off'"
TRANSACTION = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def _saved_once(client, survey, user, question: str, value: str) -> dict:
    """Signs ``user`` in and autosaves ``value`` once: the page's state after that save."""
    client.force_login(user)
    first = save(client, survey, form(survey, loaded(client, survey), **{question: value}))
    assert first.status_code == 200
    return {"version": first.json()["version"], "base": json.dumps(first.json()["base"])}


def test_an_autosave_keeps_its_query_budget_and_writes_one_update(client, survey,
                                                                  municipal_user):
    _fields, _staff, number, text = keys(survey)
    state = _saved_once(client, survey, municipal_user, text, "一回目")
    data = form(survey, state, **{text: "二回目", number: "3"})
    with CaptureQueriesContext(connection) as queries:
        second = save(client, survey, data)
    assert second.status_code == 200 and second.json()["version"] == 2
    sql = [query["sql"] for query in queries.captured_queries
           if not query["sql"].startswith(TRANSACTION)]
    assert len(sql) <= DRAFT_SAVE_QUERIES, [line[:90] for line in sql]
    writes = [line for line in sql if line.startswith(("UPDATE", "INSERT", "DELETE"))]
    assert len(writes) == 1 and writes[0].startswith('UPDATE "surveys_surveyresponse"'), writes
    assert not any("FOR UPDATE" in line for line in sql)
    assert ASYNC_COMMIT in writes[0]  # a keystroke's save only
    stored = SurveyResponse.objects.get(survey=survey)
    assert stored.answers[text] == "二回目" and stored.answers[number] == "3"
    assert stored.question_meta[text]["version"] == 2 and stored.updated_by == municipal_user


def test_the_save_draft_button_waits_for_the_disk(client, survey, municipal_user):
    _fields, _staff, _number, text = keys(survey)
    client.force_login(municipal_user)
    data = form(survey, loaded(client, survey), **{text: "下書き"})
    with CaptureQueriesContext(connection) as queries:
        assert save(client, survey, data, autosave=False).status_code == 302
    assert not any("synchronous_commit" in query["sql"] for query in queries.captured_queries)
    assert SurveyResponse.objects.get(survey=survey).answers[text] == "下書き"


@pytest.mark.django_db(transaction=True)
def test_an_autosave_is_one_statement_whose_setting_ends_with_it(reference_data, client,
                                                                 survey, municipal_user):
    """Outside any transaction block, as under the server: the write is the UPDATE alone (no
    BEGIN, SET LOCAL, COMMIT) and the next save on the connection waits for the disk again."""
    _fields, _staff, _number, text = keys(survey)
    client.force_login(municipal_user)
    data = form(survey, loaded(client, survey), **{text: "一回目"})
    assert save(client, survey, data).status_code == 200
    data = form(survey, loaded(client, survey), **{text: "二回目"})
    with CaptureQueriesContext(connection) as queries:
        assert save(client, survey, data).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [line for line in sql if line.startswith(TRANSACTION)], sql
    assert [line for line in sql if line.startswith("UPDATE") and ASYNC_COMMIT in line]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert SurveyResponse.objects.get(survey=survey).answers[text] == "二回目"


def test_a_write_from_a_stale_read_is_refused_and_the_save_reads_again(survey, municipal_user):
    """Two saves read the same version; the second to write must not overwrite the first."""
    colleague = UserFactory(organisation=municipality_org("062014"), username="colleague")
    municipality = municipal_user.scope_municipality
    _fields, _staff, number, text = keys(survey)
    services.draft_save(actor=municipal_user, survey=survey, municipality=municipality,
                        answers={text: "最初"}, base_version=0)
    stale = SurveyResponse.objects.get(survey=survey)
    services.draft_save(actor=colleague, survey=survey, municipality=municipality,
                        answers={text: "最初", number: "7"}, base_version=1)
    stale.answers = {text: "上書き"}
    stale.version += 1
    assert not services._write_if_unchanged(stale, 1, municipal_user, municipality)
    stored = SurveyResponse.objects.get(survey=survey)
    assert stored.answers == {text: "最初", number: "7"} and stored.version == 2
    # The same save made afresh merges against what is stored now: both changes are kept.
    merged = services.draft_save(actor=municipal_user, survey=survey, municipality=municipality,
                                 answers={text: "上書き"}, base_version=1)
    assert [question.pk for question in merged.applied] == [int(text[1:])]
    stored.refresh_from_db()
    assert stored.answers == {text: "上書き", number: "7"} and stored.version == 3


def test_autosaves_write_the_session_row_once_a_minute(client, survey, municipal_user):
    _fields, _staff, _number, text = keys(survey)
    client.force_login(municipal_user)
    state = loaded(client, survey)  # the page's load keeps the session alive
    data = form(survey, state, **{text: "入力"})
    with CaptureQueriesContext(connection) as queries:
        assert save(client, survey, data).status_code == 200
    assert not [q for q in queries.captured_queries if 'UPDATE "django_session"' in q["sql"]]
    session = client.session
    session["answering_at"] -= 61  # a minute later
    session.save()
    with CaptureQueriesContext(connection) as queries:
        save(client, survey, data)
    assert [q for q in queries.captured_queries if 'UPDATE "django_session"' in q["sql"]]
    assert client.session.get_expiry_age() > 0


def test_an_outsider_municipality_cannot_save_a_draft(client, other_municipal_user):
    from tests.surveys.conftest import make_survey

    only_yamagata = make_survey(codes=["062014"])
    client.force_login(other_municipal_user)
    response = client.post(reverse("survey_answer", args=[only_yamagata.pk]),
                           {"version": 0, "base": "{}"}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 404
    assert not SurveyResponse.objects.filter(survey=only_yamagata).exists()


def test_only_a_begun_answer_changes_the_status_board(client, survey, municipal_user,
                                                     prefecture_user):
    """The board shows a draft only as begun: later saves keep its page, not the answers'."""
    from django.core.cache import cache

    from portal.lib import caching

    def versions():
        return {topic: cache.get(f"topic:{topic}") for topic in ("survey-states",
                                                                  "survey-answers")}

    municipality = municipal_user.scope_municipality
    _fields, _staff, number, text = keys(survey)
    caching.remember("probe", ("survey-states", "survey-answers"), (), lambda: 0)
    before = versions()
    services.draft_save(actor=municipal_user, survey=survey, municipality=municipality,
                        answers={text: "始めた"}, base_version=0)
    begun = versions()
    assert begun["survey-states"] != before["survey-states"]
    client.force_login(prefecture_user)
    board = reverse("survey_status", args=[survey.pk])
    shown = without_tokens(client.get(board))
    services.draft_save(actor=municipal_user, survey=survey, municipality=municipality,
                        answers={text: "続き", number: "2"}, base_version=1)
    after = versions()
    assert after["survey-states"] == begun["survey-states"]
    assert after["survey-answers"] != begun["survey-answers"]  # its own answers page shows it
    assert without_tokens(client.get(board)) == shown
    services.submit(actor=municipal_user, survey=survey, municipality=municipality,
                    answers={**SurveyResponse.objects.get(survey=survey).answers,
                             keys(survey)[0]: ["水道"], keys(survey)[1]: "足りている"},
                    base_version=2)
    assert "35団体中 1団体 提出済み" in client.get(board).content.decode()


def test_the_kept_questionnaire_is_the_one_read_afresh(survey):
    def fields(questions):
        return [(question.pk, question.section_id, question.section.title, question.kind,
                 question.text, question.order, question.choices, question.allow_other,
                 question.condition_question_id) for question in questions]

    read = fields(services.questions_of(survey))
    assert fields(services.questionnaire(survey)) == read
    assert fields(services.questionnaire(survey)) == read  # kept, and still the same


def test_an_autosave_takes_in_a_question_added_since_the_last_one(client, survey,
                                                                 municipal_user):
    _fields, _staff, _number, text = keys(survey)
    state = _saved_once(client, survey, municipal_user, text, "前")
    data = form(survey, state, **{text: "前"})
    section = Question.objects.get(pk=int(text[1:])).section
    added = Question.objects.create(section=section, order=5, kind=Question.Kind.SHORT_TEXT,
                                    text="担当者")
    second = save(client, survey, {**data, f"q{added.pk}": "山形"})
    assert second.status_code == 200 and f"q{added.pk}" in second.json()["base"]
    assert SurveyResponse.objects.get(survey=survey).answers[f"q{added.pk}"] == "山形"


def test_an_autosave_reads_its_answer_with_the_permission_and_the_survey_when_used(
        survey, municipal_user, other_municipal_user):
    from surveys.models import Survey

    assert services.own_answer(municipal_user, survey.pk) is None  # not begun: the usual way
    services.draft_save(actor=municipal_user, survey=survey,
                        municipality=municipal_user.scope_municipality,
                        answers={keys(survey)[3]: "始めた"}, base_version=0)
    read = services.own_answer(municipal_user, survey.pk)
    assert read.pk == SurveyResponse.objects.get(survey=survey).pk and read.version == 1
    assert read.survey.title == survey.title and read.survey.deadline == survey.deadline
    assert services.own_answer(other_municipal_user, survey.pk) is None  # another's answer
    Survey.objects.filter(pk=survey.pk).update(finalised_at=survey.deadline)
    assert services.own_answer(municipal_user, survey.pk) is None  # no longer answerable
