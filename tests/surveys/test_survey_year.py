"""The survey year: states, deadline extensions, proxy answers, the approval print, results
shared back and reminding by hand."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.lib import audit, permissions
from portal.models import AuditEntry
from portal.templatetags.japanese import wareki_datetime
from surveys import states
from surveys.extensions import extend_deadline
from surveys.models import (
    DeadlineExtension,
    Question,
    ReminderDelivery,
    Section,
    Survey,
    SurveyResponse,
)
from surveys.policies import ANSWER, EXTEND, PROXY, REMIND, RUN, SEE_RESULTS
from surveys.services import NotAnswerable, submit
from surveys.tasks import sweep_reminders
from tests.factories import UserFactory, municipality, municipality_org
from tests.surveys.conftest import keys, make_survey

pytestmark = pytest.mark.django_db

TOKYO = datetime.timezone(datetime.timedelta(hours=9))
DEADLINE = datetime.datetime(2026, 7, 31, 17, 0, tzinfo=TOKYO)


def on(month, day, hour=9, minute=5):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


def complete(survey):
    fields, staff, _number, _text = keys(survey)
    return {fields: ["防災"], staff: "足りている"}


def submitted(survey, code, **answers):
    return SurveyResponse.objects.create(survey=survey, municipality=municipality(code),
                                         status="submitted", submitted_at=timezone.now(),
                                         answers=answers)


# States ---------------------------------------------------------------------------------

def test_the_first_three_states_follow_from_the_dates():
    survey = make_survey(opens_at=on(7, 1), deadline=DEADLINE)
    assert states.state_of(survey, on(6, 30)) == states.PREPARING
    assert states.state_of(survey, on(7, 10)) == states.OPEN
    assert states.state_of(survey, on(8, 1)) == states.CLOSED
    assert [label for _key, label, current in states.steps(survey, on(7, 10)) if current] == [
        "回答受付中"]


def test_staff_close_finalise_publish_and_undo_in_order(prefecture_user):
    survey = make_survey()
    with audit.acting_as(prefecture_user):
        with pytest.raises(ValidationError):
            states.move_survey(actor=prefecture_user, survey=survey, move="finalise")
        survey = states.move_survey(actor=prefecture_user, survey=survey, move="close")
        assert states.state_of(survey) == states.CLOSED
        assert survey.deadline <= timezone.now()
        survey = states.move_survey(actor=prefecture_user, survey=survey, move="finalise")
        assert states.state_of(survey) == states.FINALISED
        survey = states.move_survey(actor=prefecture_user, survey=survey, move="publish",
                                    named=True)
        assert states.state_of(survey) == states.PUBLISHED and survey.results_named
        survey = states.move_survey(actor=prefecture_user, survey=survey, move="unpublish")
        survey = states.move_survey(actor=prefecture_user, survey=survey, move="reopen")
    assert states.state_of(survey) == states.CLOSED
    changed = AuditEntry.objects.filter(object_id=str(survey.pk), action="update",
                                        actor=prefecture_user)
    assert changed.count() == 5


def test_only_prefecture_staff_move_a_survey(branch_user, municipal_user):
    survey = make_survey()
    for user in (branch_user, municipal_user):
        with pytest.raises(PermissionDenied):
            states.move_survey(actor=user, survey=survey, move="close")


def test_the_confirmation_page_asks_before_the_survey_moves(client, prefecture_user):
    survey = make_survey()
    client.force_login(prefecture_user)
    page = client.get(reverse("survey_close", args=[survey.pk]))
    assert "締め切" in page.content.decode() and page.status_code == 200
    client.post(reverse("survey_close", args=[survey.pk]))  # no confirmation: nothing moves
    assert states.state_of(Survey.objects.get()) == states.OPEN
    client.post(reverse("survey_close", args=[survey.pk]), {"confirm": "yes"})
    assert states.state_of(Survey.objects.get()) == states.CLOSED
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert 'aria-current="step">締切' in detail


def test_finalised_answers_are_frozen(client, prefecture_user, municipal_user):
    survey = make_survey()
    states.move_survey(actor=prefecture_user, survey=survey, move="close")
    states.move_survey(actor=prefecture_user, survey=survey, move="finalise")
    survey.refresh_from_db()
    with pytest.raises(NotAnswerable):
        submit(actor=municipal_user, survey=survey, municipality=municipality("062014"),
               answers=complete(survey), base_version=0)
    client.force_login(municipal_user)
    assert client.get(reverse("survey_answer", args=[survey.pk])).status_code == 200
    response = client.post(reverse("survey_answer", args=[survey.pk]),
                           {"version": "0", "action": "submit", **complete(survey)})
    assert response.status_code == 400 and not SurveyResponse.objects.exists()
    assert not permissions.can(municipal_user, ANSWER, survey)
    assert not permissions.can(prefecture_user, REMIND, survey)


def test_the_finalising_confirmation_names_running_extensions(client, prefecture_user):
    survey = make_survey()
    extend_deadline(actor=prefecture_user, survey=survey, municipality=municipality("062014"),
                    until=survey.deadline + datetime.timedelta(days=30), reason="災害対応")
    states.move_survey(actor=prefecture_user, survey=survey, move="close")
    client.force_login(prefecture_user)
    page = client.get(reverse("survey_finalise", args=[survey.pk])).content.decode()
    assert "1団体" in page and "延長" in page


# Named actions ----------------------------------------------------------------------------

def test_every_survey_decision_is_a_named_action_of_its_policy(users_by_role):
    survey = make_survey()
    who = {action: {name for name, user in users_by_role.items()
                    if permissions.can(user, action, survey)}
           for action in (ANSWER, RUN, REMIND, EXTEND, PROXY, SEE_RESULTS)}
    assert who[ANSWER] == {"municipal", "other_municipal"}
    assert who[RUN] == who[REMIND] == {"prefecture", "admin"}
    assert who[EXTEND] == who[PROXY] == who[SEE_RESULTS] == {
        "prefecture", "admin", "branch", "other_branch"}
    assert set(permissions.actions_of(Survey)) >= {ANSWER, RUN, REMIND, EXTEND, PROXY}
    with pytest.raises(ValueError):
        permissions.can(users_by_role["prefecture"], "return", survey)  # an answer's action


# Extensions -----------------------------------------------------------------------------

def test_a_liaison_room_extends_its_own_region_only(client, branch_user, other_branch_user):
    survey = make_survey()
    url = reverse("survey_extend", args=[survey.pk, "062014"])
    day = timezone.localdate(survey.deadline) + datetime.timedelta(days=5)
    client.force_login(other_branch_user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"day": day, "time": "17:00", "reason": "x"}).status_code == 404
    client.force_login(branch_user)
    assert client.get(reverse("survey_extend", args=[survey.pk, "063657"])).status_code == 404
    missing = client.post(url, {"day": day, "time": "17:00", "reason": ""})
    assert missing.status_code == 400 and not DeadlineExtension.objects.exists()
    early = client.post(url, {"day": timezone.localdate(survey.deadline)
                              - datetime.timedelta(days=1), "time": "17:00", "reason": "x"})
    assert early.status_code == 400 and "後" in early.content.decode()
    assert client.post(url, {"day": day, "time": "17:00", "reason": "庁内調整のため"}) \
        .status_code == 302
    extension = DeadlineExtension.objects.get()
    assert extension.granted_by == branch_user and extension.reason == "庁内調整のため"
    entry = AuditEntry.objects.get(content_type__model="deadlineextension")
    assert entry.actor == branch_user and entry.owner_id == str(survey.pk)
    board = client.get(reverse("survey_status", args=[survey.pk])).content.decode()
    assert "庁内調整のため" in board


def test_municipal_staff_cannot_extend(client, municipal_user):
    survey = make_survey()
    client.force_login(municipal_user)
    assert client.get(reverse("survey_extend", args=[survey.pk, "062014"])).status_code == 404
    with pytest.raises(PermissionDenied):
        extend_deadline(actor=municipal_user, survey=survey,
                        municipality=municipality("062014"),
                        until=survey.deadline + datetime.timedelta(days=3), reason="x")


def test_an_answer_within_the_extension_is_not_late(prefecture_user, municipal_user):
    survey = make_survey()
    extend_deadline(actor=prefecture_user, survey=survey, municipality=municipality("062014"),
                    until=survey.deadline + datetime.timedelta(days=7), reason="災害対応")
    with time_machine.travel(survey.deadline + datetime.timedelta(days=2)):
        response = submit(actor=municipal_user, survey=survey,
                          municipality=municipality("062014"), answers=complete(survey),
                          base_version=0)
    assert not response.is_late
    with time_machine.travel(survey.deadline + datetime.timedelta(days=8)):
        other = UserFactory(organisation=municipality_org("062022"))
        late = submit(actor=other, survey=survey, municipality=municipality("062022"),
                      answers=complete(survey), base_version=0)
    assert late.is_late


def test_the_board_marks_an_answer_after_the_extended_deadline_late(
        client, prefecture_user, municipal_user):
    survey = make_survey()
    extend_deadline(actor=prefecture_user, survey=survey, municipality=municipality("062014"),
                    until=survey.deadline + datetime.timedelta(days=2), reason="災害対応")
    extend_deadline(actor=prefecture_user, survey=survey, municipality=municipality("062022"),
                    until=survey.deadline + datetime.timedelta(days=7), reason="議会日程")
    with time_machine.travel(survey.deadline + datetime.timedelta(days=3)):
        for user, code in ((municipal_user, "062014"),
                           (UserFactory(organisation=municipality_org("062022")), "062022")):
            submit(actor=user, survey=survey, municipality=municipality(code),
                   answers=complete(survey), base_version=0)
    client.force_login(prefecture_user)
    board = client.get(reverse("survey_status", args=[survey.pk])).content.decode()
    assert 'aria-label="山形市：期限後提出"' in board  # past its extension too
    assert 'aria-label="米沢市：提出済み"' in board  # within its extension
    client.force_login(municipal_user)
    page = client.get(reverse("survey_answer", args=[survey.pk])).content.decode()
    assert "（期限後）" in page


@pytest.fixture
def planned(db, prefecture_user):
    with time_machine.travel(on(7, 1), tick=False):
        survey = make_survey(deadline=DEADLINE, codes=("062014", "063657"), plan=[-1, 1])
    for code in ("062014", "063657"):
        UserFactory(organisation=municipality_org(code), username=f"chief-{code}",
                    email=f"chief-{code}@example.jp")
    return survey


def steps_of(code):
    return sorted(ReminderDelivery.objects.filter(
        municipality__lg_code=code, sent_at__isnull=False).values_list("step", flat=True))


def test_reminders_follow_the_extended_deadline_and_none_goes_twice(planned, prefecture_user):
    with time_machine.travel(on(7, 30), tick=False):  # the day before: both reminded
        assert sweep_reminders() == 2
    with time_machine.travel(on(7, 30, 10), tick=False):  # then 山形市 gets a week more
        extend_deadline(actor=prefecture_user, survey=planned,
                        municipality=municipality("062014"), until=on(8, 7, 17, 0),
                        reason="議会日程のため")
        assert sweep_reminders() == 0  # the old date's reminder is not sent again
    with time_machine.travel(on(8, 1), tick=False):  # the day after the survey's deadline
        assert sweep_reminders() == 1
        assert sweep_reminders() == 0
    assert steps_of("063657") == ["+1", "-1"]
    assert steps_of("062014") == ["-1"]  # no "deadline has passed" for the extended one
    with time_machine.travel(on(8, 6), tick=False):  # the day before the extended deadline
        assert sweep_reminders() == 1
        assert sweep_reminders() == 0
    with time_machine.travel(on(8, 8), tick=False):
        assert sweep_reminders() == 1
    assert steps_of("062014") == ["+1@2026-08-07", "-1", "-1@2026-08-07"]
    last = mail.outbox[-2]
    assert last.to == ["chief-062014@example.jp"] and "令和8年8月7日" in last.body
    assert "期限" in ReminderDelivery.objects.get(step="-1@2026-08-07").step_label


def test_a_step_due_before_the_extension_was_granted_is_not_sent(planned, prefecture_user):
    with time_machine.travel(on(8, 3), tick=False):
        extend_deadline(actor=prefecture_user, survey=planned,
                        municipality=municipality("062014"), until=on(8, 4, 17, 0),
                        reason="電話で依頼")
        # The extended deadline's day-before step (8/3 9:00) came before the grant.
        sweep_reminders()
    assert steps_of("062014") == []
    with time_machine.travel(on(8, 5), tick=False):
        sweep_reminders()
    assert steps_of("062014") == ["+1@2026-08-04"]


# Proxy answers ----------------------------------------------------------------------------

def test_prefecture_staff_enter_an_answer_on_a_municipalitys_behalf(client, prefecture_user,
                                                                     municipal_user):
    survey = make_survey()
    url = reverse("survey_proxy", args=[survey.pk, "062014"])
    client.force_login(prefecture_user)
    page = client.get(url).content.decode()
    assert "代理入力" in page and "山形市" in page and "data-autosave" not in page
    fields, staff, _number, _text = keys(survey)
    assert client.post(url, {"version": "0", "action": "save", fields: ["防災"]}) \
        .status_code == 302
    assert client.post(url, {"version": "1", "action": "submit", fields: ["防災"],
                             staff: "足りている"}).status_code == 302
    response = SurveyResponse.objects.get()
    assert response.status == "submitted" and response.submitted_by == prefecture_user
    assert response.proxy_organisation == prefecture_user.organisation
    trail = AuditEntry.objects.filter(content_type__model="surveyresponse").order_by("pk")
    assert [(entry.action, entry.actor) for entry in trail] == [
        ("update", prefecture_user), ("update", prefecture_user), ("submit", prefecture_user)]
    assert all(f"代理入力：{prefecture_user.organisation}" in entry.note for entry in trail)
    client.force_login(municipal_user)
    own = client.get(reverse("survey_answer", args=[survey.pk])).content.decode()
    assert f"代理入力：{prefecture_user.organisation.name}" in own


def test_a_liaison_room_enters_answers_for_its_region_only(client, branch_user,
                                                          other_branch_user, municipal_user):
    survey = make_survey()
    client.force_login(other_branch_user)
    assert client.get(reverse("survey_proxy", args=[survey.pk, "062014"])).status_code == 404
    client.force_login(municipal_user)
    assert client.get(reverse("survey_proxy", args=[survey.pk, "062014"])).status_code == 404
    client.force_login(branch_user)
    assert client.get(reverse("survey_proxy", args=[survey.pk, "063657"])).status_code == 404
    fields, *_rest = keys(survey)
    client.post(reverse("survey_proxy", args=[survey.pk, "062014"]),
                {"version": "0", "action": "save", fields: ["観光"]})
    assert SurveyResponse.objects.get().proxy_organisation == branch_user.organisation


# The approval print ------------------------------------------------------------------------

def test_the_print_page_shows_the_answer_with_who_saved_and_submitted(client, municipal_user):
    survey = make_survey()
    municipal_user.first_name, municipal_user.last_name = "花子", "山形"
    municipal_user.save()
    client.force_login(municipal_user)
    url = reverse("survey_answer_print", args=[survey.pk])
    empty = client.get(url).content.decode()
    assert "未着手" in empty and "連携したい分野" in empty
    fields, staff, _number, _text = keys(survey)
    client.post(reverse("survey_answer", args=[survey.pk]),
                {"version": "0", "action": "save", fields: ["防災"]})
    draft = client.get(url).content.decode()
    assert "下書き" in draft and "防災" in draft and municipal_user.display_name in draft
    assert municipal_user.username not in draft.replace("chief", "")
    client.post(reverse("survey_answer", args=[survey.pk]),
                {"version": "1", "action": "submit", fields: ["防災"], staff: "足りている"})
    done = client.get(url).content.decode()
    assert "提出済み" in done and "足りている" in done
    page = client.get(reverse("survey_answer", args=[survey.pk])).content.decode()
    assert reverse("survey_answer_pdf", args=[survey.pk]) in page


def test_the_print_page_is_the_users_own_municipalitys(client, municipal_user,
                                                       other_municipal_user, branch_user):
    survey = make_survey()
    submitted(survey, "062014", **{keys(survey)[3]: "山形市だけの要望"})
    client.force_login(other_municipal_user)
    assert "山形市だけの要望" not in client.get(
        reverse("survey_answer_print", args=[survey.pk])).content.decode()
    client.force_login(branch_user)
    assert client.get(reverse("survey_answer_print", args=[survey.pk])).status_code == 404


def test_staff_and_the_regions_liaison_room_print_a_municipalitys_answer(
        client, prefecture_user, branch_user, other_branch_user, municipal_user,
        other_municipal_user):
    survey = make_survey()
    submitted(survey, "062014", **{keys(survey)[3]: "山形市だけの要望"})
    extend_deadline(actor=prefecture_user, survey=survey, municipality=municipality("062014"),
                    until=survey.deadline + datetime.timedelta(days=7), reason="災害対応")
    url = reverse("survey_response_print", args=[survey.pk, "062014"])
    for user in (prefecture_user, branch_user):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "山形市だけの要望" in page and "提出済み" in page
        assert reverse("survey_response_pdf", args=[survey.pk, "062014"]) in page
        assert wareki_datetime(survey.deadline + datetime.timedelta(days=7)) in page
        assert url in client.get(reverse("survey_response",
                                         args=[survey.pk, "062014"])).content.decode()
    # Another region's liaison room, another municipality (even its own 062014 is not
    # reached this way), the municipality itself: no such page.
    for user in (other_branch_user, other_municipal_user, municipal_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("survey_response_pdf",
                                  args=[survey.pk, "062014"])).status_code == 404


def test_staff_get_a_municipalitys_approval_pdf(client, branch_user, other_branch_user,
                                                pdf_ok):
    survey = make_survey()
    submitted(survey, "062014")
    url = reverse("survey_response_pdf", args=[survey.pk, "062014"])
    client.force_login(branch_user)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f"survey-{survey.pk}-062014.pdf" in response["Content-Disposition"]
    client.force_login(other_branch_user)
    assert client.get(url).status_code == 404


def test_the_approval_pdf_is_a_pdf(client, municipal_user, pdf_ok):
    survey = make_survey()
    client.force_login(municipal_user)
    response = client.get(reverse("survey_answer_pdf", args=[survey.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# Results shared back -----------------------------------------------------------------------

def published(prefecture_user, *, named):
    survey = make_survey()
    fields, staff, _number, text = keys(survey)
    submitted(survey, "062014", **{fields: ["防災"], staff: "足りている", text: "山形市の要望"})
    SurveyResponse.objects.create(survey=survey, municipality=municipality("062022"),
                                  answers={fields: ["観光"], text: "米沢市の下書き"})
    states.move_survey(actor=prefecture_user, survey=survey, move="close")
    states.move_survey(actor=prefecture_user, survey=survey, move="finalise")
    states.move_survey(actor=prefecture_user, survey=survey, move="publish", named=named)
    return survey


def test_respondents_see_the_published_totals_and_never_a_draft(
        client, prefecture_user, municipal_user, other_municipal_user, other_branch_user):
    survey = published(prefecture_user, named=False)
    url = reverse("survey_shared_results", args=[survey.pk])
    client.force_login(municipal_user)
    page = client.get(url).content.decode()
    assert "防災" in page and "山形市の要望" not in page and "米沢市の下書き" not in page
    assert "観光" not in page  # the draft's choice is not counted
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert url in detail
    second = UserFactory(organisation=municipality_org("062014"))
    client.force_login(second)
    assert client.get(url).status_code == 200
    client.force_login(other_municipal_user)  # 大蔵村 did not answer
    assert client.get(url).status_code == 404
    yonezawa = UserFactory(organisation=municipality_org("062022"))  # a draft only
    client.force_login(yonezawa)
    assert client.get(url).status_code == 404
    client.force_login(other_branch_user)
    assert "米沢市の下書き" not in client.get(url).content.decode()


def test_named_results_show_the_submitted_answers_with_their_municipality(client,
                                                                          prefecture_user,
                                                                          municipal_user):
    survey = published(prefecture_user, named=True)
    client.force_login(municipal_user)
    page = client.get(reverse("survey_shared_results", args=[survey.pk])).content.decode()
    assert "山形市の要望" in page and "米沢市の下書き" not in page


def test_shared_results_show_a_grid_per_row_and_a_ranking_per_rank(client, prefecture_user,
                                                                   municipal_user):
    survey = make_survey()
    section = Section.objects.get(survey=survey)
    grid = Question.objects.create(section=section, order=5, kind=Question.Kind.GRID,
                                   text="分野ごとの必要性", rows=["除雪", "水道"])
    ranking = Question.objects.create(section=section, order=6, kind=Question.Kind.RANKING,
                                      text="優先したい事務", choices=["税務", "観光"])
    submitted(survey, "062014", **{f"q{grid.pk}_g1": "4", f"q{grid.pk}_g2": "2",
                                   f"q{ranking.pk}_r1": "観光"})
    for move in ("close", "finalise", "publish"):
        states.move_survey(actor=prefecture_user, survey=survey, move=move)
    client.force_login(municipal_user)
    page = client.get(reverse("survey_shared_results", args=[survey.pk])).content.decode()
    assert '<th scope="row">除雪</th>' in page and '<th scope="row">水道</th>' in page
    assert "1位" in page and '<th scope="row">観光</th>' in page


def test_results_are_not_shared_before_they_are_published(client, prefecture_user,
                                                          municipal_user):
    survey = make_survey()
    submitted(survey, "062014")
    client.force_login(municipal_user)
    assert client.get(reverse("survey_shared_results", args=[survey.pk])).status_code == 404
    assert client.get(reverse("survey_results", args=[survey.pk])).status_code == 404


# Reminding by hand ---------------------------------------------------------------------------

def test_reminding_now_asks_with_the_number_of_emails_and_a_second_press_finds_none(
        client, prefecture_user, branch_user, django_capture_on_commit_callbacks):
    survey = make_survey(codes=("062014", "063657", "064611"))
    for code, people in (("062014", 2), ("063657", 1), ("064611", 1)):
        for n in range(people):
            UserFactory(organisation=municipality_org(code), email=f"{code}-{n}@example.jp")
    submitted(survey, "064611")
    url = reverse("survey_remind", args=[survey.pk])
    client.force_login(branch_user)
    assert client.get(url).status_code == 404
    client.force_login(prefecture_user)
    page = client.get(url).content.decode()
    assert "3通" in page and "2市町村" in page.replace(" ", "")
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True).content.decode()
    assert "3通" in first
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "062014-0@example.jp", "062014-1@example.jp", "063657-0@example.jp"]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True).content.decode()
    assert "対象はありません" in again or "督促済み" in again
    assert len(mail.outbox) == 2  # one e-mail per municipality, to each of its people
    assert "対象はありません" in client.get(url).content.decode()
