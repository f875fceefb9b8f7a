"""No text typed into the portal becomes a formula in anyone's download.

Every downloadable page of the access matrix and every registered report kind is fetched
with formula payloads in the data, so a new export is checked without being listed here."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from collaboration.models import Initiative
from portal.lib import reports
from portal.lib.spreadsheets import FORMULA_STARTS, append, safe_text
from portal.models import Organisation
from portal.public_site import public_site_set
from surveys.models import Question, Section, SurveyResponse
from tests.collaboration.conftest import make_initiative
from tests.factories import municipality
from tests.reports import ask, download
from tests.surveys.conftest import keys
from tests.test_access_matrix import MATRIX, context  # noqa: F401  (the matrix's fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_files")]

HYPERLINK = '=HYPERLINK("http://x","y")'
PAYLOADS = [HYPERLINK, "=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]
NUMBER = re.compile(r"-\d+(\.\d+)?")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Which payloads each download must carry: proof the checks below looked at them.
INITIATIVE_TEXT = {HYPERLINK, "=1+1", "+1", "@SUM(A1)", "-1+1", "\t=1"}
MODEL_TITLES = {HYPERLINK, "-1+1"}
SURVEY_TEXT = {HYPERLINK, "=1+1", "@SUM(A1)", "\t=1", "\r=1", "+1"}
EXPECTED_DOWNLOADS = {
    "initiative_export_csv": INITIATIVE_TEXT,
    "initiative_export_participants_csv": MODEL_TITLES,  # titles: the long format's only text
    "initiative_export_xlsx": INITIATIVE_TEXT,
    "survey_export_csv": SURVEY_TEXT,
    "survey_export_xlsx": SURVEY_TEXT,
    "account_import_template": set(),  # the portal's own headings and examples, nothing typed
    # Open data (the public site is on in ``poisoned``): published initiatives only.
    "opendata_initiatives_csv": INITIATIVE_TEXT,
    "opendata_participants_csv": MODEL_TITLES,
    "opendata_classifications_csv": MODEL_TITLES,
    # The questionnaire as a planner edits it: the prefecture's own wording, question "+1".
    "survey_questionnaire_export": {"+1"},
    "survey_questionnaire_template": set(),  # the portal's own example rows
}
# The parameters each report kind is asked for with; every registered kind needs a row.
REPORT_PARAMS = {
    "annual_xlsx": (lambda c: {"year": "2025"}, MODEL_TITLES),
    "annual_pdf": (lambda c: {"year": "2025"}, set()),
    "survey_workbook": (lambda c: {"survey_id": str(c["survey"].pk)}, SURVEY_TEXT),
    "municipality_profile": (lambda c: {"lg_code": "062014"}, set()),
    "meeting_packet": (lambda c: {"meeting_id": str(c["meeting"].pk)}, set()),
}


@pytest.fixture
def poisoned(context):  # noqa: F811
    """The matrix's objects, with formula payloads wherever people type text."""
    public_site_set(actor=context["users"]["prefecture"], enabled=True)
    outside = Organisation.objects.create(kind=Organisation.Kind.EXTERNAL, name="@SUM(A1)")
    make_initiative(HYPERLINK, summary="=1+1", body="=1+1", outside_prefecture="+1",
                    scope=Initiative.Scope.OUTSIDE, lead_organisation=outside, is_model=True,
                    start_year=2025, codes=("062014",))
    make_initiative("-1+1", summary="\t=1", is_model=True, start_year=2025, codes=("062022",))
    survey = context["survey"]
    fields, staff, number, text = keys(survey)
    Question.objects.create(section=Section.objects.get(survey=survey), order=5,
                            kind=Question.Kind.SHORT_TEXT,
                            text="+1")  # the prefecture's own wording goes out too
    SurveyResponse.objects.filter(survey=survey, municipality__lg_code="062014").update(
        answers={fields: ["水道"], staff: "__other__", f"{staff}_other": HYPERLINK,
                 number: "-5", text: "=1+1"})
    for code, answers in (("062022", {staff: "__other__", f"{staff}_other": "\t=1",
                                      text: "@SUM(A1)"}),
                          ("062031", {staff: "足りている", text: "\r=1"})):
        SurveyResponse.objects.create(survey=survey, municipality=municipality(code),
                                      status="submitted", answers=answers,
                                      submitted_at=survey.opens_at)
    return context


def xlsx_texts(content: bytes) -> set[str]:
    """Every text of the workbook, after checking no cell is a formula and every text a
    spreadsheet would take for one is marked as quoted."""
    book = load_workbook(io.BytesIO(content))
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
                    if cell.value.startswith(FORMULA_STARTS):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    # XML reads a carriage return back as a line feed.
                    texts.add(cell.value.replace("\n", "\r"))
    return texts


def valid_code_cell(value: str) -> bool:
    from portal.lib.lg_code import check_digit

    match = re.fullmatch(r'="(\d{6}(?: \d{6})*)"', value)
    return match is not None and all(check_digit(code[:5]) == int(code[5])
                                     for code in match.group(1).split())


def csv_texts(content: bytes) -> set[str]:
    """Every cell of the CSV with its apostrophe taken off, after checking that no cell starts
    like a formula."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    texts = set()
    for row in csv.reader(io.StringIO(text[1:], newline="")):
        for value in row:
            # A negative number is read as a number, and the portal writes 団体コード as
            # ="062014" (valid codes only); anything else must not start so.
            assert not value.startswith(FORMULA_STARTS) or NUMBER.fullmatch(value) \
                or valid_code_cell(value), value
            texts.add(value.removeprefix("'"))
    return texts


def spreadsheet_texts(content_type: str, content: bytes) -> set[str] | None:
    if content_type.startswith("text/csv"):
        return csv_texts(content)
    if content_type.startswith(XLSX):
        return xlsx_texts(content)
    return None


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_download_page_keeps_typed_text_as_text(client, poisoned):
    client.force_login(poisoned["users"]["prefecture"])
    checked = {}
    for name, (method, build, _expected) in MATRIX.items():
        if method != "get":
            continue
        response = client.get(build(poisoned))
        texts = spreadsheet_texts(response.get("Content-Type", ""), body(response))
        if texts is not None:
            checked[name] = texts
    assert set(checked) == set(EXPECTED_DOWNLOADS), "give each new download its payloads"
    for name, texts in checked.items():
        assert EXPECTED_DOWNLOADS[name] <= texts, (name, EXPECTED_DOWNLOADS[name] - texts)


def test_every_report_kind_keeps_typed_text_as_text(client, poisoned, pdf_ok,
                                                    django_capture_on_commit_callbacks):
    assert set(REPORT_PARAMS) == {kind.code for kind in reports.kinds()}
    client.force_login(poisoned["users"]["prefecture"])
    for code, (params, expected) in REPORT_PARAMS.items():
        report = ask(client, code, django_capture_on_commit_callbacks, **params(poisoned))
        assert report.status == "done", (code, report.error)
        texts = spreadsheet_texts(report.mime_type, download(client, report))
        if texts is None:
            assert report.mime_type == "application/pdf", code  # a PDF holds no formulas
            assert not expected
        else:
            assert expected <= texts, (code, expected - texts)


def test_a_number_answer_stays_a_number(client, poisoned):
    client.force_login(poisoned["users"]["prefecture"])
    survey = poisoned["survey"]
    table = list(csv.reader(io.StringIO(client.get(
        reverse("survey_export_csv", args=[survey.pk])).content.decode("utf-8")[1:])))
    column = table[0].index("共同化したい事務の数（件）")
    assert table[1][column] == "-5"  # a figure, not text to neutralise
    book = load_workbook(io.BytesIO(client.get(
        reverse("survey_export_xlsx", args=[survey.pk])).content))
    assert book.worksheets[0].cell(row=2, column=column + 1).value == -5


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_that_starts_like_a_formula_is_prefixed_for_csv(payload):
    assert safe_text(payload) == "'" + payload


@pytest.mark.parametrize("value", ["山形市", "062014", "水道=共同", "", -5, 3.5, None])
def test_other_values_are_left_as_they_are(value):
    assert safe_text(value) == value


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_text_is_a_string_cell_whatever_it_looks_like(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    append(sheet, [*PAYLOADS, "#N/A", -5, "山形市"])
    buffer = io.BytesIO()
    book.save(buffer)
    (row,) = load_workbook(buffer).worksheets[0].iter_rows()
    assert [cell.value.replace("\n", "\r") if isinstance(cell.value, str) else cell.value
            for cell in row] == [*PAYLOADS, "#N/A", -5, "山形市"]
    assert [cell.data_type for cell in row] == ["s"] * 8 + ["n", "s"]
    assert [bool(cell.quotePrefix) for cell in row] == [True] * 7 + [False] * 3


@pytest.mark.parametrize("write_only", [False, True])
def test_control_characters_pasted_into_text_do_not_break_the_workbook(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    append(sheet, ["一行目\x0b二行目", "改\x0cページ", "鐘\x07", "=1\x01+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    (row,) = load_workbook(buffer).worksheets[0].iter_rows()
    assert [cell.value for cell in row] == ["一行目\n二行目", "改\nページ", "鐘", "=1+1"]
    assert row[3].data_type == "s" and row[3].quotePrefix


def test_an_initiative_with_a_pasted_control_character_still_exports(client, prefecture_user):
    make_initiative("共同化\x0bの検討", codes=("062014",))
    client.force_login(prefecture_user)
    response = client.get(reverse("initiative_export_xlsx"))
    assert response.status_code == 200
    # xlsx_texts reads line breaks as carriage returns.
    assert "共同化\rの検討" in xlsx_texts(body(response))
