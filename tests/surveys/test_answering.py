import re

import pytest
from django.urls import reverse

from portal.models import AuditEntry
from surveys.models import SurveyResponse
from tests.surveys.conftest import keys, make_survey

pytestmark = pytest.mark.django_db


def answer_url(survey):
    return reverse("survey_answer", args=[survey.pk])


def post(client, survey, version, action="save", autosave=False, **answers):
    headers = {"HTTP_X_AUTOSAVE": "1"} if autosave else {}
    return client.post(answer_url(survey), {"version": version, "action": action, **answers},
                       **headers)


def test_a_draft_is_saved_and_shown_again_after_logging_in_again(client, survey,
                                                                 municipal_user):
    fields, staff, number, text = keys(survey)
    client.force_login(municipal_user)
    response = post(client, survey, 0, **{fields: ["水道", "防災"], text: "除雪の共同化を要望"})
    assert response.status_code == 302
    client.logout()
    client.force_login(municipal_user)
    page = client.get(answer_url(survey)).content.decode()
    assert "除雪の共同化を要望" in page
    checked = re.findall(rf'<input type="checkbox" name="{fields}" value="([^"]+)"[^>]*checked',
                         page)
    assert checked == ["防災", "水道"]
    assert 'name="version" value="1"' in page


def test_autosave_answers_with_the_new_version(client, survey, municipal_user):
    _fields, _staff, _number, text = keys(survey)
    client.force_login(municipal_user)
    first = post(client, survey, 0, autosave=True, **{text: "途中まで"})
    assert first.status_code == 200 and first.json()["version"] == 1
    second = post(client, survey, 1, autosave=True, **{text: "途中まで入力した"})
    assert second.json()["version"] == 2
    stored = SurveyResponse.objects.get()
    assert stored.answers[text] == "途中まで入力した" and stored.status == "draft"


def test_a_stale_save_is_refused_and_both_versions_are_shown(client, survey, municipal_user):
    from tests.factories import UserFactory, municipality_org

    colleague = UserFactory(organisation=municipality_org("062014"), username="colleague")
    _fields, _staff, _number, text = keys(survey)
    client.force_login(colleague)
    post(client, survey, 0, **{text: "同僚の入力"})
    client.force_login(municipal_user)
    response = post(client, survey, 0, **{text: "自分の入力"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "自分の入力" in page and "同僚の入力" in page
    assert SurveyResponse.objects.get().answers[text] == "同僚の入力"
    autosave = post(client, survey, 0, autosave=True, **{text: "自分の入力"})
    assert autosave.status_code == 409 and autosave.json()["conflict"] is True


def test_submitting_reports_every_missing_answer_at_once_and_keeps_the_draft(
        client, survey, municipal_user):
    _fields, _staff, number, text = keys(survey)
    client.force_login(municipal_user)
    response = post(client, survey, 0, action="submit", **{number: "abc", text: "要望あり"})
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count('class="field__error"') == 3  # two required ones and the number
    stored = SurveyResponse.objects.get()
    assert stored.status == "draft" and stored.answers[text] == "要望あり"


def test_submitting_twice_yields_one_submission(client, survey, municipal_user):
    fields, staff, _number, _text = keys(survey)
    client.force_login(municipal_user)
    answers = {fields: ["水道"], staff: "不足している"}
    first = post(client, survey, 0, action="submit", **answers)
    again = post(client, survey, 0, action="submit", **answers)  # double click, stale version
    assert first.status_code == again.status_code == 302
    stored = SurveyResponse.objects.get()
    assert stored.status == "submitted" and not stored.is_late and stored.version == 1
    assert AuditEntry.objects.filter(action="submit").count() == 1
    assert post(client, survey, 1, **answers).status_code == 409  # no edits after submitting


def test_other_needs_its_text(client, survey, municipal_user):
    fields, staff, _number, _text = keys(survey)
    client.force_login(municipal_user)
    response = post(client, survey, 0, action="submit", **{fields: ["水道"],
                                                           staff: "__other__"})
    assert response.status_code == 400
    assert "「その他」の内容を入力してください" in response.content.decode()


def test_after_the_deadline_a_submission_is_accepted_and_marked_late(client, municipal_user):
    import datetime

    from django.utils import timezone

    survey = make_survey(opens_at=timezone.now() - datetime.timedelta(days=30),
                         deadline=timezone.now() - datetime.timedelta(days=1))
    fields, staff, _number, _text = keys(survey)
    client.force_login(municipal_user)
    post(client, survey, 0, action="submit", **{fields: ["水道"], staff: "足りている"})
    assert SurveyResponse.objects.get().is_late


def test_staff_return_an_answer_and_the_municipality_submits_again(
        client, survey, municipal_user, prefecture_user):
    fields, staff, _number, _text = keys(survey)
    client.force_login(municipal_user)
    post(client, survey, 0, action="submit", **{fields: ["水道"], staff: "足りている"})
    client.force_login(prefecture_user)
    url = reverse("survey_response", args=[survey.pk, "062014"])
    assert client.post(url, {"comment": ""}).status_code == 200  # a reason is required
    assert client.post(url, {"comment": "人数を確認してください"}).status_code == 302
    client.force_login(municipal_user)
    page = client.get(answer_url(survey)).content.decode()
    assert "差戻しされています" in page and "人数を確認してください" in page
    version = SurveyResponse.objects.get().version
    post(client, survey, version, action="submit", **{fields: ["水道"], staff: "不足している"})
    stored = SurveyResponse.objects.get()
    assert stored.status == "submitted" and stored.answers[staff] == "不足している"
    assert list(AuditEntry.objects.filter(object_id=str(stored.pk),
                                          content_type__model="surveyresponse").order_by("id")
                .values_list("action", flat=True)) == ["submit", "return", "submit"]


def test_nobody_sees_another_municipalitys_draft(client, survey, municipal_user,
                                                 other_municipal_user, prefecture_user,
                                                 branch_user):
    _fields, _staff, _number, text = keys(survey)
    client.force_login(municipal_user)
    post(client, survey, 0, **{text: "内部検討中のメモ"})
    for user in (other_municipal_user, prefecture_user, branch_user):
        client.force_login(user)
        assert client.get(reverse("survey_response", args=[survey.pk, "062014"])
                          ).status_code == 404
        assert "内部検討中のメモ" not in client.get(
            reverse("survey_results", args=[survey.pk])).content.decode()


def test_a_survey_not_open_yet_is_hidden_from_municipalities(client, municipal_user):
    import datetime

    from django.utils import timezone

    later = make_survey(opens_at=timezone.now() + datetime.timedelta(days=3),
                        deadline=timezone.now() + datetime.timedelta(days=20))
    client.force_login(municipal_user)
    assert client.get(answer_url(later)).status_code == 404
    assert later.title not in client.get(reverse("survey_list")).content.decode()


def test_ranking_scale_and_method_questions_validate_their_values(client, survey,
                                                                  municipal_user):
    from surveys.models import Question, Section

    fields, staff, _number, _text = keys(survey)
    section = Section.objects.create(survey=survey, title="優先順位", order=2)
    ranking = Question.objects.create(section=section, kind=Question.Kind.RANKING, order=1,
                                      text="優先したい課題", required=True,
                                      choices=["人材", "財源", "情報"])
    scale = Question.objects.create(section=section, kind=Question.Kind.SCALE, order=2,
                                    text="満足度", required=True)
    methods = Question.objects.create(section=section, kind=Question.Kind.METHODS, order=3,
                                      text="希望する連携手法")
    base = {fields: ["水道"], staff: "足りている"}
    client.force_login(municipal_user)
    response = post(client, survey, 0, action="submit", **base, **{
        f"q{ranking.pk}_r1": "人材", f"q{ranking.pk}_r2": "人材", f"q{scale.pk}": "9",
        f"q{methods.pk}": ["協議会", "存在しない手法"]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "同じ項目は一度だけ選んでください" in page
    assert page.count("正しく選択してください") >= 2  # the scale and the unknown method
    version = SurveyResponse.objects.get().version
    response = post(client, survey, version, action="submit", **base, **{
        f"q{ranking.pk}_r1": "財源", f"q{ranking.pk}_r2": "人材", f"q{scale.pk}": "4",
        f"q{methods.pk}": ["協議会"]})
    assert response.status_code == 302
    assert SurveyResponse.objects.get().answers[f"q{ranking.pk}_r1"] == "財源"


def test_the_error_summary_links_each_choice_group_to_its_first_control(
        client, survey, municipal_user):
    fields, staff, number, _text = keys(survey)
    client.force_login(municipal_user)
    page = post(client, survey, 0, action="submit", **{number: "150"}).content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([^"]*)">', summary)
    assert links == [f"id_{fields}_0", f"id_{staff}_0", f"id_{number}"]
    for target in links:  # each link has a control to land on
        assert re.search(rf'<input [^>]*id="{target}"', page), target


def test_an_integer_range_is_stated_without_decimals(client, survey, municipal_user):
    _fields, _staff, number, _text = keys(survey)
    client.force_login(municipal_user)
    page = post(client, survey, 0, action="submit", **{number: "150"}).content.decode()
    assert "100 以下" in page and "100.00" not in page
    low = post(client, survey, 1, action="submit", **{number: "-1"}).content.decode()
    assert "0 以上" in low and "0.00" not in low
