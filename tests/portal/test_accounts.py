import csv
import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.models import AuditEntry, User
from portal.services import accounts
from portal.services.account_import import AccountImportError, import_accounts
from portal.tasks import deactivate_due_accounts
from tests.factories import UserFactory, branch_office, municipality_org

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
PASSWORD = "Gassan-yudono-2027"


@pytest.fixture
def mailed(tasks_in_process, django_capture_on_commit_callbacks):
    """Invitations are sent once the transaction commits, in this process."""
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()
    return run


def invite_form(**overrides):
    data = {"name": "最上 一郎", "email": "ichiro@okura.example.jp", "role": "municipal",
            "organisation": str(municipality_org("063657").pk)}
    return {**data, **overrides}


def link_in(message) -> str:
    return re.search(r"http://\S+/invitation/\S+/", message.body).group(0)


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_prefecture_staff_invite_and_the_person_sets_their_own_password(
        client, prefecture_user, mailed):
    client.force_login(prefecture_user)
    response = mailed(lambda: client.post(reverse("account_invite"), invite_form()))
    assert response.status_code == 302
    account = User.objects.get(email="ichiro@okura.example.jp")
    assert (account.last_name, account.first_name) == ("最上", "一郎")
    assert account.organisation.name == "大蔵村" and not account.has_usable_password()
    assert account.username == "ichiro@okura.example.jp"
    [message] = mail.outbox
    assert message.to == ["ichiro@okura.example.jp"] and "連携ポータル" in message.subject
    entry = AuditEntry.objects.filter(content_type__model="user", object_id=str(account.pk),
                                      action="create").get()
    assert entry.actor == prefecture_user

    client.logout()
    link = link_in(message).removeprefix("http://127.0.0.1:8000")
    form_page = client.get(link, follow=True)
    assert "ichiro@okura.example.jp" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done.url == reverse("login")
    assert log_in(client, "ichiro@okura.example.jp", PASSWORD).status_code == 302
    assert client.get(reverse("home")).context["user"] == account
    # The link has done its work.
    client.logout()
    again = client.get(link, follow=True)
    assert "期限が切れているか" in again.content.decode()


def test_the_invitation_link_expires_after_the_days_it_promises(client, prefecture_user,
                                                                mailed, settings):
    settings.ACCOUNT_INVITATION_DAYS = 5
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=TOKYO), tick=False) as t:
        mailed(lambda: accounts.account_invite(
            actor=prefecture_user, name="最上 一郎", email="ichiro@okura.example.jp",
            role="municipal", organisation=municipality_org("063657")))
        link = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
        t.move_to(datetime.datetime(2027, 3, 5, 9, tzinfo=TOKYO))
        assert client.get(link, follow=True).context["validlink"]
        client.cookies.clear()
        t.move_to(datetime.datetime(2027, 3, 6, 10, tzinfo=TOKYO))
        assert not client.get(link, follow=True).context["validlink"]


def test_a_display_name_is_required(client, prefecture_user):
    client.force_login(prefecture_user)
    response = client.post(reverse("account_invite"), invite_form(name="　"))
    assert response.status_code == 400
    assert not User.objects.filter(email="ichiro@okura.example.jp").exists()


def test_an_address_in_use_is_refused(client, prefecture_user, municipal_user):
    client.force_login(prefecture_user)
    response = client.post(reverse("account_invite"),
                           invite_form(email=municipal_user.email.upper()))
    assert response.status_code == 400
    assert "既に使われています" in response.content.decode()


def test_a_liaison_room_cannot_invite_into_another_region_nor_grant_the_administrator_role(
        client, branch_user):
    client.force_login(branch_user)
    other_region = client.post(reverse("account_invite"), invite_form())
    assert other_region.status_code == 400
    own_region = str(municipality_org("062014").pk)
    admin_role = client.post(reverse("account_invite"),
                             invite_form(role="admin", organisation=own_region))
    assert admin_role.status_code == 400
    superuser = client.post(reverse("account_invite"),
                            invite_form(organisation=own_region, is_superuser="on"))
    assert superuser.status_code == 302  # the box is not offered; ticking it does nothing
    assert not User.objects.get(email="ichiro@okura.example.jp").is_superuser
    with pytest.raises(accounts.AccountRefused):
        accounts.account_invite(actor=branch_user, name="最上 二郎", email="jiro@example.jp",
                                role="municipal", organisation=municipality_org("063657"))


def test_prefecture_staff_cannot_grant_admin_access_or_the_administrator_role(prefecture_user):
    for role, superuser in (("admin", False), ("prefecture", True)):
        with pytest.raises(accounts.AccountRefused):
            accounts.account_invite(actor=prefecture_user, name="県 太郎",
                                    email=f"{role}{superuser}@example.jp", role=role,
                                    organisation=None if role == "admin" else
                                    prefecture_user.organisation, superuser=superuser)
    assert not User.objects.filter(email__endswith="@example.jp", is_superuser=True).exclude(
        username="sysadmin").exists()


def test_a_system_administrator_grants_admin_access(portal_admin):
    account = accounts.account_invite(actor=portal_admin, name="情報 太郎",
                                      email="it@example.jp", role="admin", organisation=None,
                                      superuser=True)
    assert account.is_superuser and account.is_staff


def test_changing_an_account_within_what_may_be_granted(client, branch_user, municipal_user):
    client.force_login(branch_user)
    url = reverse("account_edit", args=[municipal_user.pk])
    yamagata = str(municipality_org("062014").pk)
    saved = client.post(url, {"name": "山形 花子", "email": "hanako@yamagata.example.jp",
                              "role": "municipal", "organisation": yamagata})
    assert saved.status_code == 302
    municipal_user.refresh_from_db()
    assert municipal_user.display_name == "山形 花子"
    moved = client.post(url, {"name": "山形 花子", "email": "hanako@yamagata.example.jp",
                              "role": "municipal",
                              "organisation": str(municipality_org("063657").pk)})
    assert moved.status_code == 400
    municipal_user.refresh_from_db()
    assert municipal_user.organisation.name == "山形市"


def test_a_liaison_room_does_not_see_accounts_outside_its_region(client, branch_user,
                                                                  other_municipal_user,
                                                                  municipal_user):
    client.force_login(branch_user)
    page = client.get(reverse("account_list")).content.decode()
    assert municipal_user.username in page and other_municipal_user.username not in page
    assert client.get(reverse("account_edit", args=[other_municipal_user.pk])).status_code \
        == 404


def test_deactivating_logs_the_person_out_at_once(client, prefecture_user, municipal_user):
    theirs = type(client)()
    theirs.force_login(municipal_user)
    assert theirs.get(reverse("home")).status_code == 200
    client.force_login(prefecture_user)
    response = client.post(reverse("account_deactivate", args=[municipal_user.pk]))
    assert response.status_code == 302
    municipal_user.refresh_from_db()
    assert not municipal_user.is_active
    assert theirs.get(reverse("home")).url.startswith(reverse("login"))
    assert not Session.objects.filter(
        session_key=theirs.cookies["sessionid"].value).exists()
    assert client.get(reverse("home")).status_code == 200  # the actor stays logged in


def test_nobody_deactivates_themselves_or_the_last_administrator(portal_admin, prefecture_user):
    with pytest.raises(accounts.AccountRefused):
        accounts.account_deactivate(actor=prefecture_user, account=prefecture_user)
    with pytest.raises(accounts.AccountRefused):
        accounts.account_update(actor=portal_admin, account=portal_admin, name="管理 太郎",
                                email=portal_admin.email, role="admin", organisation=None,
                                superuser=False)
    portal_admin.deactivate_on = datetime.date(2020, 4, 1)
    portal_admin.save()
    assert accounts.deactivate_due() == 0
    portal_admin.refresh_from_db()
    assert portal_admin.is_active and portal_admin.is_superuser
    second = UserFactory(portal_admin=True)
    accounts.account_deactivate(actor=second, account=portal_admin)
    portal_admin.refresh_from_db()
    assert not portal_admin.is_active


def test_the_april_hand_over(client, prefecture_user, other_municipal_user, mailed):
    theirs = type(client)()
    with time_machine.travel(datetime.datetime(2027, 3, 10, 14, tzinfo=TOKYO), tick=False) as t:
        theirs.force_login(other_municipal_user)
        client.force_login(prefecture_user)
        page = client.get(reverse("account_hand_over", args=[other_municipal_user.pk]))
        assert page.context["form"].fields["on"].initial == datetime.date(2027, 4, 1)
        response = mailed(lambda: client.post(
            reverse("account_hand_over", args=[other_municipal_user.pk]),
            {"name": "大蔵 次郎", "email": "jiro@okura.example.jp", "on": "2027-04-01"}))
        assert response.status_code == 302
        successor = User.objects.get(email="jiro@okura.example.jp")
        assert (successor.role, successor.organisation) == (
            other_municipal_user.role, other_municipal_user.organisation)
        assert mail.outbox[0].to == ["jiro@okura.example.jp"]
        other_municipal_user.refresh_from_db()
        assert other_municipal_user.is_active
        assert other_municipal_user.deactivate_on == datetime.date(2027, 4, 1)

        t.move_to(datetime.datetime(2027, 3, 31, 23, 50, tzinfo=TOKYO))
        assert deactivate_due_accounts() == 0
        t.move_to(datetime.datetime(2027, 4, 1, 0, 10, tzinfo=TOKYO))
        assert deactivate_due_accounts() == 1
        assert deactivate_due_accounts() == 0  # a second run changes nothing
        other_municipal_user.refresh_from_db()
        assert not other_municipal_user.is_active
        assert theirs.get(reverse("home")).url.startswith(reverse("login"))
    assert AuditEntry.objects.filter(content_type__model="user",
                                     object_id=str(other_municipal_user.pk),
                                     note__contains="大蔵 次郎").exists()


def test_a_hand_over_date_in_the_past_is_refused(client, prefecture_user, other_municipal_user):
    client.force_login(prefecture_user)
    response = client.post(reverse("account_hand_over", args=[other_municipal_user.pk]),
                           {"name": "大蔵 次郎", "email": "jiro@okura.example.jp",
                            "on": "2001-04-01"})
    assert response.status_code == 400
    assert not User.objects.filter(email="jiro@okura.example.jp").exists()


def test_resending_an_invitation(client, prefecture_user, mailed):
    account = mailed(lambda: accounts.account_invite(
        actor=prefecture_user, name="最上 一郎", email="ichiro@okura.example.jp",
        role="municipal", organisation=municipality_org("063657")))
    client.force_login(prefecture_user)
    mailed(lambda: client.post(reverse("account_resend", args=[account.pk])))
    assert len(mail.outbox) == 2


# Import

HEADER = ["氏名", "メールアドレス", "役割", "団体コード・組織"]


def csv_bytes(rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD = [HEADER, ["最上 一郎", "ichiro@okura.example.jp", "市町村 企画担当", "063657"],
        ["村山 花子", "hanako@murayama.example.jp", "連携支援室", "村山総合支庁"]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_a_csv_list_is_imported_and_everyone_invited(prefecture_user, mailed, encoding):
    invited = mailed(lambda: import_accounts(actor=prefecture_user,
                                             content=csv_bytes(GOOD, encoding),
                                             filename="list.csv"))
    assert [a.organisation for a in invited] == [municipality_org("063657"),
                                                 branch_office("murayama")]
    assert [a.role for a in invited] == ["municipal", "branch"]
    assert sorted(m.to[0] for m in mail.outbox) == ["hanako@murayama.example.jp",
                                                    "ichiro@okura.example.jp"]


def test_an_xlsx_list_is_imported(prefecture_user):
    invited = import_accounts(actor=prefecture_user, content=xlsx_bytes(GOOD),
                              filename="list.xlsx")
    assert len(invited) == 2


def test_a_bad_list_invites_nobody_and_places_every_problem(client, prefecture_user,
                                                            municipal_user):
    rows = [HEADER, GOOD[1],
            ["", "no-at-sign", "課長", "999999"],
            ["山形 三郎", municipal_user.email, "市町村", "062014"],
            ["大蔵 四郎", "ichiro@okura.example.jp", "municipal", "063657"]]
    client.force_login(prefecture_user)
    response = client.post(reverse("account_import"), {
        "file": SimpleUploadedFile("list.csv", csv_bytes(rows), "text/csv")})
    assert response.status_code == 400
    problems = [str(p) for p in response.context["problems"]]
    assert problems == [
        "3行目、A (氏名)列：氏名を入力してください。",
        "3行目、B (メールアドレス)列：正しいメールアドレスを入力してください。",
        "3行目、C (役割)列：役割「課長」は使えません。次のいずれかを使ってください: "
        "県 企画振興部 職員、総合支庁 連携支援室、市町村 企画担当。",
        "3行目、D (団体コード・組織)列：団体コードまたは名称が「999999」の組織はありません。",
        "4行目、B (メールアドレス)列：このメールアドレスは別のアカウントで既に使われています。",
        "5行目、B (メールアドレス)列：2行目と同じメールアドレスです。",
    ]
    assert not User.objects.filter(email="ichiro@okura.example.jp").exists()


def test_a_liaison_room_imports_only_into_its_region(branch_user):
    rows = [HEADER, ["山形 一郎", "ichiro@yamagata.example.jp", "市町村", "062014"],
            ["最上 一郎", "ichiro@okura.example.jp", "市町村", "063657"],
            ["県 一郎", "ichiro@pref.example.jp", "県", "企画振興部"]]
    with pytest.raises(AccountImportError) as error:
        import_accounts(actor=branch_user, content=csv_bytes(rows), filename="list.csv")
    places = [(p.row, p.column) for p in error.value.problems]
    assert places == [(3, "D (団体コード・組織)"), (4, "C (役割)")]
    assert not User.objects.filter(email__startswith="ichiro@").exists()


def test_the_template_has_the_headings_the_import_reads(client, prefecture_user):
    client.force_login(prefecture_user)
    response = client.get(reverse("account_import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADER


def test_municipal_staff_have_no_account_pages(client, municipal_user):
    client.force_login(municipal_user)
    assert client.get(reverse("account_list")).status_code == 403
    assert reverse("account_list") not in client.get(reverse("home")).content.decode()
