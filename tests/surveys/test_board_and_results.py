import re

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Question, SurveyResponse
from surveys.services import survey_copy
from tests.factories import municipality
from tests.surveys.conftest import keys

pytestmark = pytest.mark.django_db


def answer(survey, code, status="submitted", late=False, **answers):
    return SurveyResponse.objects.create(
        survey=survey, municipality=municipality(code), status=status, is_late=late,
        submitted_at=timezone.now() if status == "submitted" else None, answers=answers)


def test_the_board_shows_every_state_on_the_map_and_per_region(client, survey,
                                                               prefecture_user,
                                                               django_assert_max_num_queries):
    answer(survey, "062014")
    answer(survey, "062022", late=True)
    answer(survey, "063657", status="draft")
    answer(survey, "064611", status="returned")
    client.force_login(prefecture_user)
    with django_assert_max_num_queries(4):
        page = client.get(reverse("survey_status", args=[survey.pk])).content.decode()
    assert "35団体中 2団体 提出済み" in page
    assert 'aria-label="山形市：提出済み"' in page and 'aria-label="米沢市：期限後提出"' in page
    assert 'aria-label="大蔵村：下書き"' in page and 'aria-label="遊佐町：差戻し"' in page
    assert page.count("tile--state-not_started") == 31 + 1  # 31 tiles and the legend


def test_a_liaison_room_follows_its_own_region(client, survey, branch_user):
    answer(survey, "062014")
    client.force_login(branch_user)
    page = client.get(reverse("survey_status", args=[survey.pk])).content.decode()
    assert "14団体中 1団体 提出済み" in page
    assert len(re.findall(r"<td><code>(\d{6})</code></td>", page)) == 14


def test_results_count_choices_cross_tabulate_and_find_shared_needs(client, survey,
                                                                    prefecture_user):
    fields, staff, number, text = keys(survey)
    for code in ("062014", "063657", "064611"):
        answer(survey, code, **{fields: ["水道", "防災"], staff: "不足している", number: "4",
                                text: f"{code}の要望"})
    answer(survey, "062022", **{fields: ["観光"], staff: "__other__",
                                f"{staff}_other": "土木のみ不足", number: "10"})
    answer(survey, "063614", status="draft", **{fields: ["福祉"]})  # drafts are not counted
    client.force_login(prefecture_user)
    page = client.get(reverse("survey_results", args=[survey.pk])).content.decode()
    assert "提出済みの回答 4件" in page
    assert "<strong>水道</strong> — 3団体" in page  # a shared need
    row = re.search(r'<th scope="row">水道</th>(.*?)</tr>', page).group(1)
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == [
        "3", "75%", "1", "1", "0", "1", "1", "1", "1"]  # regions 村山 最上 置賜 庄内; 市 町 村
    assert "福祉" not in re.search(r"連携したい分野(.*?)</section>", page, re.S).group(1)
    assert "土木のみ不足" in page
    assert "合計 22件" in page and "063657の要望" in page


def test_answered_questions_cannot_change_type_or_lose_choices(client, survey,
                                                               portal_admin):
    _fields, staff, _number, _text = keys(survey)
    question = Question.objects.get(pk=int(staff[1:]))
    answer(survey, "062014", **{staff: "足りている"})
    client.force_login(portal_admin)
    url = reverse("admin:surveys_question_change", args=[question.pk])
    base = {"section": question.section_id, "text": "専門職員（土木等）の状況",
            "order": 2, "required": "on", "allow_other": "on",
            "choices_text": "足りている\n不足している"}
    refused = client.post(url, {**base, "kind": "multiple"})
    assert "形式を変えると回答が失われる" in refused.content.decode()
    removed = client.post(url, {**base, "kind": "single", "choices_text": "不足している"})
    assert "回答済みの選択肢は削除できません" in removed.content.decode()
    wording = client.post(url, {**base, "kind": "single"})
    assert wording.status_code == 302
    question.refresh_from_db()
    assert question.text == "専門職員（土木等）の状況"
    delete = client.post(reverse("admin:surveys_question_delete", args=[question.pk]),
                         {"post": "yes"})
    assert delete.status_code == 403


def test_last_years_survey_is_copied_for_the_next_year(survey, prefecture_user):
    copy = survey_copy(actor=prefecture_user, survey=survey)
    assert copy.fiscal_year == 2027 and copy.copied_from == survey
    assert copy.municipalities.count() == 35
    assert [q.text for q in Question.objects.filter(section__survey=copy).order_by("order")] == [
        q.text for q in Question.objects.filter(section__survey=survey).order_by("order")]
    assert copy.deadline.weekday() == survey.deadline.weekday()


def test_exports_give_one_row_per_municipality_and_a_sheet_per_question(client, survey,
                                                                        branch_user):
    import csv
    import io

    from openpyxl import load_workbook

    fields, staff, number, _text = keys(survey)
    answer(survey, "062014", **{fields: ["水道", "防災"], staff: "__other__",
                                f"{staff}_other": "保健師が不足", number: "3"})
    answer(survey, "063657", **{fields: ["観光"], staff: "足りている"})  # 最上: not followed
    client.force_login(branch_user)
    body = client.get(reverse("survey_export_csv", args=[survey.pk])).content.decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    followed = sorted(m.lg_code for m in survey.municipalities.filter(
        region=branch_user.scope_region))
    assert table[0][:3] == ["団体コード", "市町村", "状況"]
    # Every target of the room's region, in code order, and nobody else's.
    assert [row[0] for row in table[1:]] == [f'="{code}"' for code in followed]
    assert table[1][1:3] == ["山形市", "提出済み"] and table[2][2] == "未着手"
    assert '="063657"' not in [row[0] for row in table]
    assert "防災、水道" in table[1] or "水道、防災" in table[1]
    assert "その他" in table[1] and "保健師が不足" in table[1]
    workbook = load_workbook(io.BytesIO(client.get(
        reverse("survey_export_xlsx", args=[survey.pk])).content))
    assert len(workbook.sheetnames) == 1 + 4 + 2 and workbook.sheetnames[-2:] == [
        "回答（1行1選択）", "説明"]
    assert workbook.worksheets[1]["A1"].value == "連携したい分野"


def test_a_shared_need_becomes_a_theme_that_keeps_its_answers(client, survey,
                                                             prefecture_user):
    from collaboration.models import Theme

    fields, _staff, _number, _text = keys(survey)
    for code in ("062014", "063657", "064611"):
        answer(survey, code, **{fields: ["水道"]})
    client.force_login(prefecture_user)
    question = int(fields[1:])
    url = reverse("survey_theme", args=[survey.pk])
    response = client.post(url, {"question": question, "choice": "水道"})
    client.post(url, {"question": question, "choice": "水道"})  # again: the same theme
    theme = Theme.objects.get()
    assert response.status_code == 302 and response["Location"] == theme.get_absolute_url()
    page = client.get(theme.get_absolute_url()).content.decode()
    assert "山形市" in page and "遊佐町" in page  # the municipalities that chose the need
    assert theme.title.startswith("水道（")
    assert sorted(theme.source.municipalities.values_list("lg_code", flat=True)) == [
        "062014", "063657", "064611"]
    page = client.get(reverse("survey_results", args=[survey.pk])).content.decode()
    assert "テーマ：水道（" in page
    assert client.post(url, {"question": "abc", "choice": "水道"}).status_code == 400


def test_results_compare_with_last_years_survey(client, survey, prefecture_user):
    fields, _staff, _number, _text = keys(survey)
    answer(survey, "062014", **{fields: ["水道"]})
    answer(survey, "063657", **{fields: ["水道"]})
    this_year = survey_copy(actor=prefecture_user, survey=survey)
    new_fields = keys(this_year)[0]
    answer(this_year, "062014", **{new_fields: ["水道"]})
    client.force_login(prefecture_user)
    page = client.get(reverse("survey_results", args=[this_year.pk])).content.decode()
    assert "前年度" in page
    row = re.search(r'<th scope="row">水道</th>(.*?)</tr>', page).group(1)
    assert re.findall(r'<td class="num">([^<]+)</td>', row)[:3] == ["1", "100%", "2"]


@pytest.mark.parametrize("plan", [["-7"], [0.5], [-100], "weekly", [True]])
def test_a_reminder_plan_must_be_days_from_the_deadline(survey, plan):
    from django.core.exceptions import ValidationError

    survey.reminder_plan = plan
    with pytest.raises(ValidationError):
        survey.full_clean()


def test_the_broker_being_down_does_not_stop_a_reminder_click(client, survey, prefecture_user,
                                                              django_capture_on_commit_callbacks):
    from django.core import mail

    from portal.celery import app
    from portal.models import OutboxTask
    from tests.factories import UserFactory, municipality_org

    UserFactory(organisation=municipality_org("062014"), username="chief",
                email="chief@example.jp")
    client.force_login(prefecture_user)
    def forget_connections():
        # Celery keeps its first connection pools; drop them so the broker address counts.
        app._pool = None
        app.amqp._producer_pool = None

    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    forget_connections()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("survey_remind", args=[survey.pk]))
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
        forget_connections()
    assert response.status_code == 302
    assert mail.outbox == []  # nothing ran inside the request
    (waiting,) = OutboxTask.objects.filter(dispatched_at=None)  # kept for when it is back
    assert (waiting.task, waiting.args) == ("surveys.tasks.remind_now", [survey.pk])
    app.tasks[waiting.task].apply(args=waiting.args)  # what a worker does once it gets it
    assert [message.to for message in mail.outbox] == [["chief@example.jp"]]


def test_other_in_their_own_words_is_not_offered_as_a_shared_need(survey, prefecture_user):
    from surveys.answer_form import OTHER
    from surveys.models import Section
    from surveys.results import results_for

    question = Question.objects.create(
        section=Section.objects.get(survey=survey), order=5, kind=Question.Kind.MULTIPLE,
        text="困っていること", choices=["除雪", "交通"], allow_other=True)
    for code in ("062014", "063657", "064611"):
        answer(survey, code, **{f"q{question.pk}": ["除雪", OTHER],
                                f"q{question.pk}_other": f"{code}の事情"})
    needs = [label for item, label, *_rest in results_for(prefecture_user, survey)["shared_needs"]
             if item.question == question]
    assert needs == ["除雪"]


def test_home_counts_the_submitted_answers_of_the_municipalities_followed(
        client, survey, prefecture_user, branch_user):
    from portal.models import Municipality

    answer(survey, "062014")  # 村山
    answer(survey, "063657")  # 最上
    answer(survey, "062022", status="draft")  # 村山, not handed in
    client.force_login(prefecture_user)
    assert "35団体中2団体が提出済みです。" in client.get(reverse("home")).content.decode()
    murayama = Municipality.objects.filter(region=branch_user.scope_region).count()
    client.force_login(branch_user)
    assert f"{murayama}団体中1団体が提出済みです。" in client.get(reverse("home")).content.decode()


def test_the_board_names_each_reminder_as_staff_speak_of_it(client, survey, prefecture_user):
    from surveys.models import ReminderDelivery

    for code, step in (("062014", "now-2026-12-01"), ("062022", "-7"), ("063657", "+1"),
                       ("064611", "+0")):
        ReminderDelivery.objects.create(survey=survey, municipality=municipality(code),
                                        step=step, sent_at=timezone.now())
    client.force_login(prefecture_user)
    page = client.get(reverse("survey_status", args=[survey.pk])).content.decode()
    for label in ("(今すぐ督促)", "(締切7日前)", "(締切1日後)", "(締切当日)"):
        assert label in page
    assert "now-" not in page and "(-7)" not in page


def test_a_reminder_step_of_an_unknown_form_is_named_as_a_reminder(survey):
    from surveys.models import ReminderDelivery

    delivery = ReminderDelivery(survey=survey, municipality=municipality("062014"),
                                step="opening", sent_at=timezone.now())
    assert delivery.step_label == "督促"


def ranking_question(survey):
    from surveys.models import Section

    return Question.objects.create(
        section=Section.objects.get(survey=survey), order=5, kind=Question.Kind.RANKING,
        text="優先したい課題", choices=["人材", "財源", "除雪"])


def test_a_ranking_shows_municipalities_per_rank_and_a_weighted_score(client, survey,
                                                                      prefecture_user):
    question = ranking_question(survey)
    key = f"q{question.pk}"
    answer(survey, "062014", **{f"{key}_r1": "財源", f"{key}_r2": "人材"})
    answer(survey, "062022", **{f"{key}_r1": "人材", f"{key}_r2": "財源", f"{key}_r3": "除雪"})
    answer(survey, "063657", **{f"{key}_r1": "財源"})
    client.force_login(prefecture_user)
    page = client.get(reverse("survey_results", args=[survey.pk])).content.decode()
    section = page.split(f'id="result-{question.pk}"')[1].split("</section>")[0]
    assert "1位3点、2位2点、3位1点" in section
    rows = re.findall(r'<th scope="row">([^<]+)</th>((?:<td class="num">\d+</td>)+)', section)
    table = {label: re.findall(r"\d+", cells) for label, cells in rows}
    # 1位, 2位, 3位, score: 財源 2×3 + 1×2 = 8; 人材 3 + 2 = 5; 除雪 1.
    assert table == {"財源": ["2", "1", "0", "8"], "人材": ["1", "1", "0", "5"],
                     "除雪": ["0", "0", "1", "1"]}
    assert [label for label, _cells in rows] == ["財源", "人材", "除雪"]  # best score first
    assert "%" not in section.split("<table")[1]


def test_last_years_comparison_keeps_a_choice_nobody_chose_this_year(client, survey,
                                                                      prefecture_user):
    fields, staff, _number, _text = keys(survey)
    question = ranking_question(survey)
    answer(survey, "062014", **{fields: ["水道", "防災"], staff: "足りている",
                                f"q{question.pk}_r1": "除雪"})
    this_year = survey_copy(actor=prefecture_user, survey=survey)
    new_fields, new_staff = keys_of(this_year)[:2]
    answer(this_year, "062014", **{new_fields: ["水道"], new_staff: "不足している"})
    client.force_login(prefecture_user)
    page = client.get(reverse("survey_results", args=[this_year.pk])).content.decode()

    def cells(label, part):
        row = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', part).group(1)
        return re.findall(r'<td class="num">([^<]+)</td>', row)

    fields_part, staff_part, _rest = page.split('<section class="result"')[1:4]
    assert cells("防災", fields_part)[:3] == ["0", "0%", "1"]  # nobody this year, one last year
    assert cells("足りている", staff_part)[:3] == ["0", "0%", "1"]
    ranking_part = page.split('<section class="result"')[-1]
    assert cells("除雪", ranking_part) == ["0", "0", "0", "0", "3"]  # last year's score 3


def keys_of(survey):
    return [f"q{q.pk}" for q in Question.objects.filter(section__survey=survey).order_by("order")]


def test_what_each_answer_was_shown_is_decided_as_for_that_answer_alone(survey):
    from surveys.conditions import shown_questions
    from surveys.models import Section
    from surveys.results import _shown_by_response

    fields, staff, number, text = keys(survey)
    staff_question = Question.objects.get(pk=int(staff[1:]))
    Question.objects.filter(pk=int(number[1:])).update(
        condition_question=staff_question, condition_values=["不足している"])
    later = Section.objects.create(survey=survey, title="詳細", order=2,
                                   condition_question=staff_question,
                                   condition_values=["足りている"])
    Question.objects.create(section=later, order=1, kind=Question.Kind.SHORT_TEXT, text="理由")
    given = [{staff: "不足している", number: "4"}, {staff: "足りている"}, {},
             {staff: "不足している", text: "要望"}, {staff: "__other__"}, {staff: "足りている"}]
    responses = [answer(survey, code, **answers) for code, answers in zip(
        ("062014", "062022", "063657", "064611", "063614", "062031"), given, strict=True)]
    questions = list(Question.objects.filter(section__survey=survey).select_related("section"))
    shown = _shown_by_response(questions, responses)
    assert shown == {r.pk: shown_questions(questions, r.answers) for r in responses}
    assert len({frozenset(s) for s in shown.values()}) == 3  # the conditions do tell them apart
def _board_straight(user, survey):
    """The board's rows computed the plain way, one lookup per municipality."""
    from surveys.models import DeadlineExtension, OpeningNotice, ReminderDelivery
    from surveys.policies import followed

    rows = []
    for m in followed(user, survey):
        response = SurveyResponse.objects.filter(survey=survey, municipality=m).first()
        sent = ReminderDelivery.objects.filter(survey=survey, municipality=m,
                                               sent_at__isnull=False).order_by("sent_at")
        extension = DeadlineExtension.objects.filter(survey=survey, municipality=m).first()
        notice = OpeningNotice.objects.filter(survey=survey, municipality=m).first() \
            if survey.requested_at else None
        last = list(sent)[-1] if sent else None
        rows.append((m.lg_code,
                     response and (response.status, response.is_late, response.submitted_at),
                     last and (last.step, last.sent_at, last.step_label),
                     notice and (notice.sent_at, notice.recipients),
                     extension and (extension.until, extension.reason)))
    return rows


def test_the_boards_rows_are_those_read_one_municipality_at_a_time(
        survey, prefecture_user, branch_user, municipal_user):
    import datetime

    from surveys import board
    from surveys.models import DeadlineExtension, OpeningNotice, ReminderDelivery, Survey

    answer(survey, "062014")
    answer(survey, "062022", late=True)
    answer(survey, "063657", status="draft")
    answer(survey, "062031", status="returned")
    hour = datetime.timedelta(hours=1)
    for code, step, ago in (("062014", "-7", 3), ("062014", "-1", 1), ("062014", "+0", 2),
                            ("062022", "now-2026-12-01", 1), ("063657", "-3", None)):
        ReminderDelivery.objects.create(
            survey=survey, municipality=municipality(code), step=step,
            sent_at=None if ago is None else timezone.now() - ago * hour)
    DeadlineExtension.objects.create(survey=survey, municipality=municipality("062031"),
                                     until=survey.deadline + 24 * hour, reason="災害対応")
    Survey.objects.filter(pk=survey.pk).update(requested_at=timezone.now())
    survey.refresh_from_db()
    OpeningNotice.objects.create(survey=survey, municipality=municipality("062014"),
                                 sent_at=timezone.now(), recipients=2)
    OpeningNotice.objects.create(survey=survey, municipality=municipality("063657"))
    for user in (prefecture_user, branch_user, municipal_user):
        data = board.board_for(user, survey)
        shown = [(m.lg_code,
                  response and (response.status, response.is_late, response.submitted_at),
                  reminder and (reminder.step, reminder.sent_at, reminder.step_label),
                  notice and (notice.sent_at, notice.recipients),
                  m.extended_until and (m.extended_until, m.extension_reason))
                 for m, _label, _state, response, reminder, notice, _links in data["rows"]]
        assert shown == _board_straight(user, survey), user.username
        assert len(data["tile_map"].tiles) == 35
    assert shown == []  # a municipality follows none
    rows = {m.lg_code: row for m, *row in board.board_for(prefecture_user, survey)["rows"]}
    assert rows["062014"][3].step == "-1"  # the last one sent
    assert rows["063657"][3] is None  # none sent yet
    assert rows["063657"][4].sent_at is None  # claimed, being sent
