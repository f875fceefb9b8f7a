"""File answers: uploads checked by the portal's upload rules and kept as attachments of the
municipality's answer, so only those who may see the answer may download them."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from portal.lib.uploads import DOCX, JPEG, PDF, PNG, PPTX, XLSX, check_upload
from portal.models import Attachment
from portal.services.attachments import attachment_create, attachment_delete

from .answer_form import upload_name
from .models import Question

ANSWER_FILES = (PDF, XLSX, DOCX, PPTX, PNG, JPEG)


def file_questions(questions) -> list[Question]:
    return [question for question in questions if question.kind == Question.Kind.FILE]


def check_files(questions, files) -> tuple[dict, dict]:
    """The uploads of the file questions, checked: (by question id, errors by input name)."""
    checked, errors = {}, {}
    for question in file_questions(questions):
        upload = files.get(upload_name(question))
        if upload is None or not upload.size:
            continue
        try:
            check_upload(upload, allowed=ANSWER_FILES)
        except ValidationError as error:
            errors[upload_name(question)] = " ".join(error.messages)
            continue
        upload.seek(0)
        checked[question.pk] = upload
    return checked, errors


def attachments_of(response) -> dict[str, Attachment]:
    """The files stored with one answer, by id as the answers hold it."""
    if response is None or response.pk is None:
        return {}
    return {str(attachment.pk): attachment for attachment in Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(response), object_id=str(response.pk))}


def attachments_for(responses, questions=None) -> dict[int, dict[str, Attachment]]:
    """The files of many answers in one query, by response id; none is looked up when no
    answer holds a file of ``questions``."""
    from .models import SurveyResponse

    by_response = {response.pk: {} for response in responses}
    if questions is not None and not any(
            response.answers.get(f"q{question.pk}") for question in file_questions(questions)
            for response in responses):
        return by_response
    for attachment in Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(SurveyResponse),
            object_id__in=[str(pk) for pk in by_response]):
        by_response.setdefault(int(attachment.object_id), {})[str(attachment.pk)] = attachment
    return by_response


def attach(*, actor, response, questions, answers: dict, files: dict) -> dict:
    """Stores each upload with ``response`` and puts its id in the answers; an id the page
    sent that is not a file of this answer is dropped (nobody links another's file)."""
    answers = dict(answers)
    own = None  # looked up only when the page sent a file's id
    for question in file_questions(questions):
        key = f"q{question.pk}"
        upload = files.get(question.pk)
        if upload is not None:
            stored = attachment_create(actor=actor, owner=response, upload=upload,
                                       title=question.text[:200], allowed=ANSWER_FILES)
            answers[key] = str(stored.pk)
        elif key in answers:
            if own is None and str(answers[key]):
                own = attachments_of(response)
            if str(answers[key]) not in (own or {}):
                answers.pop(key)
    return answers


def held(questions, answers: dict) -> set[str]:
    """The stored files' ids the answers of the file questions hold."""
    return {str(answers[key]) for question in file_questions(questions)
            if answers.get(key := f"q{question.pk}")}


def release(*, actor, response, ids) -> None:
    """Removes the files an answer no longer holds (removed, replaced, or hidden by a
    condition): the row in this transaction, the bytes once it has committed. No query when
    nothing was let go."""
    if not ids:
        return
    for key, attachment in attachments_of(response).items():
        if key in ids:
            attachment_delete(actor=actor, attachment=attachment)
