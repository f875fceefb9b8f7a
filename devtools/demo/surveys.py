"""A demo needs survey for the current fiscal year, with some demo answers."""

import datetime

from django.db import transaction
from django.utils import timezone

from portal.lib.japanese import fiscal_year
from portal.models import Municipality
from surveys.models import Question, Section, Survey, SurveyResponse

TITLE = "【デモ】連携課題・ニーズ調査（{year}年度）"
QUESTIONS = [
    ("現在の課題", [
        (Question.Kind.FIELDS, "連携して取り組みたい分野を選んでください（複数可）", True, [], ""),
        (Question.Kind.SINGLE, "専門技術職員（土木・保健師など）の確保の状況", True,
         ["十分に確保できている", "やや不足している", "大きく不足している"], ""),
        (Question.Kind.SCALE, "県との連携の満足度（1:低い〜5:高い）", False, [], ""),
        (Question.Kind.SINGLE, "近隣市町村と連携協定を結んでいますか", False, ["はい", "いいえ"],
         ""),
        (Question.Kind.DATE, "協定を結んだ日（最新のもの）", False, [], ""),
    ]),
    ("連携の希望", [
        (Question.Kind.METHODS, "希望する連携手法を選んでください（複数可）", False, [], ""),
        (Question.Kind.NUMBER, "共同化を検討したい事務の件数", False, [], "件"),
        (Question.Kind.DISPLAY, "次の表は、分野ごとに 1:低い〜5:高い でお答えください。", False,
         [], ""),
        (Question.Kind.GRID, "分野ごとの連携の必要性", False, [], ""),
        (Question.Kind.LONG_TEXT, "県への要望・ご意見", False, [], ""),
    ]),
]


@transaction.atomic
def create_demo_survey() -> str:
    """Adds this fiscal year's demo survey once; answers from a few demo municipalities."""
    now = timezone.now()
    year = fiscal_year(timezone.localdate(now))
    title = TITLE.format(year=year)
    if Survey.objects.filter(title=title).exists():
        return "Demo survey: 0 new."
    survey = Survey.objects.create(
        title=title, fiscal_year=year,
        description="デモ用の調査です。設問・回答はデモのために作成したもので、実際の調査ではありません。",
        opens_at=now - datetime.timedelta(days=7),
        # 17:00 on the office's clock, not in UTC (which would be 02:00 the next morning in JST).
        deadline=timezone.localtime(now + datetime.timedelta(days=14)).replace(
            hour=17, minute=0, second=0, microsecond=0))
    survey.municipalities.set(Municipality.objects.all())
    for order, (section_title, questions) in enumerate(QUESTIONS, start=1):
        section = Section.objects.create(survey=survey, title=section_title, order=order)
        for number, (kind, text, required, choices, unit) in enumerate(questions, start=1):
            Question.objects.create(section=section, kind=kind, text=text, required=required,
                                    choices=choices, unit=unit, order=number)
    # 「協定を結んだ日」 only for those who answered はい; the grid rates three fields.
    agreement = Question.objects.get(section__survey=survey, kind=Question.Kind.SINGLE,
                                     text__startswith="近隣市町村と連携協定")
    Question.objects.filter(section__survey=survey, kind=Question.Kind.DATE).update(
        condition_question=agreement, condition_values=["はい"])
    Question.objects.filter(section__survey=survey, kind=Question.Kind.GRID).update(
        rows=["防災", "水道", "観光"])
    fields_question, staff_question = Question.objects.filter(
        section__survey=survey).order_by("section__order", "order")[:2]
    for code, fields, staff in (("062022", ["水道", "防災"], "やや不足している"),
                                ("063614", ["水道", "交通"], "大きく不足している"),
                                ("064262", ["水道", "観光"], "大きく不足している")):
        SurveyResponse.objects.create(
            survey=survey, municipality=Municipality.objects.get(lg_code=code),
            status=SurveyResponse.Status.SUBMITTED, submitted_at=now, version=1,
            answers={f"q{fields_question.pk}": fields, f"q{staff_question.pk}": staff})
    return "Demo survey: 1 new, with 3 demo answers."
