"""Synthetic needs surveys for measuring the portal at a decade's scale: two surveys a year,
every municipality asked, answers the answer form accepts. Survey has no demo flag, so the
【合成】 title prefix is what marks them."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from collaboration.models import Method, PolicyField
from portal.lib import audit
from portal.lib.japanese import fiscal_year, fiscal_year_label
from portal.models import Municipality
from surveys.answer_form import OTHER, RANKS
from surveys.models import Question, Section, Survey, SurveyResponse

PREFIX = "【合成】"
SURVEYS_AT_SCALE_ONE = 20
Kind = Question.Kind


@dataclass(frozen=True)
class Template:
    kind: str
    text: str
    required: bool = False
    choices: tuple[str, ...] = ()
    other: bool = False
    unit: str = ""
    minimum: int | None = None
    maximum: int | None = None
    samples: tuple[str, ...] = ()  # what a municipality writes in a text answer
    rows: tuple[str, ...] = ()


DOMAINS = ["水道", "防災", "交通", "観光", "医療・福祉", "子育て", "DX", "公共施設"]
SENTENCES = [
    "専門職員の確保が年々難しくなっている。", "近隣市町村と共同で研修を実施したい。",
    "県による技術的な助言を引き続き希望する。", "住民サービスの水準を維持することが課題である。",
    "施設の老朽化への対応を共同で検討したい。", "先行事例の情報提供をお願いしたい。",
    "システムの共同調達により経費を削減できた。", "担い手不足により事業の継続が危ぶまれている。",
]
SECTIONS: list[tuple[str, list[Template]]] = [
    ("基本情報", [
        Template(Kind.SHORT_TEXT, "回答者の所属部署", True,
                 samples=("企画課", "総合政策課", "企画調整課", "政策推進課", "まちづくり推進課")),
        Template(Kind.SHORT_TEXT, "回答者の職名", False,
                 samples=("課長補佐", "係長", "主査", "主任", "主事")),
        Template(Kind.NUMBER, "企画担当の職員数", True, unit="人", minimum=0, maximum=200),
        Template(Kind.NUMBER, "一般行政職員数", False, unit="人", minimum=0, maximum=5000),
        Template(Kind.SINGLE, "広域連携の担当窓口の有無", True,
                 ("設置している", "設置していない", "設置を検討中")),
        Template(Kind.NUMBER, "前年度に実施した広域連携事業の数", False, unit="件", minimum=0,
                 maximum=100),
    ]),
    ("現在の課題", [
        Template(Kind.FIELDS, "連携して取り組みたい分野を選んでください（複数可）", True),
        Template(Kind.SINGLE, "専門技術職員（土木・保健師など）の確保の状況", True,
                 ("十分に確保できている", "やや不足している", "大きく不足している"), other=True),
        Template(Kind.MULTIPLE, "不足が深刻な職種（複数可）", False,
                 ("土木", "建築", "保健師", "農業土木", "ICT", "保育士", "司書"), other=True),
        Template(Kind.SINGLE, "行政課題の深刻さは5年前と比べて", False,
                 ("深刻になった", "変わらない", "改善した")),
        *[Template(Kind.SCALE, f"「{domain}」分野で連携する必要性（1:低い〜5:高い）")
          for domain in DOMAINS[:4]],
        Template(Kind.DISPLAY, "次の分野は、1:低い〜5:高い でお答えください。"),
        Template(Kind.GRID, "各分野で連携する必要性", rows=tuple(DOMAINS[4:])),
        Template(Kind.DATE, "広域連携の計画を見直す予定日"),
        Template(Kind.FILE, "関連資料（任意）"),
    ]),
    ("連携の希望", [
        Template(Kind.METHODS, "希望する連携手法を選んでください（複数可）", False),
        Template(Kind.RANKING, "優先して取り組みたい連携テーマ（上位3つ）", True,
                 ("専門職員の共同確保", "施設の共同利用", "システムの共同調達", "観光の広域周遊",
                  "地域公共交通の維持", "災害時の相互応援")),
        Template(Kind.SINGLE, "県の支援として最も必要なもの", True,
                 ("財政的支援", "人的支援", "技術的助言", "情報提供", "調整役"), other=True),
        Template(Kind.MULTIPLE, "連携したい相手（複数可）", False,
                 ("近隣市町村", "同じ地域の市町村", "県", "大学", "民間事業者"), other=True),
        Template(Kind.NUMBER, "共同化を検討したい事務の件数", False, unit="件", minimum=0,
                 maximum=50),
        Template(Kind.SCALE, "県との連携の満足度（1:低い〜5:高い）"),
        Template(Kind.SCALE, "市町村間の連携の満足度（1:低い〜5:高い）"),
        Template(Kind.SHORT_TEXT, "連携を希望する相手団体", False,
                 samples=("近隣の町村", "同じ地域の全市町村", "県の総合支庁", "隣接県の市町村")),
        Template(Kind.SINGLE, "連携推進会議への参加意向", False,
                 ("参加したい", "内容によって参加したい", "参加は難しい")),
        Template(Kind.RANKING, "県に期待する支援策の優先順位", False,
                 ("人材派遣", "補助金", "研修", "事例の紹介", "会議の運営")),
        Template(Kind.NUMBER, "連携事業に充てられる予算", False, unit="千円", minimum=0,
                 maximum=100_000),
        Template(Kind.LONG_TEXT, "具体的な連携のアイデア", False),
    ]),
    ("取組状況とご意見", [
        Template(Kind.SINGLE, "既存の連携事業の評価", False,
                 ("期待以上", "期待どおり", "やや不十分", "不十分")),
        Template(Kind.MULTIPLE, "連携の障壁（複数可）", False,
                 ("調整の手間", "費用負担の配分", "住民の理解", "首長間の合意", "人員不足"),
                 other=True),
        Template(Kind.NUMBER, "連携による年間の経費削減額", False, unit="千円", minimum=0,
                 maximum=50_000),
        Template(Kind.SCALE, "連携による住民サービスへの効果（1:低い〜5:高い）"),
        Template(Kind.SHORT_TEXT, "担当者の連絡先（内線）", False,
                 samples=("内線2101", "内線3320", "内線415", "内線1204")),
        Template(Kind.LONG_TEXT, "成功した連携の事例", False),
        Template(Kind.LONG_TEXT, "連携を進める上での課題", False),
        Template(Kind.LONG_TEXT, "県への要望・ご意見", False),
        Template(Kind.SINGLE, "次回の調査への協力", True, ("協力できる", "協力は難しい")),
        Template(Kind.FIELDS, "今後5年で重要になると考える分野（複数可）", False),
    ]),
]
TEMPLATES = [template for _, templates in SECTIONS for template in templates]


def _months_back(day: datetime.date, months: int) -> datetime.date:
    month = day.year * 12 + day.month - 1 - months
    return datetime.date(month // 12, month % 12 + 1, min(day.day, 28))


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def schedule(count: int, today: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Opening and deadline of each survey, oldest first: half a year apart, so each fiscal year
    has one in each half; the newest opened two weeks ago and is open now."""
    latest = today - datetime.timedelta(days=14)
    days = [_months_back(latest, 6 * back) for back in reversed(range(count))]
    return [(_at(day, 9), _at(day + datetime.timedelta(days=30), 17)) for day in days]


def _answer(rng, template: Template, name: str, picks: dict[str, list[str]]) -> dict:
    """One question's answer as the answer form stores it: strings, lists for multiple choice."""
    kind = template.kind
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        options = list(template.choices)
        if kind == Kind.SINGLE:
            value = OTHER if template.other and rng.random() < 0.05 else rng.choice(options)
            chosen = [value]
            answer = {name: value}
        else:
            chosen = rng.sample(options, rng.randint(1, 3))
            if template.other and rng.random() < 0.05:
                chosen.append(OTHER)
            answer = {name: chosen}
        if template.other:
            answer[f"{name}_other"] = "（合成）独自の取組み" if OTHER in chosen else ""
        return answer
    if kind in (Kind.FIELDS, Kind.METHODS):
        options = picks[kind]
        return {name: rng.sample(options, min(len(options), rng.randint(1, 3)))}
    if kind == Kind.SHORT_TEXT:
        return {name: rng.choice(template.samples)}
    if kind == Kind.LONG_TEXT:
        return {name: "".join(rng.sample(SENTENCES, rng.randint(1, 3))) + "（合成データ）"}
    if kind == Kind.NUMBER:
        return {name: str(rng.randint(template.minimum, template.maximum // 4))}
    if kind == Kind.SCALE:
        return {name: str(rng.choices(range(1, 6), weights=[1, 2, 4, 3, 2])[0])}
    if kind == Kind.GRID:
        return {f"{name}_g{row}": str(rng.randint(1, 5))
                for row in range(1, len(template.rows) + 1)}
    if kind == Kind.DATE:
        return {name: (datetime.date(2026, 4, 1) + datetime.timedelta(
            days=rng.randint(0, 364))).isoformat()}
    if kind in (Kind.FILE, Kind.DISPLAY):
        return {}  # no file is stored for synthetic answers
    ranked = rng.sample(template.choices, RANKS if rng.random() < 0.8 else 2)
    return {f"{name}_r{rank}": value for rank, value in enumerate(ranked, start=1)}


def answers_for(rng, questions, picks, *, complete: bool) -> dict:
    """A municipality's answers; a draft stops part of the way through."""
    answers = {}
    stop = len(questions) if complete else rng.randint(1, len(questions) - 1)
    for template, question in questions[:stop]:
        if question.required or rng.random() < 0.85:
            answers.update(_answer(rng, template, f"q{question.pk}", picks))
    return answers


def _between(rng, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    return start + datetime.timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def _responses(rng, survey, questions, municipalities, picks, *, is_open: bool, now):
    Status = SurveyResponse.Status
    rows = []
    for municipality in municipalities:
        roll = rng.random()
        if is_open and roll < 0.2:
            continue  # not started: the portal has no row until the first save
        response = SurveyResponse(survey=survey, municipality=municipality,
                                  version=rng.randint(1, 4))
        if is_open and roll < 0.4:
            response.status = Status.DRAFT
            response.answers = answers_for(rng, questions, picks, complete=False)
            rows.append(response)
            continue
        response.answers = answers_for(rng, questions, picks, complete=True)
        response.status = Status.SUBMITTED
        if not is_open and roll > 0.92:
            response.is_late = True
            response.submitted_at = survey.deadline + datetime.timedelta(
                hours=rng.randint(1, 240))
        else:
            response.submitted_at = _between(rng, survey.opens_at,
                                             now if is_open else survey.deadline)
        if roll > 0.98 or (is_open and roll > 0.95):
            response.status = Status.RETURNED
            response.version += 1
            response.return_comment = ("（合成）回答に確認が必要な点があります。"
                                       "再提出をお願いします。")
        rows.append(response)
    return rows


# Synthetic measuring data has a synthetic audit trail of its own (devtools.synthetic.audit).
@audit.recorded_separately()
@transaction.atomic
def generate_surveys(count: int, *, seed: int = 1, batch_size: int = 1000) -> tuple[int, int]:
    """Adds ``count`` synthetic surveys with 40 questions each, sent to every municipality, with
    their answers; the same seed on the same day gives the same rows. Returns the surveys and
    answers added; a second run adds a second, numbered batch."""
    existing = Survey.objects.filter(title__startswith=PREFIX).count()
    rng = random.Random(f"surveys:{seed}:{existing}")
    now = timezone.now()
    municipalities = list(Municipality.objects.order_by("lg_code"))
    picks = {Kind.FIELDS: list(PolicyField.objects.order_by("sort_order", "name")
                               .values_list("name", flat=True)),
             Kind.METHODS: list(Method.objects.order_by("sort_order", "name")
                                .values_list("name", flat=True))}
    surveys = []
    with translation.override("ja"):
        for number, (opens_at, deadline) in enumerate(schedule(count, timezone.localdate(now)),
                                                      start=1):
            opened = timezone.localdate(opens_at)
            year, half = fiscal_year(opened), 1 if 4 <= opened.month <= 9 else 2
            suffix = f" #{existing + number}" if existing else ""
            surveys.append(Survey(
                title=f"{PREFIX}{fiscal_year_label(year)} 連携課題・ニーズ調査"
                      f"（第{half}回）{suffix}",
                fiscal_year=year, opens_at=opens_at, deadline=deadline, created_at=opens_at,
                reminder_plan=[],  # synthetic surveys must never e-mail anyone
                description="合成データです。性能の測定のために自動生成した調査で、実在の調査ではありません。"))
    surveys = Survey.objects.bulk_create(surveys, batch_size=batch_size)
    Survey.municipalities.through.objects.bulk_create(
        [Survey.municipalities.through(survey_id=survey.pk, municipality_id=municipality.pk)
         for survey in surveys for municipality in municipalities], batch_size=batch_size)
    sections = Section.objects.bulk_create(
        [Section(survey=survey, title=title, order=order)
         for survey in surveys for order, (title, _) in enumerate(SECTIONS, start=1)],
        batch_size=batch_size)
    by_survey = {survey.pk: [] for survey in surveys}
    question_rows = []
    for section in sections:
        for order, template in enumerate(SECTIONS[section.order - 1][1], start=1):
            question = Question(
                section=section, kind=template.kind, text=template.text,
                required=template.required, order=order, choices=list(template.choices),
                allow_other=template.other, unit=template.unit, minimum=template.minimum,
                maximum=template.maximum, rows=list(template.rows))
            question_rows.append(question)
            by_survey[section.survey_id].append((template, question))
    Question.objects.bulk_create(question_rows, batch_size=batch_size)
    responses = []
    for survey in surveys:
        responses += _responses(rng, survey, by_survey[survey.pk], municipalities, picks,
                                is_open=survey.deadline > now, now=now)
    SurveyResponse.objects.bulk_create(responses, batch_size=batch_size)
    return len(surveys), len(responses)


def generate_for_scale(*, scale: float, seed: int) -> str:
    count = max(1, round(SURVEYS_AT_SCALE_ONE * scale))
    surveys, responses = generate_surveys(count, seed=seed)
    return (f"{surveys} synthetic surveys with {surveys * len(TEMPLATES)} questions "
            f"and {responses} answers")
