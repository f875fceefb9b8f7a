"""Synthetic initiatives for measuring the catalogue at a decade's scale. Marked as demo data
and titled 【合成】 so nobody mistakes them for real cases."""

import random

from django.db import transaction

from collaboration import facet_tally, network
from collaboration.models import Category, Initiative, Method, PolicyField
from collaboration.search import search_text
from collaboration.services import link_sets
from collaboration.services.initiatives import search_parts
from portal.lib import audit
from portal.models import Municipality, Organisation

TOPICS = ["広域連携", "共同発注", "人材育成", "情報共有", "共同研修", "相互応援", "共同運行",
          "地域おこし", "担い手確保", "利用促進", "計画策定", "実証事業", "需要調査", "連絡会議"]
SENTENCES = [
    "複数の市町村が連携して課題の解決に取り組む。", "県と市町村が役割を分担して事業を進める。",
    "専門職員の不足を補うため、技術的な助言を行う。", "住民サービスの維持に向けて検討を重ねる。",
    "先行事例を参考に、他地域への横展開を目指す。", "関係機関と調整し、実施体制を整える。",
]
YEARS = range(2016, 2027)


def _initiative(rng, number, categories, methods, fields, municipalities, organisations):
    category = rng.choice(categories)
    chosen_methods = rng.sample(methods, rng.randint(1, 2))
    chosen_fields = rng.sample(fields, rng.randint(1, 2))
    scope = rng.choices(list(Initiative.Scope.values), weights=[50, 25, 8, 7, 10])[0]
    if scope == Initiative.Scope.OUTSIDE:
        participants = []
    elif scope == Initiative.Scope.PREFECTURE:
        participants = municipalities
    else:
        participants = rng.sample(municipalities, rng.randint(2, 6))
    title = f"【合成】{chosen_fields[0].name}の{rng.choice(TOPICS)}（{number}）"
    summary = "".join(rng.sample(SENTENCES, 2)) + "（合成データ）"
    start = rng.choice(YEARS)
    initiative = Initiative(
        title=title, summary=summary, category=category, scope=scope,
        outside_prefecture="宮城県" if scope == Initiative.Scope.OUTSIDE else "",
        status=rng.choice(Initiative.Status.values), start_year=start,
        end_year=start + rng.randint(0, 4) if rng.random() < 0.4 else None,
        funding=rng.choice(Initiative.Funding.values), is_published=rng.random() < 0.95,
        is_model=rng.random() < 0.03, is_demo=True, lead_organisation=rng.choice(organisations),
        region_set=link_sets.encode(m.region_id for m in participants),
        method_set=link_sets.encode(m.pk for m in chosen_methods),
        field_set=link_sets.encode(f.pk for f in chosen_fields),
        municipality_set=link_sets.encode(m.pk for m in participants))
    initiative.search_text = search_text(*search_parts(
        initiative, {"methods": chosen_methods, "policy_fields": chosen_fields,
                     "municipalities": participants, "other_bodies": []}),
        private=initiative.contact)
    return initiative, chosen_methods, chosen_fields, participants


# Synthetic measuring data has a synthetic audit trail of its own (devtools.synthetic.audit).
@audit.recorded_separately()
def generate_initiatives(count: int, *, seed: int = 1, batch_size: int = 1000) -> int:
    """Adds ``count`` synthetic initiatives with their methods, fields and participants, in
    bulk; the same seed gives the same rows."""
    rng = random.Random(seed)
    categories = list(Category.objects.all())
    methods = list(Method.objects.all())
    fields = list(PolicyField.objects.all())
    municipalities = list(Municipality.objects.all())
    organisations = list(Organisation.objects.exclude(kind=Organisation.Kind.EXTERNAL))
    through = Initiative.methods.through, Initiative.policy_fields.through, \
        Initiative.municipalities.through
    offset = Initiative.objects.filter(title__startswith="【合成】").count()
    for start in range(0, count, batch_size):
        built = [_initiative(rng, offset + start + n + 1, categories, methods, fields,
                             municipalities, organisations)
                 for n in range(min(batch_size, count - start))]
        with transaction.atomic():
            created = Initiative.objects.bulk_create([item[0] for item in built])
            through[0].objects.bulk_create([
                through[0](initiative_id=i.pk, method_id=m.pk)
                for i, (_, ms, _, _) in zip(created, built, strict=True) for m in ms])
            through[1].objects.bulk_create([
                through[1](initiative_id=i.pk, policyfield_id=f.pk)
                for i, (_, _, fs, _) in zip(created, built, strict=True) for f in fs])
            through[2].objects.bulk_create([
                through[2](initiative_id=i.pk, municipality_id=m.pk)
                for i, (_, _, _, ps) in zip(created, built, strict=True) for m in ps])
    # bulk_create sends no signals: the network's pairs and the facets' tally counted once.
    network.rebuild()
    facet_tally.rebuild()
    return count


INITIATIVES_AT_SCALE_ONE = 10_000


def generate_for_scale(*, scale: float, seed: int) -> str:
    count = round(INITIATIVES_AT_SCALE_ONE * scale)
    generate_initiatives(count, seed=seed)
    return f"{count} synthetic initiatives"

