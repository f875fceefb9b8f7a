"""Who gets what at every URL: allowed, sent to log in, refused, or told it does not exist.

Every URL pattern of the project (the admin aside) must have a row here, so a new page
cannot ship without its expected outcome for every role.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from collaboration.models import SynonymGroup, Theme
from meetings.models import AgendaItem, CalendarFeed
from portal.models import Region, Report
from portal.services.attachments import attachment_create
from surveys.models import Question, Section, Survey, SurveyResponse, ThemeSource
from tests.collaboration.conftest import make_initiative
from tests.factories import UserFactory, municipality, municipality_org
from tests.meetings.conftest import make_council, make_meeting
from tests.portal.test_url_access import SELF_GUARDED_NAMESPACES, walk
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

OK = 200
LOGIN = "login"  # redirected to the login page
REDIRECT = "redirect"  # redirected elsewhere
ADMIN_LOGIN = "admin login"
SIGNED_IN = ["prefecture", "admin", "branch", "other_branch", "municipal", "other_municipal"]
ROLES = ["anonymous", *SIGNED_IN]


def same(outcome, **overrides):
    return {role: overrides.get(role, outcome) for role in ROLES}


def signed_in(outcome, anonymous=LOGIN, **overrides):
    return {**same(outcome, **overrides), "anonymous": overrides.get("anonymous", anonymous)}


# name: (method, url builder, expected outcome per role)
MATRIX = {
    "home": ("get", lambda c: reverse("home"), signed_in(OK)),
    "login": ("get", lambda c: reverse("login"), signed_in(REDIRECT, anonymous=OK)),
    "logout": ("post", lambda c: reverse("logout"), same(LOGIN)),
    "password_change": ("get", lambda c: reverse("password_change"), signed_in(OK)),
    "password_change_done": ("get", lambda c: reverse("password_change_done"), signed_in(OK)),
    "password_reset": ("get", lambda c: reverse("password_reset"), same(OK)),
    "password_reset_done": ("get", lambda c: reverse("password_reset_done"), same(OK)),
    "password_reset_confirm": ("get", lambda c: reverse(
        "password_reset_confirm", args=["MQ", "not-a-token"]), same(OK)),
    "password_reset_complete": ("get", lambda c: reverse("password_reset_complete"), same(OK)),
    # Login lockouts: prefecture staff and administrators; an empty lift form is a 400.
    "lockout_list": ("get", lambda c: reverse("lockout_list"),
                     signed_in(403, prefecture=OK, admin=OK)),
    "lockout_lift": ("post", lambda c: reverse("lockout_lift"),
                     signed_in(403, prefecture=400, admin=400)),
    # A file attached to the municipal user's own account (see the context fixture).
    "file_download": ("get", lambda c: reverse("file_download", args=[c["attachment"].pk]),
                      signed_in(404, prefecture=OK, admin=OK, municipal=OK)),
    "municipality_list": ("get", lambda c: reverse("municipality_list"), signed_in(OK)),
    "municipality_detail": ("get", lambda c: reverse("municipality_detail", args=["062014"]),
                            signed_in(OK)),
    "set_language": ("post", lambda c: reverse("set_language"), same(REDIRECT)),
    # Collaboration: a published initiative in 山形市 (村山) and an unpublished proposal of
    # 大蔵村 (最上); "municipal" is 山形市 staff, "branch" the 村山 liaison room.
    "initiative_list": ("get", lambda c: reverse("initiative_list"), signed_in(OK)),
    "initiative_export_csv": ("get", lambda c: reverse("initiative_export_csv"), signed_in(OK)),
    "initiative_export_participants_csv": (
        "get", lambda c: reverse("initiative_export_participants_csv"), signed_in(OK)),
    "initiative_export_xlsx": ("get", lambda c: reverse("initiative_export_xlsx"),
                               signed_in(OK)),
    "initiative_matrix": ("get", lambda c: reverse("initiative_matrix"), signed_in(OK)),
    "initiative_create": ("get", lambda c: reverse("initiative_create"), signed_in(OK)),
    "initiative_detail": ("get", lambda c: reverse("initiative_detail", args=[c["proposal"].pk]),
                          signed_in(404, prefecture=OK, admin=OK, other_municipal=OK)),
    "initiative_edit": ("get", lambda c: reverse("initiative_edit", args=[c["initiative"].pk]),
                        signed_in(404, prefecture=OK, admin=OK, branch=OK, municipal=OK)),
    "initiative_publish": ("post", lambda c: reverse("initiative_publish",
                                                     args=[c["initiative"].pk]),
                           signed_in(404, prefecture=REDIRECT, admin=REDIRECT,
                                     branch=REDIRECT, municipal=403)),
    "initiative_attach": ("post", lambda c: reverse("initiative_attach",
                                                    args=[c["initiative"].pk]),
                          signed_in(404, prefecture=REDIRECT, admin=REDIRECT, branch=REDIRECT,
                                    municipal=REDIRECT)),
    # A fresh file for each role, so one role's removal does not decide the next one's.
    "initiative_detach": ("post", lambda c: reverse(
        "initiative_detach", args=[c["initiative"].pk, c["new_file"]().pk]),
        signed_in(404, prefecture=REDIRECT, admin=REDIRECT, branch=REDIRECT,
                  municipal=REDIRECT)),
    "framework": ("get", lambda c: reverse("framework"), signed_in(403, prefecture=OK, admin=OK)),
    "framework_add": ("get", lambda c: reverse("framework_add", args=["methods"]),
                      signed_in(403, prefecture=OK, admin=OK)),
    "framework_edit": ("get", lambda c: reverse("framework_edit", args=[
        "categories", c["initiative"].category_id]), signed_in(403, prefecture=OK, admin=OK)),
    # The synonym dictionary: prefecture staff (and administrators) only; a fresh group for
    # each role's removal.
    "synonym_list": ("get", lambda c: reverse("synonym_list"),
                     signed_in(403, prefecture=OK, admin=OK)),
    "synonym_add": ("get", lambda c: reverse("synonym_add"),
                    signed_in(403, prefecture=OK, admin=OK)),
    "synonym_edit": ("get", lambda c: reverse("synonym_edit", args=[c["new_synonyms"]().pk]),
                     signed_in(403, prefecture=OK, admin=OK)),
    "synonym_delete": ("post", lambda c: reverse("synonym_delete",
                                                 args=[c["new_synonyms"]().pk]),
                       signed_in(403, prefecture=REDIRECT, admin=REDIRECT)),
    "initiative_spread": ("get", lambda c: reverse("initiative_spread",
                                                   args=[c["initiative"].pk]), signed_in(OK)),
    # Themes: one of the 村山 region born of a need 山形市 chose; prefecture staff keep
    # themes, a liaison room proposes, a municipality reads those it is part of.
    "theme_list": ("get", lambda c: reverse("theme_list"), signed_in(OK)),
    "theme_create": ("get", lambda c: reverse("theme_create"),
                     signed_in(OK, municipal=403, other_municipal=403)),
    "theme_detail": ("get", lambda c: reverse("theme_detail", args=[c["theme"].pk]),
                     signed_in(404, prefecture=OK, admin=OK, branch=OK, municipal=OK)),
    "theme_edit": ("get", lambda c: reverse("theme_edit", args=[c["theme"].pk]),
                   signed_in(404, prefecture=OK, admin=OK)),
    "theme_status": ("post", lambda c: reverse("theme_status", args=[c["theme"].pk]),
                     signed_in(404, prefecture=400, admin=400)),
    "theme_initiatives": ("get", lambda c: reverse("theme_initiatives", args=[c["theme"].pk]),
                          signed_in(404, prefecture=OK, admin=OK)),
    # A fresh link for each role, so one role's unlinking does not decide the next one's.
    "theme_initiative_remove": ("post", lambda c: reverse(
        "theme_initiative_remove", args=[c["theme"].pk, c["new_link"]().pk]),
        signed_in(404, prefecture=REDIRECT, admin=REDIRECT)),
    # Surveys: an open survey sent to all 35; 山形市 has submitted its answer.
    "survey_list": ("get", lambda c: reverse("survey_list"), signed_in(OK)),
    "survey_detail": ("get", lambda c: reverse("survey_detail", args=[c["survey"].pk]),
                      signed_in(OK)),
    "survey_answer": ("get", lambda c: reverse("survey_answer", args=[c["survey"].pk]),
                      signed_in(404, municipal=OK, other_municipal=OK)),
    "survey_status": ("get", lambda c: reverse("survey_status", args=[c["survey"].pk]),
                      signed_in(OK, municipal=404, other_municipal=404)),
    "survey_remind": ("post", lambda c: reverse("survey_remind", args=[c["survey"].pk]),
                      signed_in(404, prefecture=REDIRECT, admin=REDIRECT)),
    "survey_results": ("get", lambda c: reverse("survey_results", args=[c["survey"].pk]),
                       signed_in(OK, municipal=404, other_municipal=404)),
    # The survey year: prefecture staff move the survey on (a confirmation page, also where
    # the step is not possible now); they and the 村山 liaison room extend 山形市's deadline
    # and enter its answer; each municipality prints its own answer.
    **{f"survey_{move}": ("get", lambda c, move=move: reverse(f"survey_{move}",
                                                               args=[c["survey"].pk]),
                          signed_in(404, prefecture=OK, admin=OK))
       for move in ("close", "finalise", "reopen", "publish", "unpublish")},
    "survey_extend": ("get", lambda c: reverse("survey_extend", args=[c["survey"].pk,
                                                                      "062014"]),
                      signed_in(404, prefecture=OK, admin=OK, branch=OK)),
    "survey_proxy": ("get", lambda c: reverse("survey_proxy", args=[c["survey"].pk, "062014"]),
                     signed_in(404, prefecture=OK, admin=OK, branch=OK)),
    "survey_answer_print": ("get", lambda c: reverse("survey_answer_print",
                                                     args=[c["survey"].pk]),
                            signed_in(404, municipal=OK, other_municipal=OK)),
    "survey_answer_pdf": ("get", lambda c: reverse("survey_answer_pdf", args=[c["survey"].pk]),
                          signed_in(404, municipal=OK, other_municipal=OK)),
    # Published results of a second survey that 山形市 answered and 大蔵村 did not.
    "survey_shared_results": ("get", lambda c: reverse("survey_shared_results",
                                                       args=[c["published"].pk]),
                              signed_in(OK, other_municipal=404)),
    # Building surveys: prefecture staff (and administrators) only; fresh parts for removals.
    "survey_create": ("get", lambda c: reverse("survey_create"),
                      signed_in(403, prefecture=OK, admin=OK)),
    "survey_edit": ("get", lambda c: reverse("survey_edit", args=[c["survey"].pk]),
                    signed_in(403, prefecture=OK, admin=OK)),
    "survey_questions": ("get", lambda c: reverse("survey_questions", args=[c["survey"].pk]),
                         signed_in(403, prefecture=OK, admin=OK)),
    "survey_questionnaire_import": ("get", lambda c: reverse(
        "survey_questionnaire_import", args=[c["survey"].pk]),
        signed_in(403, prefecture=OK, admin=OK)),
    "survey_questionnaire_export": ("get", lambda c: reverse(
        "survey_questionnaire_export", args=[c["survey"].pk]),
        signed_in(403, prefecture=OK, admin=OK)),
    "survey_questionnaire_template": ("get", lambda c: reverse(
        "survey_questionnaire_template", args=[c["survey"].pk]),
        signed_in(403, prefecture=OK, admin=OK)),
    "survey_section_edit": ("get", lambda c: reverse("survey_section_edit", args=[
        c["survey"].pk, c["section"].pk]), signed_in(403, prefecture=OK, admin=OK)),
    "survey_section_delete": ("post", lambda c: reverse("survey_section_delete", args=[
        c["survey"].pk, c["new_section"]().pk]),
        signed_in(403, prefecture=REDIRECT, admin=REDIRECT)),
    "survey_question_add": ("get", lambda c: reverse("survey_question_add", args=[
        c["survey"].pk, c["section"].pk]), signed_in(403, prefecture=OK, admin=OK)),
    "survey_question_edit": ("get", lambda c: reverse("survey_question_edit", args=[
        c["survey"].pk, c["question"].pk]), signed_in(403, prefecture=OK, admin=OK)),
    "survey_question_delete": ("post", lambda c: reverse("survey_question_delete", args=[
        c["survey"].pk, c["new_question"]().pk]),
        signed_in(403, prefecture=REDIRECT, admin=REDIRECT)),
    # Nothing chosen to move: a 400 for those who may move things.
    "survey_move": ("post", lambda c: reverse("survey_move", args=[c["survey"].pk]),
                    signed_in(403, prefecture=400, admin=400)),
    "survey_send": ("post", lambda c: reverse("survey_send", args=[c["survey"].pk]),
                    signed_in(403, prefecture=REDIRECT, admin=REDIRECT)),
    # Meetings: the council with 山形市's chief ("municipal") as a member, and its meeting.
    "body_list": ("get", lambda c: reverse("body_list"), signed_in(OK)),
    "body_detail": ("get", lambda c: reverse("body_detail", args=[c["council"].pk]),
                    signed_in(404, prefecture=OK, admin=OK, municipal=OK)),
    "meeting_detail": ("get", lambda c: reverse("meeting_detail", args=[c["meeting"].pk]),
                       signed_in(404, prefecture=OK, admin=OK, municipal=OK)),
    # The buttons of the meeting's page: those who run it act; its member comments (an empty
    # form: back with a message), marks items done and asks for the packet.
    **{name: ("post", lambda c, name=name: reverse(name, args=[c["meeting"].pk]),
              signed_in(404, prefecture=REDIRECT, admin=REDIRECT))
       for name in ("meeting_announce", "meeting_cancel", "meeting_attendance",
                    "meeting_minutes", "action_item_add", "meeting_attach")},
    **{name: ("post", lambda c, name=name: reverse(name, args=[c["meeting"].pk]),
              signed_in(404, prefecture=REDIRECT, admin=REDIRECT, municipal=REDIRECT))
       for name in ("minutes_comment", "action_item_done", "meeting_packet")},
    # Running a body and changing a meeting: prefecture staff run the council; its member
    # only sees it. Empty forms: a 400 where the page is shown again, else back with a message.
    "body_rotation": ("get", lambda c: reverse("body_rotation", args=[c["council"].pk]),
                      signed_in(404, prefecture=OK, admin=OK)),
    "membership_add": ("post", lambda c: reverse("membership_add", args=[c["council"].pk]),
                       signed_in(404, prefecture=400, admin=400)),
    "membership_end": ("post", lambda c: reverse("membership_end", args=[
        c["council"].pk, c["seat"].pk]), signed_in(404, prefecture=REDIRECT, admin=REDIRECT)),
    "membership_replace": ("post", lambda c: reverse("membership_replace", args=[
        c["council"].pk, c["seat"].pk]), signed_in(404, prefecture=400, admin=400)),
    "team_create": ("get", lambda c: reverse("team_create", args=[c["council"].pk]),
                    signed_in(404, prefecture=OK, admin=OK)),
    "team_close": ("post", lambda c: reverse("team_close", args=[c["council"].pk]),
                   signed_in(404, prefecture=REDIRECT, admin=REDIRECT)),
    "meeting_edit": ("get", lambda c: reverse("meeting_edit", args=[c["meeting"].pk]),
                     signed_in(404, prefecture=OK, admin=OK)),
    "agenda_add": ("post", lambda c: reverse("agenda_add", args=[c["meeting"].pk]),
                   signed_in(404, prefecture=REDIRECT, admin=REDIRECT)),
    "agenda_link": ("post", lambda c: reverse("agenda_link", args=[c["meeting"].pk]),
                    signed_in(404, prefecture=REDIRECT, admin=REDIRECT)),
    "agenda_move": ("post", lambda c: reverse("agenda_move", args=[
        c["meeting"].pk, c["meeting"].agenda.first().pk]),
        signed_in(404, prefecture=REDIRECT, admin=REDIRECT)),
    # A fresh item for each role, so one role's removal does not decide the next one's.
    "agenda_remove": ("post", lambda c: reverse("agenda_remove", args=[
        c["meeting"].pk, c["new_item"]().pk]), signed_in(404, prefecture=REDIRECT,
                                                          admin=REDIRECT)),
    "calendar_settings": ("get", lambda c: reverse("calendar_settings"), signed_in(OK)),
    # The secret token in the address is the credential, whoever holds it.
    "calendar_feed": ("get", lambda c: reverse("calendar_feed", args=[c["feed"].token]),
                      same(OK)),
    # Reports: a finished annual report asked for by prefecture staff.
    "dashboard": ("get", lambda c: reverse("dashboard"), signed_in(OK)),
    "report_list": ("get", lambda c: reverse("report_list"), signed_in(OK)),
    "report_request": ("post", lambda c: reverse("report_request"), signed_in(REDIRECT)),
    "report_detail": ("get", lambda c: reverse("report_detail", args=[c["report"].pk]),
                      signed_in(404, prefecture=OK)),
    "report_status": ("get", lambda c: reverse("report_status", args=[c["report"].pk]),
                      signed_in(404, prefecture=OK)),
    "report_download": ("get", lambda c: reverse("report_download", args=[c["report"].pk]),
                        signed_in(404, prefecture=OK)),
    "report_retry": ("post", lambda c: reverse("report_retry", args=[c["report"].pk]),
                     signed_in(404, prefecture=REDIRECT)),
    "survey_export_csv": ("get", lambda c: reverse("survey_export_csv", args=[c["survey"].pk]),
                          signed_in(OK, municipal=404, other_municipal=404)),
    "survey_export_xlsx": ("get", lambda c: reverse("survey_export_xlsx",
                                                    args=[c["survey"].pk]),
                           signed_in(OK, municipal=404, other_municipal=404)),
    "survey_theme": ("post", lambda c: reverse("survey_theme", args=[c["survey"].pk]),
                     signed_in(404, prefecture=400, admin=400)),
    "survey_response": ("get", lambda c: reverse("survey_response",
                                                 args=[c["survey"].pk, "062014"]),
                        signed_in(404, prefecture=OK, admin=OK, branch=OK)),
    # 山形市's answer for approval, as the prefecture and the 村山 liaison room print it.
    "survey_response_print": ("get", lambda c: reverse("survey_response_print",
                                                       args=[c["survey"].pk, "062014"]),
                              signed_in(404, prefecture=OK, admin=OK, branch=OK)),
    "survey_response_pdf": ("get", lambda c: reverse("survey_response_pdf",
                                                     args=[c["survey"].pk, "062014"]),
                            signed_in(404, prefecture=OK, admin=OK, branch=OK)),
    "statistics_import": ("get", lambda c: reverse("statistics_import"),
                          signed_in(403, prefecture=OK, admin=OK)),
    # Accounts: prefecture staff manage every organisation's, a liaison room its region's
    # municipalities' ("managed" is 山形市 staff, in the 村山 region); the invitation link is
    # its own credential.
    "account_list": ("get", lambda c: reverse("account_list"),
                     signed_in(403, prefecture=OK, admin=OK, branch=OK, other_branch=OK)),
    "account_invite": ("get", lambda c: reverse("account_invite"),
                       signed_in(403, prefecture=OK, admin=OK, branch=OK, other_branch=OK)),
    "account_import": ("get", lambda c: reverse("account_import"),
                       signed_in(403, prefecture=OK, admin=OK, branch=OK, other_branch=OK)),
    "account_import_template": ("get", lambda c: reverse("account_import_template"),
                                signed_in(403, prefecture=OK, admin=OK, branch=OK,
                                          other_branch=OK)),
    "account_edit": ("get", lambda c: reverse("account_edit", args=[c["managed"].pk]),
                     signed_in(403, prefecture=OK, admin=OK, branch=OK, other_branch=404)),
    "account_hand_over": ("get", lambda c: reverse("account_hand_over",
                                                   args=[c["managed"].pk]),
                          signed_in(403, prefecture=OK, admin=OK, branch=OK,
                                    other_branch=404)),
    "account_deactivate": ("post", lambda c: reverse("account_deactivate",
                                                     args=[c["fresh_account"]().pk]),
                           signed_in(403, prefecture=REDIRECT, admin=REDIRECT,
                                     branch=REDIRECT, other_branch=404)),
    "account_reactivate": ("post", lambda c: reverse("account_reactivate",
                                                     args=[c["managed"].pk]),
                           signed_in(403, prefecture=REDIRECT, admin=REDIRECT,
                                     branch=REDIRECT, other_branch=404)),
    "account_resend": ("post", lambda c: reverse("account_resend", args=[c["managed"].pk]),
                       signed_in(403, prefecture=REDIRECT, admin=REDIRECT, branch=REDIRECT,
                                 other_branch=404)),
    "invitation_accept": ("get", lambda c: reverse("invitation_accept",
                                                   args=["MQ", "not-a-token"]), same(OK)),
    # The public site's switch: prefecture staff (and administrators) only.
    "public_site_settings": ("get", lambda c: reverse("public_site_settings"),
                             signed_in(403, prefecture=OK, admin=OK)),
    # Open data and the API show what the public site shows (nothing while it is off, as
    # here); anonymous visitors are sent to log in while it is off. See
    # tests/collaboration/test_public_site.py for the site turned on.
    "opendata": ("get", lambda c: reverse("opendata"), signed_in(OK)),
    "opendata_initiatives_csv": ("get", lambda c: reverse("opendata_initiatives_csv"),
                                 signed_in(OK)),
    "opendata_participants_csv": ("get", lambda c: reverse("opendata_participants_csv"),
                                  signed_in(OK)),
    "opendata_classifications_csv": ("get", lambda c: reverse("opendata_classifications_csv"),
                                     signed_in(OK)),
    "opendata_json": ("get", lambda c: reverse("opendata_json"), signed_in(OK)),
    "opendata_feed": ("get", lambda c: reverse("opendata_feed"), signed_in(OK)),
    "api_root": ("get", lambda c: reverse("api_root"), signed_in(OK)),
    "api_schema": ("get", lambda c: reverse("api_schema"), signed_in(OK)),
    "api_initiatives": ("get", lambda c: reverse("api_initiatives"), signed_in(OK)),
    "api_initiative": ("get", lambda c: reverse("api_initiative", args=[c["initiative"].pk]),
                       signed_in(404)),
    "api_framework": ("get", lambda c: reverse("api_framework"), signed_in(OK)),
    "api_municipalities": ("get", lambda c: reverse("api_municipalities"), signed_in(OK)),
    "api_municipality": ("get", lambda c: reverse("api_municipality", args=["062014"]),
                         signed_in(404)),
    "healthz": ("get", lambda c: reverse("healthz"), same(OK)),
    "robots_txt": ("get", lambda c: reverse("robots_txt"), same(OK)),
    "favicon": ("get", lambda c: reverse("favicon"), same(OK)),
}
ADMIN_MATRIX = {
    # The Django admin is the system administrator's tool: prefecture staff are refused too.
    "admin:index": signed_in(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=OK),
    "admin:portal_user_add": signed_in(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=OK),
    "admin:portal_user_changelist": signed_in(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, admin=OK),
    "admin:portal_statisticvalue_changelist": signed_in(ADMIN_LOGIN, anonymous=ADMIN_LOGIN,
                                                        admin=OK),
    "admin:portal_auditentry_changelist": signed_in(ADMIN_LOGIN, anonymous=ADMIN_LOGIN,
                                                    admin=OK),
    "admin:collaboration_category_changelist": signed_in(ADMIN_LOGIN, anonymous=ADMIN_LOGIN,
                                                         admin=OK),
    "admin:axes_accessattempt_changelist": signed_in(ADMIN_LOGIN, anonymous=ADMIN_LOGIN,
                                                     admin=OK),
}


@pytest.fixture
def context(users_by_role, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}
    attachment = attachment_create(
        actor=users_by_role["prefecture"], owner=users_by_role["municipal"],
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n"))
    initiative = make_initiative("山形市の取組み", codes=("062014",))
    proposal = make_initiative("大蔵村の提案", codes=("063657",), published=False)

    def new_file():
        return attachment_create(actor=users_by_role["prefecture"], owner=initiative,
                                 upload=SimpleUploadedFile("b.pdf", b"%PDF-1.7\n%%EOF\n"))

    survey = make_survey()
    SurveyResponse.objects.create(survey=survey, municipality=municipality("062014"),
                                  status="submitted", submitted_at=timezone.now())
    section = survey.sections.get()
    published = make_survey()
    SurveyResponse.objects.create(survey=published, municipality=municipality("062014"),
                                  status="submitted", submitted_at=timezone.now())
    Survey.objects.filter(pk=published.pk).update(
        deadline=timezone.now() - datetime.timedelta(hours=1), finalised_at=timezone.now(),
        opens_at=timezone.now() - datetime.timedelta(days=2),
        results_published_at=timezone.now())

    def new_synonyms():
        return SynonymGroup.objects.create(words=["試験語甲", "試験語乙"])

    def new_section():
        return Section.objects.create(survey=survey, title="削除する節", order=9)

    def new_question():
        return Question.objects.create(section=section, kind="short_text", text="削除する設問",
                                       order=9)

    theme = Theme.objects.create(title="水道（調査より）",
                                 region=Region.objects.get(code="murayama"))
    ThemeSource.objects.create(theme=theme, survey=survey, question=section.questions.first(),
                               choice="水道").municipalities.set([municipality("062014")])

    def new_link():
        linked = make_initiative("テーマから生まれた取組み", codes=("063657",))
        theme.initiatives.add(linked)
        return linked

    council = make_council(users_by_role["municipal"])
    meeting = make_meeting(users_by_role["prefecture"], council)
    seat = council.memberships.get()

    def new_item():
        return AgendaItem.objects.create(meeting=meeting, order=9, title="追加の議題")
    feed = CalendarFeed.objects.create(user=users_by_role["municipal"])
    report = Report.objects.create(kind="annual_xlsx", params={"year": 2025}, title="年次報告",
                                   requested_by=users_by_role["prefecture"], status="done",
                                   filename="r.xlsx", mime_type="application/octet-stream")
    report.file.save("r.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    managed = UserFactory(organisation=municipality_org("062014"), username="managed")

    def fresh_account():
        return UserFactory(organisation=municipality_org("062014"))

    return {"managed": managed, "fresh_account": fresh_account,
            "attachment": attachment, "users": users_by_role, "initiative": initiative,
            "proposal": proposal, "new_file": new_file, "survey": survey,
            "section": section, "question": section.questions.first(),
            "new_section": new_section, "new_question": new_question, "council": council,
            "meeting": meeting, "seat": seat, "new_item": new_item, "feed": feed,
            "report": report, "theme": theme, "new_link": new_link, "published": published,
            "new_synonyms": new_synonyms}


def outcome_of(response) -> object:
    if response.status_code == 302:
        if response.url.startswith("/admin/login/"):
            return ADMIN_LOGIN
        return LOGIN if response.url.startswith(reverse("login")) else REDIRECT
    return response.status_code


def test_every_url_has_a_row_in_the_matrix():
    routes = [(route, name) for route, _callback, namespace, name
              in walk(get_resolver().url_patterns) if namespace not in SELF_GUARDED_NAMESPACES]
    assert [route for route, name in routes if name is None] == [], "name every URL"
    assert {name for _route, name in routes} == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_expected_outcome(client, context, name):
    method, build, expected = MATRIX[name]
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(context["users"][role])
        response = getattr(client, method)(build(context))
        assert outcome_of(response) == expected[role], f"{name} as {role}"


# Anonymous visitors with the public site on: what differs from the site turned off. Every
# other row of MATRIX keeps its anonymous outcome (login, or what it was).
PUBLIC_SITE_ON = {
    "home": OK, "initiative_list": OK, "initiative_matrix": OK,
    "initiative_detail": 404,  # the unpublished proposal does not exist for the public
    "initiative_spread": OK,
    "file_download": 404,  # a file of a user's account is never public
    "opendata": OK, "opendata_initiatives_csv": OK, "opendata_participants_csv": OK,
    "opendata_classifications_csv": OK, "opendata_json": OK, "opendata_feed": OK,
    "api_root": OK, "api_schema": OK, "api_initiatives": OK, "api_initiative": OK,
    "api_framework": OK, "api_municipalities": OK, "api_municipality": OK,
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_visitors_with_the_public_site_on(client, context, name):
    from portal.models import SiteSettings

    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    method, build, expected = MATRIX[name]
    response = getattr(client, method)(build(context))
    assert outcome_of(response) == PUBLIC_SITE_ON.get(name, expected["anonymous"]), name


@pytest.mark.parametrize("name", sorted(ADMIN_MATRIX))
def test_the_admin_is_for_system_administrators_only(client, context, name):
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(context["users"][role])
        response = client.get(reverse(name))
        assert outcome_of(response) == ADMIN_MATRIX[name][role], f"{name} as {role}"
