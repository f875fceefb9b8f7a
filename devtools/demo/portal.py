"""Demo accounts and demo statistics. Every figure made here is marked as a demo value."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from portal.demo_logins import DEMO_PASSWORD
from portal.lib import caching
from portal.models import Indicator, Municipality, Organisation, Region, StatisticValue, User

DEMO_SOURCE = "デモ値（架空の数値。実際の統計ではありません）"
ACTUAL_YEARS = range(2020, 2026)
PROJECTED_YEARS = (2030, 2035, 2040, 2045, 2050)


def _ensure_user(username, *, role, organisation, last_name, first_name, **flags) -> bool:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "organisation": organisation, "last_name": last_name,
                  "first_name": first_name, "email": f"{username}@example.jp", **flags},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return created


@transaction.atomic
def create_demo_users() -> int:
    """One prefecture planner, one user per branch office and per municipality, an admin.

    Existing accounts are left as they are, so a changed password survives a re-run.
    """
    created = 0
    prefecture = Organisation.objects.get(kind=Organisation.Kind.PREFECTURE, name="企画振興部")
    created += _ensure_user("demo-admin", role=User.Role.ADMIN, organisation=None,
                            last_name="管理", first_name="太郎", is_staff=True, is_superuser=True)
    created += _ensure_user("demo-pref", role=User.Role.PREFECTURE, organisation=prefecture,
                            last_name="企画", first_name="花子", is_staff=True)
    for region in Region.objects.all():
        office = Organisation.objects.get(kind=Organisation.Kind.BRANCH_OFFICE, region=region)
        created += _ensure_user(f"demo-{region.code}", role=User.Role.BRANCH, organisation=office,
                                last_name=region.name, first_name="連携支援室")
    for organisation in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY
                                                    ).select_related("municipality"):
        created += _ensure_user(f"demo-{organisation.municipality.lg_code}",
                                role=User.Role.MUNICIPAL, organisation=organisation,
                                last_name=organisation.name, first_name="企画担当")
    return created


def _demo_figures(municipality: Municipality) -> list[StatisticValue]:
    rng = random.Random(int(municipality.lg_code))  # the same figures on every run
    base = {
        Municipality.Kind.CITY: rng.randint(20_000, 240_000),
        Municipality.Kind.TOWN: rng.randint(5_000, 30_000),
        Municipality.Kind.VILLAGE: rng.randint(2_000, 8_000),
    }[municipality.kind]
    decline = Decimal(rng.uniform(0.008, 0.02)).quantize(Decimal("0.0001"))
    ageing = Decimal(rng.uniform(30, 42)).quantize(Decimal("0.1"))

    def figure(indicator, year, value, as_of):
        return StatisticValue(municipality=municipality, indicator=indicator, year=year,
                              value=value, source=DEMO_SOURCE, as_of=as_of, is_demo=True)

    figures = []
    population = Decimal(base)
    for year in ACTUAL_YEARS:
        figures.append(figure(Indicator.POPULATION, year, population.quantize(Decimal(1)),
                              datetime.date(year, 10, 1)))
        figures.append(figure(Indicator.AGEING_RATE, year, ageing, datetime.date(year, 10, 1)))
        population *= 1 - decline
        ageing += Decimal("0.6")
    projected = population
    for year in PROJECTED_YEARS:
        projected *= (1 - decline * Decimal("1.3")) ** 5
        figures.append(figure(Indicator.PROJECTED_POPULATION, year, projected.quantize(Decimal(1)),
                              datetime.date(2023, 12, 22)))
    staff = max(25, int(population / 110))
    latest = ACTUAL_YEARS[-1]
    as_of = datetime.date(latest, 4, 1)
    small = municipality.kind != Municipality.Kind.CITY
    for indicator, count in (
        (Indicator.GENERAL_ADMIN_STAFF, staff),
        (Indicator.CIVIL_ENGINEERS, rng.randint(0, 3) if small else rng.randint(8, 40)),
        (Indicator.AGRI_FORESTRY, rng.randint(0, 2) if small else rng.randint(3, 15)),
        (Indicator.PUBLIC_HEALTH_NURSES, rng.randint(2, 6) if small else rng.randint(10, 45)),
        (Indicator.ICT_STAFF, rng.randint(0, 1) if small else rng.randint(1, 8)),
    ):
        figures.append(figure(indicator, latest, count, as_of))
    return figures


@transaction.atomic
def create_demo_statistics() -> int:
    """Adds demo figures where a municipality has none for that year; imported data is kept."""
    existing = set(StatisticValue.objects.values_list("municipality_id", "indicator", "year"))
    new = [
        figure
        for municipality in Municipality.objects.all()
        for figure in _demo_figures(municipality)
        if (municipality.pk, figure.indicator, figure.year) not in existing
    ]
    StatisticValue.objects.bulk_create(new, batch_size=1000)
    caching.bump("statistics")  # bulk writes send no signals
    return len(new)
