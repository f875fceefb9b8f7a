import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration.models import Category, Initiative, Method, PolicyField
from portal.models import AuditEntry, Municipality

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "除雪作業の共同化", "summary": "町村の除雪を共同で発注する検討",
        "category": Category.objects.get(code="I-2").pk,
        "methods": [Method.objects.get(name="事務や施設等の共同化").pk],
        "policy_fields": [PolicyField.objects.get(name="土木・インフラ").pk],
        "municipalities": [Municipality.objects.get(lg_code="063657").pk],
        "scope": "group", "status": "study", "start_year": "2026", "funding": "",
    }
    return {**data, **overrides}


def test_municipal_staff_propose_an_unpublished_initiative_with_their_municipality(
        client, municipal_user):
    client.force_login(municipal_user)
    response = client.post(reverse("initiative_create"), form_data(is_published="on"))
    initiative = Initiative.objects.get(title="除雪作業の共同化")
    assert response.status_code == 302 and response.url == initiative.get_absolute_url()
    assert not initiative.is_published
    assert set(initiative.municipalities.values_list("lg_code", flat=True)) == {
        "062014", "063657"}
    assert initiative.proposed_by == municipal_user
    assert "除雪" in initiative.search_text


def test_the_liaison_room_of_a_region_taking_part_publishes_it(client, municipal_user,
                                                                branch_user, other_branch_user):
    client.force_login(municipal_user)
    client.post(reverse("initiative_create"), form_data())
    initiative = Initiative.objects.get(title="除雪作業の共同化")
    url = reverse("initiative_publish", args=[initiative.pk])
    assert client.post(url, {"publish": "1"}).status_code == 403
    client.force_login(other_branch_user)
    assert client.post(url, {"publish": "1"}).status_code == 404
    client.force_login(branch_user)
    assert client.post(url, {"publish": "1"}).status_code == 302
    initiative.refresh_from_db()
    assert initiative.is_published
    assert AuditEntry.objects.filter(action="publish", object_id=str(initiative.pk)).exists()


def test_the_form_explains_what_is_wrong(client, prefecture_user):
    client.force_login(prefecture_user)
    response = client.post(reverse("initiative_create"), form_data(
        start_year="2026", end_year="2020", scope="outside", municipalities=[], methods=[]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "最終年度は開始年度より前にできません" in page
    assert "県外事例の都道府県名を入力してください" in page
    assert "このフィールドは必須です" in page
    assert not Initiative.objects.filter(title="除雪作業の共同化").exists()


def test_municipal_staff_cannot_drop_their_own_municipality(client, municipal_user,
                                                            initiative_factory):
    initiative = initiative_factory(codes=("062014", "063657"))
    client.force_login(municipal_user)
    response = client.post(reverse("initiative_edit", args=[initiative.pk]), form_data(
        title=initiative.title))
    assert response.status_code == 400
    assert "山形市を参加市町村から外すことはできません" in response.content.decode()


def test_an_edit_is_recorded_and_shown_to_editors(client, branch_user, municipal_user,
                                                  other_municipal_user, initiative_factory):
    initiative = initiative_factory(codes=("062014",))
    client.force_login(branch_user)
    response = client.post(reverse("initiative_edit", args=[initiative.pk]), form_data(
        title="水道事業の広域連携（改）", municipalities=[
            Municipality.objects.get(lg_code="062014").pk]))
    assert response.status_code == 302
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "<del>水道事業の広域連携</del>" in page and "<ins>水道事業の広域連携（改）</ins>" in page
    client.force_login(other_municipal_user)
    assert "変更履歴" not in client.get(initiative.get_absolute_url()).content.decode()


def test_the_detail_page_shows_participants_lineage_and_related(client, municipal_user,
                                                                initiative_factory):
    model = initiative_factory("買い物支援推進事業", category="II-3", is_model=True,
                               methods=("予算・役割分担",), fields=("買い物支援・商業",),
                               codes=("063614",))
    child = initiative_factory("買い物支援（白鷹町）", category="II-3", spread_from=model,
                               methods=("予算・役割分担",), fields=("買い物支援・商業",),
                               codes=("064025",))
    client.force_login(municipal_user)
    page = client.get(model.get_absolute_url()).content.decode()
    assert 'class="tile tile--taking-part" aria-label="金山町：参加"' in page
    assert child.title in page  # spread to, and related by method and field
    child_page = client.get(child.get_absolute_url()).content.decode()
    assert "買い物支援推進事業" in child_page

    spread = client.get(reverse("initiative_spread", args=[model.pk])).content.decode()
    assert "2団体が取り入れています" in spread
    assert 'aria-label="白鷹町：横展開済み"' in spread
    assert 'aria-label="山形市：未実施"' in spread


def test_files_are_attached_by_editors_and_checked_by_content(client, municipal_user,
                                                              initiative_factory, settings,
                                                              tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}
    initiative = initiative_factory(codes=("062014",))
    client.force_login(municipal_user)
    url = reverse("initiative_attach", args=[initiative.pk])
    bad = client.post(url, {"file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00")},
                      follow=True)
    assert "この種類のファイルは登録できません" in bad.content.decode()
    client.post(url, {"file": SimpleUploadedFile("計画書.pdf", b"%PDF-1.7\n%%EOF\n"),
                      "title": "計画書"})
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "計画書" in page and "/files/" in page


def test_the_municipality_page_lists_the_initiatives_it_takes_part_in(
        client, other_municipal_user, initiative_factory):
    initiative_factory("山形市の公開取組み", codes=("062014",))
    initiative_factory("山形市の未公開提案", codes=("062014",), published=False)
    client.force_login(other_municipal_user)
    page = client.get(reverse("municipality_detail", args=["062014"])).content.decode()
    assert "参加している連携の取組み" in page
    assert "山形市の公開取組み" in page and "山形市の未公開提案" not in page


def test_the_home_page_points_publishers_to_waiting_proposals(client, branch_user,
                                                              initiative_factory):
    initiative_factory("山形市の未公開提案", codes=("062014",), published=False)
    client.force_login(branch_user)
    page = client.get(reverse("home")).content.decode()
    assert "公開を待っている提案" in page and "?published=no" in page
    listing = client.get(reverse("initiative_list"), {"published": "no"}).content.decode()
    assert "山形市の未公開提案" in listing


def test_changes_to_participants_are_recorded_by_name(client, prefecture_user,
                                                      initiative_factory):
    initiative = initiative_factory(codes=("062014",))
    client.force_login(prefecture_user)
    client.post(reverse("initiative_edit", args=[initiative.pk]), form_data(
        title=initiative.title, municipalities=[
            Municipality.objects.get(lg_code=code).pk for code in ("062014", "063657")]))
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "参加市町村</span>: <ins>大蔵村</ins>" in page
