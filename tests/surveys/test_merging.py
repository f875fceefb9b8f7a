"""Two staff of one municipality typing in the same answer: saves merge question by question,
and where both changed the same question, both texts are kept and shown."""

import html
import json
import re

import pytest
from django.urls import reverse

from portal.models import AuditEntry
from surveys.models import SurveyResponse
from tests.factories import UserFactory, municipality_org
from tests.surveys.conftest import keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return UserFactory(organisation=municipality_org("062014"), username="colleague",
                       last_name="山形", first_name="花子")


def answer_url(survey):
    return reverse("survey_answer", args=[survey.pk])


def hidden(page, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else None


def loaded(client, survey):
    """What a page opened now carries: its version and the base of every question."""
    page = client.get(answer_url(survey)).content.decode()
    return {"version": hidden(page, "version"), "base": hidden(page, "base")}


def form(survey, state, **answers):
    """Every field of the form, as a browser posts it: empty where nothing is typed."""
    fields, _staff, number, text = keys(survey)
    return {**state, fields: [], number: "", text: "", **answers}


def save(client, survey, data, autosave=True):
    headers = {"HTTP_X_AUTOSAVE": "1"} if autosave else {}
    return client.post(answer_url(survey), data, **headers)


def test_two_people_changing_different_questions_both_keep_their_answers(
        client, survey, municipal_user, colleague):
    _fields, _staff, number, text = keys(survey)
    client.force_login(colleague)
    theirs = loaded(client, survey)
    client.force_login(municipal_user)
    mine = loaded(client, survey)  # both pages opened before either saved
    client.force_login(colleague)
    assert save(client, survey, form(survey, theirs, **{text: "除雪の共同化"})).status_code == 200
    client.force_login(municipal_user)
    response = save(client, survey, form(survey, mine, **{number: "3"}))
    assert response.status_code == 200
    reply = response.json()
    assert reply["conflict"] is False and reply["version"] == 2
    assert reply["values"] == {text: {text: "除雪の共同化"}}  # the page shows the colleague's
    stored = SurveyResponse.objects.get()
    assert stored.answers[text] == "除雪の共同化" and stored.answers[number] == "3"
    assert stored.question_meta[number]["by"] == municipal_user.pk
    assert stored.question_meta[text]["by"] == colleague.pk


def test_the_same_question_changed_by_both_is_kept_twice_and_the_rest_is_saved(
        client, survey, municipal_user, colleague):
    _fields, _staff, number, text = keys(survey)
    client.force_login(colleague)
    theirs = loaded(client, survey)
    client.force_login(municipal_user)
    mine = loaded(client, survey)
    client.force_login(colleague)
    save(client, survey, form(survey, theirs, **{text: "同僚の文章"}))
    client.force_login(municipal_user)
    response = save(client, survey, form(survey, mine, **{text: "自分の文章", number: "5"}))
    assert response.status_code == 409
    reply = response.json()
    assert reply["conflict"] is True
    [conflict] = reply["conflicts"]
    assert conflict["question"] == text and conflict["values"] == {text: "同僚の文章"}
    assert conflict["by"] == "山形 花子" and conflict["at"].startswith("令和")
    stored = SurveyResponse.objects.get()
    assert stored.answers[text] == "同僚の文章"  # nothing overwritten
    assert stored.answers[number] == "5"  # the other question of the same save applied
    # Keeping one's own after seeing the other: the page resolves against the stored digest.
    base = json.loads(mine["base"]) | {text: conflict["digest"]}
    again = save(client, survey, form(survey, {"version": reply["version"],
                                               "base": json.dumps(base)},
                                      **{text: "自分の文章と同僚の文章", number: "5"}))
    assert again.status_code == 200
    assert SurveyResponse.objects.get().answers[text] == "自分の文章と同僚の文章"


def test_without_javascript_a_conflict_shows_both_and_waits_for_a_choice(
        client, survey, municipal_user, colleague):
    _fields, _staff, number, text = keys(survey)
    client.force_login(colleague)
    theirs = loaded(client, survey)
    client.force_login(municipal_user)
    mine = loaded(client, survey)
    client.force_login(colleague)
    save(client, survey, form(survey, theirs, **{text: "同僚の文章"}), autosave=False)
    client.force_login(municipal_user)
    response = save(client, survey, form(survey, mine, **{text: "自分の文章", number: "7"}),
                    autosave=False)
    page = response.content.decode()
    assert response.status_code == 409
    assert re.search(r"<textarea[^>]*>\s*自分の文章</textarea>", page)  # mine, in the field
    assert "あなたの入力" in page and "保存されている内容" in page and "同僚の文章" in page
    assert "山形 花子" in page
    state = {"version": hidden(page, "version"), "base": hidden(page, "base"),
             "seen": hidden(page, "seen")}
    # Pressing 下書き保存 again does not silently replace the colleague's text.
    plain = save(client, survey, form(survey, state, **{text: "自分の文章", number: "7"}),
                 autosave=False)
    assert plain.status_code == 409
    assert SurveyResponse.objects.get().answers[text] == "同僚の文章"
    kept = save(client, survey, form(survey, state, mine=text, **{text: "自分の文章",
                                                                   number: "7"}),
                autosave=False)
    assert kept.status_code == 302
    stored = SurveyResponse.objects.get()
    assert stored.answers[text] == "自分の文章" and stored.answers[number] == "7"


def test_without_javascript_the_saved_version_can_be_kept(client, survey, municipal_user,
                                                          colleague):
    _fields, _staff, _number, text = keys(survey)
    client.force_login(colleague)
    theirs = loaded(client, survey)
    client.force_login(municipal_user)
    mine = loaded(client, survey)
    client.force_login(colleague)
    save(client, survey, form(survey, theirs, **{text: "同僚の文章"}), autosave=False)
    client.force_login(municipal_user)
    page = save(client, survey, form(survey, mine, **{text: "自分の文章"}),
                autosave=False).content.decode()
    state = {"version": hidden(page, "version"), "base": hidden(page, "base"),
             "seen": hidden(page, "seen")}
    response = save(client, survey, form(survey, state, keep=text, **{text: "自分の文章"}),
                    autosave=False)
    assert response.status_code == 302
    assert SurveyResponse.objects.get().answers[text] == "同僚の文章"
    assert "同僚の文章" in client.get(answer_url(survey)).content.decode()


def test_a_page_behind_a_colleagues_save_is_not_submitted_unseen(
        client, survey, municipal_user, colleague):
    fields, staff, _number, text = keys(survey)
    client.force_login(colleague)
    theirs = loaded(client, survey)
    client.force_login(municipal_user)
    mine = loaded(client, survey)
    client.force_login(colleague)
    save(client, survey, form(survey, theirs, **{text: "同僚が追記した要望"}))
    client.force_login(municipal_user)
    complete = {fields: ["水道"], staff: "足りている"}
    response = save(client, survey, form(survey, mine, action="submit", **complete),
                    autosave=False)
    page = response.content.decode()
    assert response.status_code == 409 and "同僚が追記した要望" in page
    stored = SurveyResponse.objects.get()
    assert stored.status == "draft" and stored.answers[fields] == ["水道"]
    assert stored.answers[text] == "同僚が追記した要望"
    state = {"version": hidden(page, "version"), "base": hidden(page, "base")}
    response = save(client, survey, form(survey, state, action="submit", **complete,
                                         **{text: "同僚が追記した要望"}), autosave=False)
    assert response.status_code == 302
    assert SurveyResponse.objects.get().status == "submitted"
    assert AuditEntry.objects.filter(action="submit").count() == 1


def test_a_broken_base_is_treated_as_an_old_page_not_an_error(client, survey,
                                                              municipal_user):
    _fields, _staff, _number, text = keys(survey)
    client.force_login(municipal_user)
    for base in ("{", "[1, 2]", "null", "x" * 5000):
        response = save(client, survey, form(survey, {"version": 0, "base": base},
                                             **{text: "途中"}))
        assert response.status_code in (200, 409)
    assert SurveyResponse.objects.get().answers[text] == "途中"
