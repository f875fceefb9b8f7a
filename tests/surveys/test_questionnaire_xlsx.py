"""The questionnaire to and from Excel: the template, a good sheet, a bad one, a round trip."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys import questionnaire_xlsx
from surveys.models import Question, Section, SurveyResponse
from tests.surveys.conftest import make_survey
from tests.surveys.test_question_kinds import build

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, survey, content, name="questions.xlsx"):
    return client.post(reverse("survey_questionnaire_import", args=[survey.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def sheet_bytes(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shape(survey):
    """Everything the sheet carries, comparable across surveys."""
    questions = list(Question.objects.filter(section__survey=survey).select_related("section"))
    text = {q.pk: q.text for q in questions}
    return [(s.title, text.get(s.condition_question_id), s.condition_values)
            for s in survey.sections.all()], [
        (q.section.title, q.kind, q.text, q.help_text, q.required, q.choices, q.allow_other,
         q.rows, q.max_length, q.unit, q.minimum, q.maximum, text.get(q.condition_question_id),
         q.condition_values) for q in questions]


@pytest.fixture
def staff(client, prefecture_user):
    client.force_login(prefecture_user)
    return client


def test_an_exported_questionnaire_imports_back_to_the_same_questionnaire(staff):
    source = make_survey()
    build(source)
    Section.objects.create(survey=source, title="空の節", order=9)
    exported = staff.get(reverse("survey_questionnaire_export", args=[source.pk]))
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX
    target = make_survey()
    response = upload(staff, target, exported.content)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert shape(target) == shape(source)
    # Exported again, the sheet is the same, cell for cell.
    assert questionnaire_xlsx.questionnaire_rows(target) == \
        questionnaire_xlsx.questionnaire_rows(source)


def test_the_template_imports_as_it_is(staff):
    survey = make_survey()
    template = staff.get(reverse("survey_questionnaire_template", args=[survey.pk]))
    assert upload(staff, survey, template.content).status_code == 302
    kinds = list(Question.objects.filter(section__survey=survey).values_list("kind", flat=True))
    assert kinds == ["single", "file", "display", "grid", "long_text", "date"]
    paper = Question.objects.get(section__survey=survey, kind="file")
    assert paper.condition_question.text == "連携協定はありますか"
    assert paper.condition_values == ["はい"]


def test_a_bad_sheet_is_refused_whole_with_the_row_and_column_of_each_problem(staff):
    survey = make_survey()
    before = shape(survey)
    headers = questionnaire_xlsx.HEADERS
    blank = dict.fromkeys(headers, None)

    def row(**cells):
        return [{**blank, **cells}.get(header) for header in headers]

    content = sheet_bytes([headers,
                           row(節="体制", 形式="単一選択", 設問="協定はありますか",
                               **{"選択肢（1行に1つ）": "はい\nいいえ"}),
                           row(節="体制", 形式="なぞの形式", 設問="x"),
                           row(節="体制", 形式="単一選択", 設問="選択肢なし"),
                           row(節="体制", 形式="短文", 設問="一言", 文字数の上限=900),
                           row(節="体制", 形式="日付", 設問="日", 表示条件="問1=たぶん"),
                           row(節="体制", 形式="日付", 設問="日2", 表示条件="問9=はい")])
    response = upload(staff, survey, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "5件の問題" in page
    assert "3行目、C（形式）" in page
    assert "4行目、G（選択肢（1行に1つ））" in page
    assert "5行目、J（文字数の上限）" in page
    assert "6行目、N（表示条件）" in page and "たぶん" in page
    assert "7行目、N（表示条件）" in page
    assert shape(survey) == before  # nothing was imported


def test_a_file_that_is_not_a_workbook_or_a_zip_bomb_is_refused(staff, settings):
    survey = make_survey()
    refused = upload(staff, survey, b"%PDF-1.4 not a sheet")
    assert refused.status_code == 400 and "この種類のファイルは登録できません" in \
        refused.content.decode()
    settings.OFFICE_MAX_UNCOMPRESSED_BYTES = 1024
    big = sheet_bytes([questionnaire_xlsx.HEADERS] + [["節", "長文", "x" * 200]] * 50)
    bomb = upload(staff, survey, big)
    assert bomb.status_code == 400 and "MB" in bomb.content.decode()


def test_a_survey_with_answers_keeps_its_questionnaire(staff, municipal_user):
    survey = make_survey()
    SurveyResponse.objects.create(survey=survey, municipality=municipal_user.scope_municipality)
    template = staff.get(reverse("survey_questionnaire_template", args=[survey.pk]))
    before = shape(survey)
    assert upload(staff, survey, template.content).status_code == 400
    assert shape(survey) == before


def test_only_prefecture_staff_import(client, municipal_user, branch_user):
    survey = make_survey()
    for outsider in (municipal_user, branch_user):
        client.force_login(outsider)
        assert client.get(reverse("survey_questionnaire_import",
                                  args=[survey.pk])).status_code == 403
