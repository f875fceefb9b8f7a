"""`make run` serves the demo on SQLite: the pages whose queries take a path of their own
there (facet counts, the network, the themes' chain, an initiative's links) are built on a
real SQLite database."""

import json

from .test_settings import run_settings

PAGES = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_reference_data", verbosity=0)
from devtools.demo.portal import create_demo_users
create_demo_users()
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
client = Client()
client.force_login(get_user_model().objects.get(username="demo-pref"))
paths = [reverse("home"), reverse("dashboard"), reverse("initiative_list"),
         reverse("initiative_list") + "?region=murayama&q=ICT", reverse("survey_list")]
print(json.dumps({path: client.get(path, HTTP_HOST="localhost").status_code
                  for path in paths}))
"""


def test_staff_pages_are_built_on_sqlite(tmp_path):
    result = run_settings(tmp_path, code=PAGES, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(statuses.values()) == {200}, statuses


INITIATIVE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_reference_data", verbosity=0)
from devtools.demo.portal import create_demo_users
create_demo_users()
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from collaboration import selectors
from collaboration.initiative_page import links_of
from collaboration.models import Initiative, Theme
from portal.models import Organisation, User
from tests.collaboration.conftest import make_initiative
initiative = make_initiative("モデル事業", methods=("協議会", "事務や施設等の共同化"),
                             fields=("水道", "防災", "観光"), codes=("062014", "063657"))
initiative.other_bodies.set(Organisation.objects.order_by("-name")[:3])
for n in range(3):
    Theme.objects.create(title=f"テーマ{n}").initiatives.add(initiative)
make_initiative("横展開先1", codes=("062014",), spread_from=initiative)
make_initiative("横展開先2", codes=("063657",), spread_from=initiative, published=False)
make_initiative("横展開先3", codes=("062031",), spread_from=initiative)
make_initiative("別の取組", codes=("062014",))
def read(links):
    return {"methods": [[m.pk, m.name] for m in links.methods],
            "fields": [[f.pk, f.name] for f in links.policy_fields],
            "bodies": links.other_bodies, "themes": links.themes,
            "spread": [[c.title, c.url] for c in links.spread_to]}
from portal.public_site import public_site_set
outcome = {}
readers = [*User.objects.filter(username__in=("demo-pref", "demo-062014")), AnonymousUser(),
           "site on"]  # a visitor while the public site is off (no spread is theirs), then on
for user in readers:
    if user == "site on":
        public_site_set(actor=User.objects.get(username="demo-pref"), enabled=True)
        user = AnonymousUser()
    visible = selectors.visible_initiatives(user)
    outcome[user.username or ("visitor" if "visitor" not in outcome else "site on")] = {
        "links": read(links_of(initiative, visible)),
        "orm": read(type("Links", (), {
            "methods": initiative.methods.all(), "policy_fields": initiative.policy_fields.all(),
            "other_bodies": [str(o) for o in initiative.other_bodies.all()],
            "themes": [t.title for t in initiative.themes.all()],
            "spread_to": [type("Spread", (), {"title": c.title, "url": c.get_absolute_url()})
                          for c in visible.filter(spread_from=initiative)]}))}
client = Client()
client.force_login(User.objects.get(username="demo-pref"))
page = client.get(initiative.get_absolute_url(), HTTP_HOST="localhost")
outcome["page"] = [page.status_code, [t for t in ("横展開先2", "テーマ2", "防災")
                                      if t in page.content.decode()]]
print(json.dumps(outcome, ensure_ascii=False))
"""


def test_an_initiatives_links_are_read_on_sqlite_as_the_orm_reads_them(tmp_path):
    result = run_settings(tmp_path, code=INITIATIVE, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome.pop("page") == [200, ["横展開先2", "テーマ2", "防災"]]
    for user, read in outcome.items():
        assert read["links"] == read["orm"], user
        assert len(read["links"]["methods"]) == 2 and len(read["links"]["fields"]) == 3
        assert len(read["links"]["bodies"]) == 3 and len(read["links"]["themes"]) == 3
    # Prefecture staff see the unpublished spread too; a visitor the published ones, once the
    # public site is on (an empty scope before: the query has no part for it).
    assert [len(outcome[who]["links"]["spread"]) for who in ("demo-pref", "visitor", "site on")
            ] == [3, 0, 2]
