"""A need is read from what a municipality wrote at length, not from who answered or where."""

from portal.models import Municipality
from surveys.models import Question, Section, SurveyResponse
from surveys.needs import need_of
from surveys.results import results_for, shared_needs_asked

from .conftest import keys


def _with_contact(survey):
    section = Section.objects.get(survey=survey)
    question = Question.objects.create(section=section, order=5, kind=Question.Kind.SHORT_TEXT,
                                       text="担当者の連絡先（内線）")
    return f"q{question.pk}"


def _submitted(survey, code, **answers):
    return SurveyResponse.objects.create(
        survey=survey, municipality=Municipality.objects.get(lg_code=code), status="submitted",
        answers=answers)


def test_a_municipalitys_need_leaves_out_its_short_answers(reference_data, survey):
    fields, staff, _number, text = keys(survey)
    contact = _with_contact(survey)
    response = _submitted(survey, "062014", **{
        fields: ["防災"], staff: "__other__", f"{staff}_other": "保健師が一人だけ",
        text: "除雪の共同化を検討したい", contact: "内線415"})
    need = need_of(response)
    assert need.field_names == ["防災"]
    assert need.text == "保健師が一人だけ\n除雪の共同化を検討したい"


def test_a_shared_need_is_asked_with_what_its_choosers_wrote_at_length(reference_data, survey,
                                                                       prefecture_user):
    fields, _staff, _number, text = keys(survey)
    contact = _with_contact(survey)
    for code, extension in (("062014", "内線415"), ("062022", "内線7021"),
                            ("062031", "内線12")):
        _submitted(survey, code, **{fields: ["防災"], text: f"{code}の要望",
                                    contact: extension})
    computed = results_for(prefecture_user, survey)
    shared = [need[:4] for need in computed["shared_needs"]]
    _suggested, needs = shared_needs_asked(shared, computed["responses"], computed["results"])
    assert [need.field_names for need in needs] == [["防災"]]
    assert sorted(needs[0].text.split("\n")) == ["062014の要望", "062022の要望", "062031の要望"]
