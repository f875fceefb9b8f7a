"""Whatever people type or tools send, the answer is a page or a 4xx with a message, never a 500."""

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.lib.lg_code import validate_lg_code
from portal.services.statistics_import import StatisticsImportError, import_statistics, parse_rows

pytestmark = pytest.mark.django_db

examples = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Text as it arrives from forms: control characters, full-width forms, huge values, markup.
nasty_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["\x00", "\x07\x1b[2J", "０６２０１４", "<script>alert(1)</script>",
                     "' OR 1=1 --", "9" * 5000, "-1", "1e309", "NaN", "2026-02-30", "令和8年"]),
)
GET_PAGES = ["home", "municipality_list", "password_change", "password_reset",
             "initiative_list", "initiative_matrix", "initiative_create"]
CATALOGUE_PARAMS = ["q", "category", "method", "field", "region", "municipality", "status",
                    "year", "funding", "location", "model", "published", "sort", "page",
                    "per_page"]


@examples
@given(colour=nasty_text)
def test_the_map_colour_choice_never_breaks_the_page(client, municipal_user, colour):
    client.force_login(municipal_user)
    response = client.get(reverse("municipality_list"), {"colour": colour})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "正しく選択してください" in response.content.decode()


@examples
@given(page=st.sampled_from(GET_PAGES),
       query=st.dictionaries(nasty_text, nasty_text, max_size=4))
def test_unexpected_query_strings_are_ignored_or_refused(client, municipal_user, page, query):
    client.force_login(municipal_user)
    response = client.get(reverse(page), query)
    assert response.status_code < 500


@examples
@given(code=nasty_text)
def test_municipality_urls_with_any_code_are_a_page_or_a_404(client, municipal_user, code):
    client.force_login(municipal_user)
    response = client.get(f"/municipalities/{quote(code, safe='')}/")
    assert response.status_code in (200, 404)


@examples
@given(username=nasty_text, password=nasty_text)
def test_the_login_form_answers_any_input_with_a_message(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 429)


@examples
@given(email=nasty_text)
def test_the_password_reset_form_answers_any_input(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code in (200, 302)


@examples
@given(code=nasty_text)
def test_the_code_validator_only_ever_raises_a_validation_error(code):
    try:
        validate_lg_code(code)
    except ValidationError as error:
        assert error.messages


@examples
@given(rows=st.lists(st.lists(nasty_text, max_size=8), max_size=6))
def test_parsing_any_table_gives_records_or_placed_problems(rows):
    records, problems = parse_rows(rows)
    assert records or problems or not rows or not any(rows[1:])
    assert all(problem.row >= 0 for problem in problems)


@examples
@given(content=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a.pdf", "a"]))
def test_any_uploaded_bytes_are_imported_or_refused_with_reasons(content, name):
    try:
        import_statistics(content=content, filename=name)
    except StatisticsImportError as error:
        assert error.problems


@examples
@given(content=st.binary(max_size=2000), name=nasty_text)
def test_the_statistics_import_answers_any_file_with_a_page(client, prefecture_user, content, name):
    client.force_login(prefecture_user)
    upload = SimpleUploadedFile((name.replace("\x00", "") or "x")[:100] + ".csv", content)
    response = client.post(reverse("statistics_import"), {"file": upload})
    assert response.status_code in (302, 400)


@examples
@given(number=st.integers(min_value=0, max_value=10**40))
def test_file_urls_with_any_number_are_a_404(client, municipal_user, number):
    client.force_login(municipal_user)
    assert client.get(f"/files/{number}/").status_code == 404


@examples
@given(username=nasty_text, password=nasty_text)
def test_the_admin_login_answers_any_input_with_a_message(client, username, password):
    response = client.post("/admin/login/", {"username": username, "password": password})
    assert response.status_code in (200, 429)


@examples
@given(query=st.dictionaries(st.sampled_from(CATALOGUE_PARAMS), nasty_text, max_size=5))
def test_the_catalogue_answers_any_filter_with_a_page_or_a_400(client, municipal_user, query):
    client.force_login(municipal_user)
    response = client.get(reverse("initiative_list"), query)
    assert response.status_code in (200, 400)
    export = client.get(reverse("initiative_export_csv"), query)
    assert export.status_code in (200, 400)


@examples
@given(values=st.lists(nasty_text, min_size=4, max_size=4), version=nasty_text,
       action=st.sampled_from(["save", "submit", "autosave", "???"]))
def test_the_survey_answer_form_answers_anything_without_a_500(client, municipal_user, values,
                                                                version, action):
    from surveys.models import Question, Survey
    from tests.surveys.conftest import make_survey

    survey = Survey.objects.first() or make_survey()
    names = [f"q{q.pk}" for q in Question.objects.filter(section__survey=survey)]
    client.force_login(municipal_user)
    response = client.post(reverse("survey_answer", args=[survey.pk]),
                           {**dict(zip(names, values, strict=True)), "version": version,
                            "action": action})
    assert response.status_code in (200, 302, 400, 409)
