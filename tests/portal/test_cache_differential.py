"""Every cached page equals the page built with the cache off, whoever asks and whatever was
written before: random sequences of writes through the services (initiatives created, edited,
published and unpublished, participants added and removed, proposals, survey drafts,
submissions and returns, council seats started and ended), each followed by random users
looking at random cached pages. The users are chosen to tell scopes apart: two staff of one
municipality (one of them proposing), a neighbouring municipality, a liaison room and its
neighbour, prefecture staff and an administrator. Keyed by role and organisation alone, two of
the ten sequences (seeds 1 and 9) serve a colleague the proposer's page."""

import datetime
import random
import re

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from collaboration.models import Category, Initiative, Method, PolicyField
from collaboration.services.initiatives import (
    initiative_create,
    initiative_publish,
    initiative_update,
)
from meetings.models import Body, Membership
from portal.models import Municipality, Region
from surveys.models import SurveyResponse
from surveys.services import draft_save, return_response, submit
from tests.factories import UserFactory, branch_office, municipality_org

pytestmark = pytest.mark.django_db

# 山形市 and 天童市 (村山), 大蔵村 (最上), 酒田市 (庄内).
CODES = ("062014", "062103", "063657", "062049")
# Users a cache keyed too coarsely would confuse, and how often each pair looks (in either
# order): a proposer and a colleague most, as a municipality's staff are the most alike.
PAIRS = {("proposer", "colleague"): 4, ("proposer", "okura"): 1, ("colleague", "okura"): 1,
         ("murayama", "mogami"): 2, ("murayama", "proposer"): 1, ("prefecture", "admin"): 1,
         ("prefecture", "murayama"): 1, ("mogami", "okura"): 1}
SEQUENCES, STEPS = 10, 14
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, url):
    response = client.get(url)
    return response.status_code, TOKEN.sub("", response.content.decode())


def _world(survey_factory):
    """The people, and what is there before the first write."""
    from tests.collaboration.conftest import make_initiative

    users = {
        "prefecture": UserFactory(prefecture=True, username="d-pref"),
        "admin": UserFactory(portal_admin=True, username="d-admin"),
        "proposer": UserFactory(organisation=municipality_org("062014"), username="d-proposer"),
        "colleague": UserFactory(organisation=municipality_org("062014"), username="d-colleague"),
        "okura": UserFactory(organisation=municipality_org("063657"), username="d-okura"),
        "murayama": UserFactory(role="branch", organisation=branch_office("murayama"),
                                username="d-murayama"),
        "mogami": UserFactory(role="branch", organisation=branch_office("mogami"),
                              username="d-mogami"),
    }
    make_initiative("公開の取組み", codes=("062014", "062103"))
    make_initiative("大蔵村の未公開の取組み", codes=("063657",), published=False)
    survey = survey_factory()
    regional = Body.objects.create(kind=Body.Kind.REGIONAL, name="村山地域連携会議",
                                   region=Region.objects.get(code="murayama"))
    team = Body.objects.create(kind=Body.Kind.WORKING_TEAM, name="水道ワーキングチーム",
                               parent=regional)
    council = Body.objects.create(kind=Body.Kind.COUNCIL, name="県・市町村連携推進会議")
    return users, survey, (regional, team, council)


def test_every_cached_page_equals_the_page_built_afresh(db):
    from tests.surveys.conftest import keys, make_survey

    users, survey, bodies = _world(make_survey)
    fields, staff, *_rest = keys(survey)
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    category = Category.objects.get(code="I-2")
    method, policy_field = Method.objects.first(), PolicyField.objects.first()
    municipalities = {m.lg_code: m for m in Municipality.objects.filter(lg_code__in=CODES)}
    answerers = {"062014": users["proposer"], "063657": users["okura"]}
    today = datetime.date.today()
    proposers = ("proposer", "colleague", "okura")
    pages = [
        reverse("initiative_list"),
        reverse("initiative_list"),
        reverse("initiative_list") + "?municipality=062014",
        reverse("initiative_list") + "?status=idea",
        reverse("municipality_detail", args=["062014"]),
        reverse("municipality_detail", args=["063657"]),
        reverse("survey_status", args=[survey.pk]),
        reverse("survey_results", args=[survey.pk]),
        reverse("dashboard"),
        reverse("dashboard") + "?measure=initiatives",
    ]

    def run(rng: random.Random, log: list):
        initiatives = list(Initiative.objects.order_by("pk"))

        def where(fewest=1):
            return [municipalities[c] for c in rng.sample(CODES, rng.randint(fewest, 2))]

        def create(creator):
            initiatives.append(initiative_create(actor=users[creator], values={
                "title": f"取組み{rng.randint(0, 99)}", "summary": "概要", "category": category,
                "scope": Initiative.Scope.GROUP, "status": Initiative.Status.IDEA,
            }, relations={"methods": [method], "policy_fields": [policy_field],
                          # A proposer's own municipality is added to these.
                          "municipalities": where(0 if creator in proposers else 1)}))
            return creator

        def pick():
            # Most often the newest one: a proposal just made.
            return initiatives[-1] if rng.random() < 0.6 else rng.choice(initiatives)

        def change(initiative, taking_part, title=None):
            """Prefecture staff edit it: the title, and who takes part (a proposer's own
            municipality may be taken off)."""
            initiative_update(actor=users["prefecture"], initiative=initiative,
                              values={"title": title or initiative.title},
                              relations={"municipalities": taking_part})
            return initiative.pk, sorted(m.lg_code for m in taking_part)

        def add_participant():
            initiative = pick()
            return change(initiative, {*initiative.municipalities.all(),
                                       municipalities[rng.choice(CODES)]})

        def remove_participant():
            initiative = pick()
            taking_part = list(initiative.municipalities.all())
            if taking_part:
                taking_part.remove(rng.choice(taking_part))
            return change(initiative, taking_part)

        def rename():
            initiative = pick()
            return change(initiative, list(initiative.municipalities.all()),
                          title=f"改名{rng.randint(0, 99)}")

        def publish():
            initiative, published = rng.choice(initiatives), rng.random() < 0.6
            initiative_publish(actor=users["prefecture"], initiative=initiative,
                               published=published)
            return initiative.pk, published

        def answer():
            code, finish = rng.choice(sorted(answerers)), rng.random() < 0.5
            response = SurveyResponse.objects.filter(survey=survey,
                                                     municipality__lg_code=code).first()
            if response is None or response.status != SurveyResponse.Status.SUBMITTED:
                (submit if finish else draft_save)(
                    actor=answerers[code], survey=survey, municipality=municipalities[code],
                    answers={fields: ["水道"], staff: "不足している"},
                    base_version=response.version if response else 0)
            return code, finish

        def send_back():
            for response in SurveyResponse.objects.filter(
                    survey=survey, status=SurveyResponse.Status.SUBMITTED)[:1]:
                return_response(actor=users["prefecture"], response=response,
                                comment="記入漏れがあります")
                return response.municipality.lg_code

        def take_seat():
            who, body = rng.choice(sorted(users)), rng.choice(bodies)
            Membership.objects.create(body=body, user=users[who], title="委員",
                                      starts_on=today - datetime.timedelta(days=30))
            return who, body.name

        def end_seat():
            seats = list(Membership.objects.filter(ends_on=None).order_by("pk"))
            if seats:
                seat = rng.choice(seats)
                seat.ends_on = today - datetime.timedelta(days=1)
                seat.save()
                return seat.pk

        writes = [
            (3, "propose", lambda: create(rng.choice(proposers))),
            (1, "create", lambda: create(rng.choice(("prefecture", "murayama", "mogami")))),
            (2, "add a participant", add_participant),
            (3, "remove a participant", remove_participant),
            (1, "rename", rename),
            (2, "publish", publish),
            (2, "answer", answer),
            (1, "return", send_back),
            (1, "take a seat", take_seat),
            (1, "end a seat", end_seat),
        ]
        for _step in range(STEPS):
            _weight, name, write = rng.choices(writes, weights=[w for w, *_ in writes])[0]
            log.append((name, write()))
            # The pages, the newest initiative's twice: it is the one most recently changed.
            url = rng.choice([*pages, *(i.get_absolute_url() for i in initiatives),
                              initiatives[-1].get_absolute_url()])
            pair = rng.sample(rng.choices(list(PAIRS), weights=list(PAIRS.values()))[0], 2)
            log.append(("look", url, pair))
            for who in pair:
                served = _page(clients[who], url)
                with override_settings(PAGE_CACHE=False):
                    fresh = _page(clients[who], url)
                if served != fresh:
                    return f"{who} was served another page; steps: {log}"
        return None

    from django.core.cache import cache

    failures = []
    for seed in range(SEQUENCES):
        cache.clear()
        with transaction.atomic():
            failures.append(run(random.Random(seed), [("seed", seed)]))
            transaction.set_rollback(True)
    failures = [failure for failure in failures if failure]
    assert not failures, f"{len(failures)} of {SEQUENCES} sequences: " + "\n".join(failures)
