"""A municipality's latest answers on its page: the table's rows written in Python
(surveys/sections.py ``_answer_rows``) are byte for byte what the template loop wrote."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from portal.models import Municipality
from surveys import sections
from surveys.exports import raw_table
from surveys.models import SurveyResponse
from surveys.services import questions_of

# The rows as the section's template wrote them before they were written in Python.
OLD_ROWS = ('{% for question, value in answers %}<tr><th scope="row">{{ question }}</th>'
            '<td>{{ value|default:"—" }}</td></tr>{% endfor %}')


def old_rows(answers) -> str:
    return engines["django"].from_string(OLD_ROWS).render({"answers": answers})


@pytest.mark.parametrize("language", ["ja", "en"])
def test_values_of_every_type_are_written_as_the_template_wrote_them(language):
    answers = [("文字", "不足している"), ('<b>"q"</b> & x', "<i>'a'</i> & b"), ("空", ""),
               ("なし", None), ("零", 0), ("整数", 1234567), ("小数", Decimal("1234.5")),
               ("実数", 0.25), ("日付", datetime.date(2026, 4, 4)),
               ("日時", timezone.make_aware(datetime.datetime(2026, 5, 19, 9, 30))),
               (gettext_lazy("Answer"), gettext_lazy("Question")), ("一覧", ["a", "b"])]
    with translation.override(language):
        assert sections._answer_rows(answers) == old_rows(answers)


@pytest.mark.django_db
def test_a_synthetic_answer_is_written_as_the_template_wrote_it():
    from devtools.synthetic.surveys import generate_surveys

    generate_surveys(1, seed=5)
    yamagata = Municipality.objects.get(lg_code="062014")
    response = SurveyResponse.objects.filter(municipality=yamagata).select_related(
        "survey", "municipality").first()
    header, row = raw_table(response.survey, [(yamagata, response.get_status_display(),
                                               response)], list(questions_of(response.survey)),
                            flags=False)
    answers = list(zip(header[sections.FIXED_COLUMNS:], row[sections.FIXED_COLUMNS:],
                       strict=True))
    assert len(answers) >= 40
    with translation.override("ja"):
        assert sections._answer_rows(answers) == old_rows(answers)
