"""A municipality's page and profile show its survey answers and councils to those allowed."""

import pytest
from django.urls import reverse

from meetings.models import Body, Membership
from portal.lib import caching
from tests.meetings.conftest import APRIL_1
from tests.reports import ask, download
from tests.surveys.conftest import keys, make_survey
from tests.surveys.test_board_and_results import answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_files")]


@pytest.fixture
def yamagata_answered_and_seated(municipal_user, prefecture_user):
    survey = make_survey()
    fields, staff, number, _text = keys(survey)
    answer(survey, "062014", **{fields: ["水道"], staff: "不足している", number: "4"})
    council = Body.objects.create(kind=Body.Kind.COUNCIL, name="県・市町村連携推進会議")
    Membership.objects.create(body=council, user=municipal_user, title="企画調整課長",
                              starts_on=APRIL_1)
    Membership.objects.create(body=council, user=prefecture_user, title="企画振興部長",
                              starts_on=APRIL_1, is_chair=True)
    return survey


def page_of(client, user, code="062014") -> str:
    client.force_login(user)
    response = client.get(reverse("municipality_detail", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def test_prefecture_staff_see_the_answers_and_the_seats(client, prefecture_user,
                                                         yamagata_answered_and_seated,
                                                         django_assert_max_num_queries):
    client.force_login(prefecture_user)
    client.get(reverse("municipality_detail", args=["062014"]))  # 横展開の候補's list made
    caching.bump(caching.EVERYTHING)
    # user, municipality, figures, history, initiatives (one: fewer than a page full), the
    # latest answers and their questions (shared by both survey sections), councils,
    # 横展開の候補 ×2 (the fields it chose, its kept list: none like it)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("municipality_detail", args=["062014"])).content.decode()
    assert "調査への回答" in page and "専門職員の状況" in page and "不足している" in page
    assert "県・市町村連携推進会議" in page and "企画調整課長" in page
    assert "企画振興部長" not in page  # the prefecture's seat is not 山形市's


def test_a_municipality_sees_its_own_answers(client, municipal_user,
                                             yamagata_answered_and_seated):
    page = page_of(client, municipal_user)
    assert "不足している" in page and "県・市町村連携推進会議" in page


@pytest.mark.parametrize("outsider", ["other_municipal_user", "other_branch_user"])
def test_outsiders_do_not_see_the_answers(client, request, outsider,
                                          yamagata_answered_and_seated):
    page = page_of(client, request.getfixturevalue(outsider))
    assert "調査への回答" not in page and "不足している" not in page
    assert "企画調整課長" not in page  # nor a council they do not sit on


def test_a_draft_stays_with_its_municipality(client, prefecture_user, municipal_user):
    survey = make_survey()
    fields, *_rest = keys(survey)
    answer(survey, "062014", status="draft", **{fields: ["下書きの分野"]})
    assert "下書きの分野" not in page_of(client, prefecture_user)
    assert "下書きの分野" in page_of(client, municipal_user)


def links_of(pdf: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [annotation.get_object()["/A"]["/URI"]
            for page in PdfReader(io.BytesIO(pdf)).pages
            for annotation in page.get("/Annots") or []
            if "/URI" in annotation.get_object().get("/A", {})]


def test_the_profile_pdf_carries_answers_and_councils(client, prefecture_user, pdf_ok,
                                                      settings, yamagata_answered_and_seated,
                                                      django_capture_on_commit_callbacks):
    from tests.meetings.test_packet import text_of

    client.force_login(prefecture_user)
    report = ask(client, "municipality_profile", django_capture_on_commit_callbacks,
                 lg_code="062014")
    pdf = download(client, report)
    text = text_of(pdf)
    assert f"{settings.PORTAL_BASE_URL}/surveys/" in " ".join(links_of(pdf))  # links work
    for words in ("調査への回答", "専門職員の状況", "不足している", "県・市町村連携推進会議",
                  "企画調整課長"):
        assert words in text, words
