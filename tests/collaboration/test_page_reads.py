"""What an initiative's page and a municipality's list of initiatives show, compared with
the straightforward reads of the same rows: the pages read them in fewer queries."""

import re

import pytest
from django.urls import reverse

from collaboration import selectors
from collaboration.models import Initiative
from collaboration.sections import SHOWN, initiatives_taking_part
from portal.lib import audit
from portal.lib.permissions import CHANGE, can
from portal.models import Municipality, Organisation
from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db

CODES = ("062014", "062022", "063657", "064262")


def initiative_page(client, user, initiative) -> str:
    client.force_login(user)
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_participants_and_the_map_are_those_of_the_initiative(client, prefecture_user):
    lead = Organisation.objects.get(municipality__lg_code="063657")
    initiative = make_initiative("ごみ処理の広域化", codes=CODES, lead_organisation=lead)
    make_initiative("別の取組", codes=("062049",))  # takes part elsewhere: not on this page
    page = initiative_page(client, prefecture_user, initiative)

    facts = page.split('class="split__list"', 1)[1].split("</dl>", 1)[0]
    listed = re.findall(r'href="/municipalities/(\d{6})/">([^<]+)</a>', facts)
    expected = [(m.lg_code, m.name) for m in initiative.municipalities.order_by("lg_code")]
    assert listed == expected and len(listed) == len(CODES)

    tiles = dict(re.findall(r'<a href="/municipalities/(\d{6})/" class="tile ([\w-]+)"', page))
    taking_part = {m.lg_code for m in initiative.municipalities.all()}
    assert tiles == {m.lg_code: "tile--lead" if m.lg_code == "063657"
                     else "tile--taking-part" if m.lg_code in taking_part
                     else "tile--not-taking-part" for m in Municipality.objects.all()}
    legend = page.split('<ul class="legend"', 1)[1].split("</ul>", 1)[0]
    # lead, taking part, not taking part
    assert [int(n) for n in re.findall(r"\((\d+)団体\)", legend)] == [
        1, len(CODES) - 1, Municipality.objects.count() - len(CODES)]


def test_public_visitors_see_the_same_participants_linked_to_the_catalogue(client, settings):
    from portal.models import SiteSettings

    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    initiative = make_initiative("ごみ処理の広域化", codes=CODES)
    page = client.get(initiative.get_absolute_url()).content.decode()
    facts = page.split('class="split__list"', 1)[1].split("</dl>", 1)[0]
    listed = re.findall(r"\?municipality=(\d{6})", facts)
    assert listed == sorted(CODES)


def test_an_editor_sees_the_same_history_when_the_page_knows_they_may_edit(prefecture_user,
                                                                            municipal_user):
    initiative = make_initiative()
    from collaboration.services.initiatives import initiative_update

    initiative_update(actor=prefecture_user, initiative=initiative,
                      values={"summary": "書き直した概要"}, relations={})
    for user in (prefecture_user, municipal_user):
        told = audit.history_for(user, initiative, may_change=can(user, CHANGE, initiative))
        asked = audit.history_for(user, initiative)
        assert [row.entry.pk for row in told] == [row.entry.pk for row in asked]
    assert asked  # the update is in it


def test_the_links_on_the_page_are_those_of_the_straightforward_reads(users_by_role):
    from django.contrib.auth.models import AnonymousUser

    from collaboration.initiative_page import links_of
    from collaboration.models import Theme

    initiative = make_initiative("モデル事業", methods=("協議会", "事務や施設等の共同化"),
                                 fields=("水道", "防災", "観光"), codes=CODES, is_model=True)
    initiative.other_bodies.set(Organisation.objects.order_by("-name")[:3])
    for n in range(3):
        Theme.objects.create(title=f"テーマ{n}").initiatives.add(initiative)
    # Spread to: published, and unpublished in 大蔵村 (its staff see it) and in 庄内.
    make_initiative("横展開先1", codes=("062014",), spread_from=initiative)
    make_initiative("横展開先2", codes=("063657",), spread_from=initiative, published=False)
    make_initiative("横展開先3", codes=("062031",), spread_from=initiative, published=False)
    make_initiative("別の取組", codes=("062014",))
    for user in (*users_by_role.values(), AnonymousUser()):
        visible = selectors.visible_initiatives(user)
        links = links_of(initiative, visible)
        assert [(m.pk, m.name) for m in links.methods] == [
            (m.pk, m.name) for m in initiative.methods.all()]
        assert [(f.pk, f.name) for f in links.policy_fields] == [
            (f.pk, f.name) for f in initiative.policy_fields.all()]
        assert links.other_bodies == [str(o) for o in initiative.other_bodies.all()]
        assert links.themes == [t.title for t in initiative.themes.all()]
        assert [(c.title, c.url) for c in links.spread_to] == [
            (c.title, c.get_absolute_url()) for c in visible.filter(spread_from=initiative)]
    assert len(links_of(initiative, Initiative.objects.all()).spread_to) == 3


def section_of(user, code):
    data = initiatives_taking_part(user, Municipality.objects.get(lg_code=code)).context
    return [i.pk for i in data["initiatives"]], data["total"]


def straightforward(user, code):
    mine = selectors.visible_initiatives(user).filter(municipalities__lg_code=code)
    return list(mine.order_by("-updated_at").values_list("pk", flat=True)[:SHOWN]), mine.count()


@pytest.mark.parametrize("count", [0, 3, SHOWN, SHOWN + 5])
def test_a_municipality_lists_and_counts_its_initiatives_as_its_viewers_may_see_them(
        count, prefecture_user, municipal_user, other_municipal_user):
    for n in range(count):
        # Every third unpublished: its municipality's staff see it, the others' do not.
        make_initiative(f"取組{n}", codes=("062014", "062022"), published=n % 3 != 0)
    make_initiative("他の市町村だけの取組", codes=("064262",))
    for user in (prefecture_user, municipal_user, other_municipal_user):
        shown, total = section_of(user, "062014")
        assert (shown, total) == straightforward(user, "062014")
        assert len(shown) == min(total, SHOWN)
    assert section_of(prefecture_user, "062014")[1] == count
    assert section_of(other_municipal_user, "062014")[1] == count - len(range(0, count, 3))


def test_the_municipality_page_says_how_many_there_are_beyond_those_shown(client,
                                                                          prefecture_user):
    for n in range(SHOWN + 2):
        make_initiative(f"取組{n}", codes=("062014",))
    client.force_login(prefecture_user)
    page = client.get(reverse("municipality_detail", args=["062014"])).content.decode()
    section = page.split('id="initiatives-title"', 1)[1].split("</section>", 1)[0]
    titles = re.findall(r'<li><a href="/initiatives/\d+/">([^<]+)</a>', section)
    assert titles == [i.title for i in Initiative.objects.order_by("-updated_at")[:SHOWN]]
    assert "?municipality=062014" in section and f"{SHOWN + 2}" in section


def test_asking_about_one_initiative_agrees_with_the_scope_for_every_user(users_by_role):
    from portal.lib.permissions import DELETE, PUBLISH, VIEW, scope

    initiatives = [make_initiative("公開", codes=("062014",)),
                   make_initiative("非公開", codes=("063657",), published=False),
                   make_initiative("庄内", codes=("062031",), published=False)]
    for user in users_by_role.values():
        for initiative in initiatives:
            for action in (VIEW, CHANGE, DELETE):
                assert can(user, action, initiative) == scope(
                    user, action, Initiative.objects.filter(pk=initiative.pk)).exists()
        assert can(user, PUBLISH, initiatives[0]) == (
            user.is_prefecture or (user.scope_region is not None
                                   and can(user, CHANGE, initiatives[0])))


def test_the_files_on_the_page_are_those_the_attachment_scope_allows(
        users_by_role, prefecture_user, settings, tmp_path):
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.lib.permissions import VIEW, scope
    from portal.models import Attachment, SiteSettings
    from portal.policies import attachments_of
    from portal.services.attachments import attachment_create

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    initiatives = [make_initiative("公開", codes=("062014",)),
                   make_initiative("非公開", codes=("063657",), published=False),
                   make_initiative("添付なし", codes=("062031",))]
    for initiative in initiatives[:2]:
        for n, public in enumerate((True, False, True)):
            attachment_create(actor=prefecture_user, owner=initiative, title=f"資料{n}",
                              upload=SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.7\n%%EOF\n"),
                              is_public=public)
    seen = 0
    for user in (*users_by_role.values(), AnonymousUser()):
        for initiative in initiatives:
            files = [a.pk for a in attachments_of(user, initiative)]
            assert files == [a.pk for a in scope(user, VIEW, Attachment.objects.filter(
                object_id=str(initiative.pk), content_type__model="initiative",
                content_type__app_label="collaboration"))]
            seen += len(files)
    assert [a.pk for a in attachments_of(AnonymousUser(), initiatives[0])] == [
        a.pk for a in Attachment.objects.filter(object_id=str(initiatives[0].pk), is_public=True)]
    assert seen > 0
