import datetime

import pytest
from django.urls import reverse

from portal.models import Municipality
from surveys.models import Question, Section, Survey, SurveyResponse
from tests.surveys.conftest import keys, make_survey

pytestmark = pytest.mark.django_db
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def settings_data(**overrides):
    data = {
        "survey-title": "令和9年度 連携課題・ニーズ調査", "survey-fiscal_year": "2027",
        "survey-description": "連携の課題を伺います。",
        "survey-opens_at": "2027-06-01T09:00", "survey-deadline": "2027-06-30T17:00",
        "survey-target_mode": "all",
        "plan-TOTAL_FORMS": "3", "plan-INITIAL_FORMS": "0", "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "10",
        "plan-0-days": "-7", "plan-1-days": "2", "plan-1-copy_liaison": "on", "plan-2-days": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_blank_survey_asks_all_35_with_dates_in_japan_time(client, prefecture_user):
    client.force_login(prefecture_user)
    assert "新しい調査を作成" in client.get(reverse("survey_list")).content.decode()
    response = client.post(reverse("survey_create"), settings_data())
    survey = Survey.objects.get()
    assert response.url == reverse("survey_questions", args=[survey.pk])
    assert survey.municipalities.count() == 35
    assert survey.deadline == datetime.datetime(2027, 6, 30, 17, 0, tzinfo=TOKYO)
    assert survey.opens_at == datetime.datetime(2027, 6, 1, 9, 0, tzinfo=TOKYO)
    assert survey.description == "連携の課題を伺います。"
    assert survey.reminder_plan == [-7, 2]
    assert survey.reminder_copies == [2]  # the liaison room is copied on the step ticked only
    assert not survey.copies_liaison(-7) and survey.copies_liaison(2)


def test_targets_are_chosen_by_region_and_kind_or_one_by_one(client, prefecture_user):
    client.force_login(prefecture_user)
    murayama = Municipality.objects.get(lg_code="062014").region
    client.post(reverse("survey_create"), settings_data(**{
        "survey-target_mode": "filter", "survey-regions": [murayama.pk],
        "survey-kinds": ["town"]}))
    survey = Survey.objects.get()
    chosen = set(survey.municipalities.values_list("pk", flat=True))
    assert chosen == set(Municipality.objects.filter(region=murayama, kind="town")
                         .values_list("pk", flat=True))
    assert chosen  # 村山 has towns
    two = list(Municipality.objects.filter(lg_code__in=["062014", "063657"]))
    client.post(reverse("survey_edit", args=[survey.pk]), settings_data(**{
        "survey-target_mode": "each", "survey-targets": [m.pk for m in two],
        "plan-INITIAL_FORMS": "2"}))
    assert set(survey.municipalities.all()) == set(two)
    page = client.get(reverse("survey_edit", args=[survey.pk])).content.decode()
    assert page.count("checked") >= 2 and 'value="2027-06-30T17:00"' in page


def test_bad_settings_are_explained_and_nothing_is_saved(client, prefecture_user):
    client.force_login(prefecture_user)
    response = client.post(reverse("survey_create"), settings_data(**{
        "survey-deadline": "2027-05-01T17:00", "plan-0-days": "90",
        "survey-target_mode": "each"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "締切は開始より後" in page
    assert "1 つ以上の市町村" in page
    assert Survey.objects.count() == 0


def test_last_years_survey_is_copied_with_its_questions(client, prefecture_user):
    client.force_login(prefecture_user)
    last = make_survey()
    Survey.objects.filter(pk=last.pk).update(reminder_copies=[-1])
    response = client.post(reverse("survey_create"), {"copy": "1", "source": last.pk})
    copy = Survey.objects.exclude(pk=last.pk).get()
    assert response.url == reverse("survey_edit", args=[copy.pk])
    assert copy.fiscal_year == last.fiscal_year + 1 and copy.copied_from == last
    assert copy.reminder_copies == [-1]
    assert Question.objects.filter(section__survey=copy).count() == 4
    assert client.post(reverse("survey_create"), {"copy": "1", "source": "x"}).status_code == 400


def test_sections_and_questions_are_added_edited_moved_and_removed(client, prefecture_user):
    client.force_login(prefecture_user)
    survey = make_survey()
    url = reverse("survey_questions", args=[survey.pk])
    client.post(url, {"section-title": "体制"})
    section = survey.sections.get(title="体制")
    assert section.order == 2
    add = reverse("survey_question_add", args=[survey.pk, section.pk])
    response = client.post(add, {"kind": "multiple", "text": "共同化したい事務",
                                 "choices_text": "税\n\n 介護 \n税\n", "allow_other": "on",
                                 "required": "on"})
    first = section.questions.get()
    assert response.url == reverse("survey_questions", args=[survey.pk]) + \
        f"#question-{first.pk}"
    assert first.choices == ["税", "介護"] and first.allow_other and first.required
    client.post(add, {"kind": "number", "text": "職員数", "unit": "人", "minimum": "0",
                      "maximum": "500"})
    second = section.questions.get(text="職員数")
    assert [q.text for q in section.questions.all()] == ["共同化したい事務", "職員数"]

    move = reverse("survey_move", args=[survey.pk])
    response = client.post(move, {"item": f"question-{second.pk}", "direction": "up"})
    assert [q.text for q in section.questions.all()] == ["職員数", "共同化したい事務"]
    page = client.get(response.url).content.decode()
    # The pressed button keeps the focus; at the top it passes to the other one.
    assert f'name="item" value="question-{second.pk}">' in page
    assert page.count("autofocus") == 1
    client.post(move, {"item": f"section-{section.pk}", "direction": "up"})
    assert list(survey.sections.values_list("title", flat=True)) == ["体制", "課題"]
    assert client.post(move, {"item": "section-x", "direction": "up"}).status_code == 400

    page = client.get(url).content.decode()
    assert "職員数" in page and "その他" in page  # the preview shows the question as asked
    edit = reverse("survey_question_edit", args=[survey.pk, second.pk])
    client.post(edit, {"kind": "number", "text": "専門職員数", "unit": "人"})
    second.refresh_from_db()
    assert second.text == "専門職員数"
    response = client.post(edit, {"kind": "single", "text": "専門職員数"})
    assert response.status_code == 400 and "選択肢が必要" in response.content.decode()

    client.post(reverse("survey_question_delete", args=[survey.pk, second.pk]))
    assert not Question.objects.filter(pk=second.pk).exists()
    client.post(reverse("survey_section_delete", args=[survey.pk, section.pk]))
    assert not Section.objects.filter(pk=section.pk).exists()


def test_once_answered_the_type_and_picked_choices_stay(client, prefecture_user):
    client.force_login(prefecture_user)
    survey = make_survey()
    _fields, staff, number, _text = keys(survey)
    SurveyResponse.objects.create(survey=survey, municipality=Municipality.objects.first(),
                                  answers={staff: "不足している", number: "3"})
    question = Question.objects.get(pk=int(staff[1:]))
    page = client.get(reverse("survey_questions", args=[survey.pk])).content.decode()
    assert "回答が始まっています" in page
    edit = reverse("survey_question_edit", args=[survey.pk, question.pk])
    response = client.post(edit, {"kind": "multiple", "text": question.text,
                                  "choices_text": "足りている\n不足している"})
    assert response.status_code == 400 and "形式を変える" in response.content.decode()
    response = client.post(edit, {"kind": "single", "text": question.text,
                                  "choices_text": "足りている"})
    assert response.status_code == 400 and "不足している" in response.content.decode()
    question.refresh_from_db()
    assert question.choices == ["足りている", "不足している"]
    # Wording, new choices and dropping a choice nobody picked are fine.
    client.post(edit, {"kind": "single", "text": "専門職員は足りていますか",
                       "choices_text": "不足している\nやや不足"})
    question.refresh_from_db()
    assert question.choices == ["不足している", "やや不足"]

    delete = reverse("survey_question_delete", args=[survey.pk, question.pk])
    response = client.post(delete, follow=True)
    assert Question.objects.filter(pk=question.pk).exists()
    assert "削除できません" in response.content.decode()
    client.post(reverse("survey_section_delete", args=[survey.pk, question.section_id]))
    assert Section.objects.filter(pk=question.section_id).exists()


def test_outsiders_cannot_build(client, municipal_user, branch_user, prefecture_user):
    survey = make_survey()
    question = Question.objects.filter(section__survey=survey).first()
    for outsider in (municipal_user, branch_user):
        client.force_login(outsider)
        assert client.get(reverse("survey_questions", args=[survey.pk])).status_code == 403
        assert client.post(reverse("survey_question_delete", args=[
            survey.pk, question.pk])).status_code == 403
        assert client.post(reverse("survey_send", args=[survey.pk])).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()
    assert "設問を編集" not in client.get(reverse("survey_detail",
                                                args=[survey.pk])).content.decode()
    # Staff reaching another survey's question through this survey's address: not found.
    client.force_login(prefecture_user)
    other = make_survey()
    elsewhere = Question.objects.filter(section__survey=other).first()
    assert client.get(reverse("survey_question_edit", args=[
        survey.pk, elsewhere.pk])).status_code == 404
    assert client.post(reverse("survey_move", args=[survey.pk]), {
        "item": f"question-{elsewhere.pk}", "direction": "up"}).status_code == 404
    detail = client.get(reverse("survey_detail", args=[survey.pk])).content.decode()
    assert "設問を編集" in detail and "回答依頼を送る" in detail



def test_the_admin_form_keeps_the_same_rules():
    from surveys.admin import QuestionForm as AdminQuestionForm

    survey = make_survey()
    _fields, staff, _number, _text = keys(survey)
    SurveyResponse.objects.create(survey=survey, municipality=Municipality.objects.first(),
                                  answers={staff: "不足している"})
    question = Question.objects.get(pk=int(staff[1:]))
    data = {"section": question.section_id, "kind": "single", "text": question.text,
            "order": 2, "choices_text": "足りている"}
    form = AdminQuestionForm(data, instance=question)
    assert not form.is_valid() and "不足している" in str(form.errors)
    form = AdminQuestionForm({**data, "choices_text": "不足している"}, instance=question)
    assert form.is_valid(), form.errors  # a choice nobody picked may go
