"""Demo initiatives: every example of the policy's table, the prefecture's own initiatives,
a model project with its spread (横展開), and two themes.

Titles and classification (category, methods, funding form) of the policy's examples are the
policy's own. Everything else — participants, years, status, lead organisation, texts — is
invented for the demo: every row is marked ``is_demo`` and every summary starts with 【デモ】.
"""

from dataclasses import dataclass, replace

from django.db import transaction

from collaboration import similar_store
from collaboration.models import Category, Initiative, Method, PolicyField, Theme
from collaboration.services.initiatives import save_with_relations
from collaboration.services.reference import policy_examples
from portal.models import Municipality, Organisation, Region, User

DEMO_MARK = "【デモ】"
DEMO_NOTE = ("デモ用の説明文です。参加団体・年度・状況などはデモのために設定したもので、"
             "実際の事業内容や実績を示すものではありません。")
PREFECTURE_DEPARTMENT = "企画振興部"
NURSING_ASSOCIATION = "山形県看護協会"
FUNDING = {"予算一体型": Initiative.Funding.JOINT_BUDGET,
           "役割分担型": Initiative.Funding.SHARED_ROLES}

ALL = "all"  # every municipality of the prefecture
Scope, Status = Initiative.Scope, Initiative.Status


@dataclass(frozen=True)
class Extra:
    """What the policy does not say about an example, chosen for the demo.

    ``lead`` is ``"pref"``, a region code (its branch office) or a municipality's name;
    ``members`` is ``ALL``, a region code or a tuple of municipality names.
    """

    scope: str
    members: object
    fields: tuple[str, ...]
    lead: str = "pref"
    status: str = Status.ACTIVE
    start_year: int = 2018
    end_year: int | None = None
    other_bodies: tuple[str, ...] = ()


# The policy's examples, by title. Examples with a region or sub-area take their members from it.
EXAMPLE_EXTRAS = {
    "水道事業のあり方検討": Extra(Scope.PREFECTURE, ALL, ("水道", "行財政"),
                          status=Status.STUDY, start_year=2018),
    "個人住民税の共同催告、共同徴収": Extra(
        Scope.GROUP, ("鶴岡市", "三川町", "庄内町"), ("税務",), lead="shonai", start_year=2017),
    "道路施設の点検診断業務の地域単位での一括発注": Extra(
        Scope.REGION, "mogami", ("土木・インフラ",), lead="mogami", start_year=2017),
    "情報システムの共同化": Extra(
        Scope.GROUP, ("小国町", "白鷹町", "飯豊町"), ("情報システム・DX", "行財政"),
        lead="okitama", start_year=2019),
    "一部事務組合": Extra(
        Scope.GROUP, ("村山市", "東根市", "尾花沢市", "大石田町"), ("環境", "防災"),
        lead="東根市", start_year=2017),
    "事務の委託": Extra(Scope.GROUP, ("新庄市", "舟形町"), ("行財政",), lead="新庄市",
                   start_year=2018),
    "定住自立圏": Extra(
        Scope.GROUP, ("長井市", "小国町", "白鷹町", "飯豊町"), ("移住・定住", "地域づくり"),
        lead="長井市", start_year=2017),
    "連携中枢都市圏": Extra(
        Scope.GROUP, ("山形市", "上山市", "天童市", "山辺町"), ("地域づくり", "交通"),
        lead="山形市", start_year=2019),
    "若者定着支援基金の運営（奨学金返還支援）": Extra(
        Scope.PREFECTURE, ALL, ("若者定着・雇用", "教育・人材育成"), start_year=2017),
    "やまがた健康マイレージ事業": Extra(Scope.PREFECTURE, ALL, ("健康づくり",),
                                start_year=2017),
    "全県及び各地域の観光協議会による観光振興の取組み": Extra(
        Scope.PREFECTURE, ALL, ("観光",), start_year=2017),
    "市町村総合交付金": Extra(Scope.PREFECTURE, ALL, ("行財政", "地域づくり"),
                       start_year=2017),
    "最上地域政策研究所": Extra(Scope.REGION, "mogami", ("地域づくり", "行財政"),
                          lead="mogami", start_year=2017),
    "地域別の移住交流推進協議会": Extra(Scope.REGIONS, ALL, ("移住・定住",),
                                start_year=2017),
    "町村と県看護協会の連携による訪問看護サービス立ち上げ支援": Extra(
        Scope.GROUP, ("大蔵村", "鮭川村", "戸沢村"), ("医療・看護", "福祉"), lead="mogami",
        start_year=2018, other_bodies=(NURSING_ASSOCIATION,)),
    "地域運営組織の立ち上げなど、地域再生計画に基づく事業（先駆型、横展開型）": Extra(
        Scope.REGIONS, ("朝日町", "川西町", "鶴岡市"), ("地域づくり",), start_year=2018),
    "西村山地域広域連携協議会（高校生の下校用バスの調査運行）": Extra(
        Scope.GROUP, "nishi", ("交通", "教育・人材育成"), lead="murayama",
        status=Status.DONE, start_year=2018, end_year=2018),
}
# For an example added to framework.json later, until it gets its own line above.
DEFAULT_EXTRA = Extra(Scope.PREFECTURE, ALL, ())


@dataclass(frozen=True)
class DemoInitiative:
    """An initiative that is not one of the policy's examples."""

    title: str
    category: str
    methods: tuple[str, ...]
    extra: Extra
    about: str
    funding: str = Initiative.Funding.NONE
    is_model: bool = False
    is_published: bool = True
    spread_from: str = ""
    proposer: str = ""  # the municipality whose demo account proposed it


SHOPPING_MODEL = "買い物支援推進事業"
TOBISHIMA = "持続可能な飛島づくり"

PREFECTURE_INITIATIVES = (
    DemoInitiative(
        "専門・技術的支援の強化", "I-1", ("助言・支援", "研修"),
        Extra(Scope.PREFECTURE, ALL, ("土木・インフラ", "農林水産", "行財政"), start_year=2018),
        "専門技術職員が不足する町村等への、県による技術的な助言・支援と研修の取組み。"),
    DemoInitiative(
        SHOPPING_MODEL, "II-3", ("予算・役割分担", "専門家派遣"),
        Extra(Scope.GROUP, ("金山町",), ("買い物支援・商業", "福祉"), lead="mogami",
              start_year=2018),
        "県と町が連携して買い物支援のモデル事業に取り組み、他地域への横展開をめざす取組み。",
        funding=Initiative.Funding.SHARED_ROLES, is_model=True),
    DemoInitiative(
        "山形らしい移住促進策", "II-1", ("予算・役割分担", "協議会"),
        Extra(Scope.PREFECTURE, ALL, ("移住・定住", "若者定着・雇用"), start_year=2019),
        "県と市町村が役割を分担し、山形らしさを生かした移住促進策を企画・実施する取組み。",
        funding=Initiative.Funding.SHARED_ROLES),
    DemoInitiative(
        TOBISHIMA, "II-3", ("予算・役割分担", "専門家派遣"),
        Extra(Scope.GROUP, ("酒田市",), ("地域づくり", "交通", "移住・定住"), lead="shonai",
              start_year=2018),
        "県と酒田市が連携し、離島である飛島の暮らしを持続可能にするための取組み。",
        funding=Initiative.Funding.SHARED_ROLES),
)

SPREAD_INITIATIVES = tuple(
    DemoInitiative(
        f"買い物支援（{town}）— 横展開のデモ", "II-3", ("予算・役割分担",),
        Extra(Scope.GROUP, (town,), ("買い物支援・商業", "福祉"), lead=town, status=status,
              start_year=year),
        f"{SHOPPING_MODEL}のモデル事業を{town}に横展開する例として作成したデモの取組み。",
        funding=Initiative.Funding.SHARED_ROLES, spread_from=SHOPPING_MODEL)
    for town, status, year in (("白鷹町", Status.ACTIVE, 2020), ("遊佐町", Status.ACTIVE, 2021),
                               ("大江町", Status.STUDY, 2023))
)

PROPOSAL = DemoInitiative(
    "デマンド交通の共同運行の検討（大蔵村からの提案）— 提案のデモ", "II-2", ("協議会",),
    Extra(Scope.GROUP, ("大蔵村", "鮭川村", "戸沢村"), ("交通",), lead="大蔵村",
          status=Status.IDEA, start_year=2025),
    "村が近隣町村との共同運行の検討を提案した、未公開の提案のデモ。",
    is_published=False, proposer="大蔵村")

THEMES = {
    "専門技術職員の確保": (
        "専門技術職員の不足に県と市町村がどう対応するかを扱う連携テーマのデモ。",
        ("専門・技術的支援の強化", "水道事業のあり方検討",
         "道路施設の点検診断業務の地域単位での一括発注",
         "町村と県看護協会の連携による訪問看護サービス立ち上げ支援")),
    "買い物弱者対策": (
        "日常の買い物が難しい住民への支援を扱う連携テーマのデモ。",
        (SHOPPING_MODEL, *(item.title for item in SPREAD_INITIATIVES))),
}


class _Lookups:
    """The rows the demo refers to, read once."""

    def __init__(self):
        self.categories = {c.code: c for c in Category.objects.all()}
        self.methods = {m.name: m for m in Method.objects.all()}
        self.fields = {f.name: f for f in PolicyField.objects.all()}
        self.municipalities = {m.name: m for m in Municipality.objects.select_related(
            "region", "subarea")}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.prefecture = Organisation.objects.filter(
            kind=Organisation.Kind.PREFECTURE, name=PREFECTURE_DEPARTMENT).first()
        self.branch_offices = {o.region.code: o for o in Organisation.objects.filter(
            kind=Organisation.Kind.BRANCH_OFFICE).select_related("region")}
        self.municipal_orgs = {o.municipality.name: o for o in Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY).select_related("municipality")}

    def members(self, members) -> list[Municipality]:
        everyone = list(self.municipalities.values())
        if members == ALL:
            return everyone
        if isinstance(members, str):  # a region or a sub-area code
            return [m for m in everyone
                    if m.region.code == members or (m.subarea_id and m.subarea.code == members)]
        return [self.municipalities[name] for name in members]

    def lead(self, lead: str) -> Organisation | None:
        if lead == "pref":
            return self.prefecture
        if lead in self.regions:
            return self.branch_offices.get(lead)
        return self.municipal_orgs.get(lead)


def _summary(text: str) -> str:
    return f"{DEMO_MARK}{text}{DEMO_NOTE}"


def _create(lookups: _Lookups, *, title: str, category: str, methods, extra: Extra,
            summary: str, funding: str, **values) -> Initiative:
    initiative = Initiative(
        title=title, summary=summary, body=DEMO_NOTE,
        category=lookups.categories[category], scope=extra.scope, status=extra.status,
        start_year=extra.start_year, end_year=extra.end_year, funding=funding,
        lead_organisation=lookups.lead(extra.lead), is_demo=True, **values)
    return save_with_relations(initiative, {
        "methods": [lookups.methods[name] for name in methods],
        "policy_fields": [lookups.fields[name] for name in extra.fields
                          if name in lookups.fields],
        "municipalities": lookups.members(extra.members),
        "other_bodies": [
            Organisation.objects.get_or_create(kind=Organisation.Kind.EXTERNAL, name=name)[0]
            for name in extra.other_bodies],
    })


def _example_funding(example: dict) -> str:
    if example.get("funding"):
        return FUNDING[example["funding"]]
    if "補助金・交付金" in example["methods"]:
        return Initiative.Funding.GRANT
    return Initiative.Funding.NONE


def _example_extra(example: dict) -> Extra:
    extra = EXAMPLE_EXTRAS.get(example["title"], DEFAULT_EXTRA)
    if example.get("subarea"):
        return replace(extra, scope=Scope.GROUP, members=example["subarea"])
    if example.get("region"):
        return replace(extra, scope=Scope.REGION, members=example["region"])
    return extra


def _example_summary(lookups: _Lookups, example: dict) -> str:
    category = lookups.categories[example["category"]]
    text = (f"『県・市町村連携推進方針』の連携の枠組み「{category.label} {category.name}」に"
            f"これまでの取組事例として挙げられている取組みです（連携手法："
            f"{'・'.join(example['methods'])}）。")
    if example.get("note"):
        text += f"方針の記載：{example['note']}。"
    return _summary(text)


@transaction.atomic
def create_demo_initiatives() -> str:
    """Adds the demo initiatives and themes that are missing, looked up by title.

    Rows that already exist — demo or real, edited or not — are left exactly as they are.
    """
    lookups = _Lookups()
    existing = set(Initiative.objects.values_list("title", flat=True))
    created = 0

    for example in policy_examples():
        if example["title"] in existing:
            continue
        _create(lookups, title=example["title"], category=example["category"],
                methods=example["methods"], extra=_example_extra(example),
                summary=_example_summary(lookups, example), funding=_example_funding(example),
                is_published=True)
        existing.add(example["title"])
        created += 1

    for item in (*PREFECTURE_INITIATIVES, *SPREAD_INITIATIVES, PROPOSAL):
        if item.title in existing:
            continue
        values = {"is_published": item.is_published, "is_model": item.is_model}
        if item.spread_from:
            values["spread_from"] = Initiative.objects.filter(
                title=item.spread_from).order_by("pk").first()
        if item.proposer in lookups.municipal_orgs:
            values["proposed_by"] = User.objects.filter(
                organisation=lookups.municipal_orgs[item.proposer],
                username__startswith="demo-").first()
        _create(lookups, title=item.title, category=item.category, methods=item.methods,
                extra=item.extra, summary=_summary(item.about), funding=item.funding, **values)
        existing.add(item.title)
        created += 1

    themes = 0
    for title, (description, initiative_titles) in THEMES.items():
        theme, is_new = Theme.objects.get_or_create(
            title=title, defaults={"description": f"{DEMO_MARK}{description}"})
        if is_new:
            theme.initiatives.set(Initiative.objects.filter(title__in=initiative_titles))
            themes += 1
    return f"Demo initiatives: {created} new; demo themes: {themes} new."


def index_demo_initiatives() -> str:
    """The similar-cases index over the demo initiatives and their kept lists (bulk rows skip
    the signals)."""
    return f"Similar cases: {similar_store.rebuild_all()} initiatives indexed."
