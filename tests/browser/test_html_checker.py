"""The Nu Html Checker behind every browser test reports what it should, and only that."""

import pytest

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>確認</title></head>
<body><main>{}</main></body></html>"""


def test_it_reports_a_label_on_a_bare_span_and_a_duplicate_id(html_checker):
    errors = html_checker.errors(PAGE.format(
        '<span aria-label="0">·</span>'
        '<label for="id_title">表題</label><input id="id_title">'
        '<label for="id_title">件名</label><input id="id_title">'))
    messages = [error["message"] for error in errors]
    assert any("aria-label" in message and "span" in message for message in messages), messages
    assert any("Duplicate ID" in message and "id_title" in message for message in messages)


def test_a_clean_page_has_no_errors(html_checker):
    assert html_checker.errors(PAGE.format(
        '<span aria-hidden="true">·</span><span class="visually-hidden">0</span>'
        '<label for="title">表題</label><input id="title">')) == []
