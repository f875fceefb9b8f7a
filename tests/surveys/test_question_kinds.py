"""Grid, date, file, display-only and limited text questions, and branching on the server."""

import datetime
import io
import os

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import Attachment
from surveys import results
from surveys.exports import raw_table, xlsx_bytes
from surveys.models import Question, Section, SurveyResponse
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build(survey):
    """問: 連携協定はありますか (はい/いいえ); only for はい: the date, the file and a section."""
    section = Section.objects.create(survey=survey, title="協定", order=2)
    make = Question.objects.create
    has = make(section=section, order=1, kind=Question.Kind.SINGLE, text="連携協定はありますか",
               choices=["はい", "いいえ"], required=True)
    intro = make(section=section, order=2, kind=Question.Kind.DISPLAY, text="以下は協定について")
    when = make(section=section, order=3, kind=Question.Kind.DATE, text="締結日", required=True,
                condition_question=has, condition_values=["はい"])
    paper = make(section=section, order=4, kind=Question.Kind.FILE, text="協定書",
                 required=True, condition_question=has, condition_values=["はい"])
    grid = make(section=section, order=5, kind=Question.Kind.GRID, text="分野ごとの必要性",
                rows=["防災", "水道"], required=True)
    note = make(section=section, order=6, kind=Question.Kind.SHORT_TEXT, text="一言",
                max_length=10)
    later = Section.objects.create(survey=survey, title="協定の効果", order=3,
                                   condition_question=has, condition_values=["はい"])
    effect = make(section=later, order=1, kind=Question.Kind.LONG_TEXT, text="効果",
                  required=True)
    return has, intro, when, paper, grid, note, effect


@pytest.fixture
def built(db):
    survey = make_survey()
    Question.objects.filter(section__survey=survey).update(required=False)
    return survey, build(survey)


def answer(client, survey, version=0, action="save", files=None, autosave=False, **answers):
    headers = {"HTTP_X_AUTOSAVE": "1"} if autosave else {}
    return client.post(reverse("survey_answer", args=[survey.pk]),
                       {"version": version, "action": action, **answers, **(files or {})},
                       **headers)


def test_a_hidden_question_is_never_required_and_its_answer_is_cleared(client, built,
                                                                       municipal_user):
    survey, (has, _intro, when, paper, grid, _note, effect) = built
    client.force_login(municipal_user)
    answer(client, survey, **{f"q{has.pk}": "はい", f"q{when.pk}": "2026-04-01",
                              f"q{effect.pk}": "経費削減"})
    stored = SurveyResponse.objects.get()
    assert stored.answers[f"q{when.pk}"] == "2026-04-01"
    # Answered はい: the date, the file and the section's question are required.
    refused = answer(client, survey, stored.version, "submit",
                     **{f"q{has.pk}": "はい", f"q{when.pk}": "2026-04-01",
                        f"q{grid.pk}_g1": "3", f"q{grid.pk}_g2": "5"})
    assert refused.status_code == 400
    assert SurveyResponse.objects.get().status == "draft"
    # いいえ hides them: never required, and the date and the text stored earlier are cleared.
    stored.refresh_from_db()
    done = answer(client, survey, stored.version, "submit",
                  **{f"q{has.pk}": "いいえ", f"q{when.pk}": "2026-04-01",
                     f"q{effect.pk}": "経費削減", f"q{grid.pk}_g1": "3", f"q{grid.pk}_g2": "5"})
    assert done.status_code == 302
    stored = SurveyResponse.objects.get()
    assert stored.status == "submitted"
    assert f"q{when.pk}" not in stored.answers and f"q{effect.pk}" not in stored.answers
    assert stored.answers[f"q{grid.pk}_g2"] == "5"


def test_autosave_clears_the_answers_a_changed_choice_hides(client, built, municipal_user):
    survey, (has, _intro, when, *_rest, effect) = built
    client.force_login(municipal_user)
    first = answer(client, survey, autosave=True, **{f"q{has.pk}": "はい",
                                                     f"q{when.pk}": "2026-05-01"})
    assert first.status_code == 200
    base = first.json()["base"]
    import json

    second = answer(client, survey, first.json()["version"], autosave=True,
                    base=json.dumps(base), **{f"q{has.pk}": "いいえ",
                                              f"q{when.pk}": "2026-05-01"})
    assert second.status_code == 200
    assert SurveyResponse.objects.get().answers == {f"q{has.pk}": "いいえ"}
    # Shown again, the date typed in the page is stored again.
    third = answer(client, survey, second.json()["version"], autosave=True,
                   base=json.dumps(second.json()["base"]),
                   **{f"q{has.pk}": "はい", f"q{when.pk}": "2026-05-01"})
    assert third.json()["version"] == 3
    assert SurveyResponse.objects.get().answers[f"q{when.pk}"] == "2026-05-01"


def test_results_count_a_question_only_where_it_was_shown(built, prefecture_user):
    survey, (has, _intro, when, _paper, grid, _note, _effect) = built
    from portal.models import Municipality

    codes = list(Municipality.objects.order_by("lg_code").values_list("pk", flat=True)[:3])
    for pk, (choice, day) in zip(codes, [("はい", "2026-04-01"), ("いいえ", "2026-06-01"),
                                         ("いいえ", "")], strict=True):
        SurveyResponse.objects.create(
            survey=survey, municipality_id=pk, status="submitted",
            answers={f"q{has.pk}": choice, f"q{when.pk}": day, f"q{grid.pk}_g1": "4"})
    computed = results.results_for(prefecture_user, survey)
    by_pk = {item.question.pk: item for item in computed["results"]}
    # Stored but hidden, the second municipality's date does not count.
    assert by_pk[when.pk].shown == 1 and by_pk[when.pk].answered == 1
    assert [text for _m, text in by_pk[when.pk].texts] == ["2026/4/1 (令和 8)"] or \
        "令和" in by_pk[when.pk].texts[0][1]
    row, cells, answered = by_pk[grid.pk].grid[0]
    assert row == "防災" and answered == 3 and dict((c, n) for c, n, _p in cells)["4"] == 3
    assert _intro.pk not in by_pk  # display-only text has no result


def test_raw_export_has_a_column_per_grid_row_a_real_date_and_blank_hidden_cells(
        built, prefecture_user):
    survey, (has, intro, when, paper, grid, _note, _effect) = built
    from portal.models import Municipality

    first, second = Municipality.objects.order_by("lg_code")[:2]
    SurveyResponse.objects.create(survey=survey, municipality=first, status="submitted",
                                  answers={f"q{has.pk}": "はい", f"q{when.pk}": "2026-04-01",
                                           f"q{grid.pk}_g1": "4", f"q{grid.pk}_g2": "2"})
    SurveyResponse.objects.create(survey=survey, municipality=second, status="submitted",
                                  answers={f"q{has.pk}": "いいえ", f"q{when.pk}": "2026-06-01"})
    computed = results.results_for(prefecture_user, survey, with_rows=True)
    header, *rows = raw_table(survey, computed["answer_rows"],
                              [item.question for item in computed["results"]])
    assert intro.text not in header
    assert "分野ごとの必要性 — 防災" in header and "協定書 — link" not in header[:3]
    values = dict(zip(header, rows[0], strict=True))
    assert values["締結日"] == datetime.date(2026, 4, 1)
    assert values["分野ごとの必要性 — 防災"] == 4
    assert dict(zip(header, rows[1], strict=True))["締結日"] == ""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(survey, computed,
                                                            with_charts=False)))
    sheet = workbook.worksheets[0]
    dates = [cell.value for cell in sheet[1 + 1] if isinstance(cell.value, datetime.datetime)]
    assert datetime.datetime(2026, 4, 1) in dates


def test_each_kind_is_validated_on_submit(client, built, municipal_user):
    survey, (has, _intro, when, _paper, grid, note, _effect) = built
    client.force_login(municipal_user)
    refused = answer(client, survey, 0, "submit", **{
        f"q{has.pk}": "いいえ", f"q{grid.pk}_g1": "9", f"q{note.pk}": "十一文字を超える長い一言"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "10 文字以下" in page or "10文字" in page  # the planner's limit
    assert page.count('class="field__error"') >= 2  # the grid's bad row and the missing one
    assert 'maxlength="10"' in page and 'data-limit="10"' in page


def test_a_file_answer_is_checked_stored_and_seen_only_by_those_who_see_the_answer(
        client, built, municipal_user, other_municipal_user, prefecture_user, branch_user):
    survey, (has, _intro, when, paper, grid, _note, effect) = built
    client.force_login(municipal_user)
    fake = SimpleUploadedFile("協定書.pdf", b"MZ\x90\x00 not a pdf")
    refused = answer(client, survey, files={f"q{paper.pk}_file": fake}, **{f"q{has.pk}": "はい"})
    assert refused.status_code == 400
    assert "この種類のファイルは登録できません" in refused.content.decode()
    assert SurveyResponse.objects.get().answers == {f"q{has.pk}": "はい"}  # the rest is saved
    upload = SimpleUploadedFile("協定書.pdf", PDF, content_type="application/pdf")
    stored = SurveyResponse.objects.get()
    assert answer(client, survey, stored.version, files={f"q{paper.pk}_file": upload},
                  **{f"q{has.pk}": "はい"}).status_code == 302
    stored.refresh_from_db()
    attachment = Attachment.objects.get()
    assert stored.answers[f"q{paper.pk}"] == str(attachment.pk)
    assert attachment.owner == stored
    url = reverse("file_download", args=[attachment.pk])
    assert client.get(url).status_code == 200
    page = client.get(reverse("survey_answer", args=[survey.pk])).content.decode()
    assert url in page and "協定書.pdf" in page
    # A draft's file: not for the prefecture, the liaison room or another municipality.
    for outsider in (other_municipal_user, prefecture_user, branch_user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    # Someone else's file id typed into the page is not taken.
    client.force_login(other_municipal_user)
    answer(client, survey, **{f"q{has.pk}": "はい", f"q{paper.pk}": str(attachment.pk)})
    theirs = SurveyResponse.objects.exclude(pk=stored.pk).get()
    assert f"q{paper.pk}" not in theirs.answers
    # Submitted, the prefecture sees it.
    SurveyResponse.objects.filter(pk=stored.pk).update(status="submitted")
    client.force_login(prefecture_user)
    assert client.get(url).status_code == 200


def test_the_builder_sets_a_grid_a_limit_and_a_condition(client, built, prefecture_user):
    survey, (has, *_rest) = built
    section = has.section
    client.force_login(prefecture_user)
    url = reverse("survey_question_add", args=[survey.pk, section.pk])
    page = client.get(url).content.decode()
    assert "連携協定はありますか：はい" in page  # an earlier choice question and its options
    response = client.post(url, {"kind": "grid", "text": "満足度", "rows_text": "防災\n水道\n",
                                 "condition": [f"{has.pk}|0"]})
    assert response.status_code == 302, response.content.decode()[:3000]
    grid = Question.objects.get(text="満足度")
    assert grid.rows == ["防災", "水道"] and grid.choices == []
    assert grid.condition_question == has and grid.condition_values == ["はい"]
    bad = client.post(url, {"kind": "short_text", "text": "一言", "max_length": "500"})
    assert bad.status_code == 400
    empty = client.post(url, {"kind": "grid", "text": "行なし"})
    assert empty.status_code == 400
    questions = client.get(reverse("survey_questions", args=[survey.pk])).content.decode()
    assert "「連携協定はありますか」で「はい」" in questions


def test_the_approval_print_lists_only_the_questions_the_answer_was_shown(client, built,
                                                                         municipal_user):
    survey, (has, intro, when, _paper, _grid, _note, _effect) = built
    client.force_login(municipal_user)
    answer(client, survey, **{f"q{has.pk}": "はい", f"q{when.pk}": "2026-04-01"})
    shown = client.get(reverse("survey_answer_print", args=[survey.pk])).content.decode()
    assert when.text in shown and intro.text not in shown  # display text has no answer
    stored = SurveyResponse.objects.get()
    answer(client, survey, stored.version, **{f"q{has.pk}": "いいえ"})
    hidden = client.get(reverse("survey_answer_print", args=[survey.pk])).content.decode()
    assert has.text in hidden and when.text not in hidden


@pytest.fixture
def file_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}
    return tmp_path


def stored_file(client, survey, has, paper, name="協定書.pdf"):
    version = SurveyResponse.objects.filter(survey=survey).values_list("version", flat=True)
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    assert answer(client, survey, version.first() or 0, files={f"q{paper.pk}_file": upload},
                  **{f"q{has.pk}": "はい"}).status_code == 302
    attachment = Attachment.objects.get(name=name)
    return attachment, attachment.file.path


def test_the_answerer_removes_a_stored_file_and_its_bytes_go_once_saved(
        client, built, municipal_user, file_storage, django_capture_on_commit_callbacks):
    survey, (has, _intro, _when, paper, _grid, _note, _effect) = built
    client.force_login(municipal_user)
    attachment, path = stored_file(client, survey, has, paper)
    page = client.get(reverse("survey_answer", args=[survey.pk])).content.decode()
    assert f'name="q{paper.pk}_remove"' in page and "協定書.pdfを保存時に削除する" in page
    stored = SurveyResponse.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        # The page sends the stored id back in its hidden field; the ticked box wins.
        response = answer(client, survey, stored.version, **{
            f"q{has.pk}": "はい", f"q{paper.pk}": str(attachment.pk),
            f"q{paper.pk}_remove": "1"})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert f"q{paper.pk}" not in stored.answers
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)
    page = client.get(reverse("survey_answer", args=[survey.pk])).content.decode()
    assert "協定書.pdf" not in page and f'name="q{paper.pk}_remove"' not in page


def test_a_replaced_or_hidden_file_is_removed_but_not_by_another_municipality(
        client, built, municipal_user, other_municipal_user, file_storage,
        django_capture_on_commit_callbacks):
    survey, (has, _intro, _when, paper, _grid, _note, _effect) = built
    client.force_login(municipal_user)
    first, first_path = stored_file(client, survey, has, paper, "第1版.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        second, second_path = stored_file(client, survey, has, paper, "第2版.pdf")
    assert list(Attachment.objects.values_list("name", flat=True)) == ["第2版.pdf"]
    assert not os.path.exists(first_path) and os.path.exists(second_path)
    # Another municipality ticking the box for this file's question removes nothing of ours.
    client.force_login(other_municipal_user)
    answer(client, survey, **{f"q{has.pk}": "はい", f"q{paper.pk}": str(second.pk),
                              f"q{paper.pk}_remove": "1"})
    assert Attachment.objects.filter(pk=second.pk).exists()
    # Answering いいえ hides the file question: its answer is cleared and the file with it.
    client.force_login(municipal_user)
    stored = SurveyResponse.objects.get(municipality__lg_code="062014")
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, survey, stored.version, **{f"q{has.pk}": "いいえ",
                                                 f"q{paper.pk}": str(second.pk)})
    stored.refresh_from_db()
    assert f"q{paper.pk}" not in stored.answers
    assert not Attachment.objects.exists() and not os.path.exists(second_path)
