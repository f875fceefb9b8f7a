"""What the answer page and the autosave reply carry about each question: its base digest, who
saved it last and when, and, for a conflict, both versions."""

import datetime
import json
from dataclasses import dataclass

from django.utils import timezone

from portal.lib.japanese import wareki_date
from portal.models import User

from .answer_files import attachments_of
from .answer_form import form_field_names
from .conditions import data_attributes, shown_questions
from .merging import Conflict, digests, display_lines, key_of, values_of


def saved_when(meta: dict) -> str:
    try:
        at = timezone.localtime(datetime.datetime.fromisoformat(meta["at"]))
    except (KeyError, TypeError, ValueError):
        return ""
    return f"{wareki_date(at)} {at:%H:%M:%S}"


def people(*metas) -> dict[int, str]:
    """The names of those who last saved the questions, in one query."""
    ids = {meta.get("by") for meta in metas if isinstance(meta.get("by"), int)}
    return {user.pk: user.display_name for user in User.objects.filter(pk__in=ids)} if ids else {}


@dataclass
class Item:
    question: object
    fields: list
    key: str
    saved_by: str
    saved_at: str
    conflict: Conflict | None = None
    mine_lines: list | None = None
    theirs_lines: list | None = None
    theirs_json: str = ""
    hidden: bool = False
    condition: str = ""
    attachment: object = None


@dataclass
class Group:
    """A section of the answer form and whether its condition hides it."""

    section: object
    hidden: bool
    condition: str


def sections(questions, form, response, conflicts=(), answers=None) -> list:
    """Questions grouped by section for the answer form, each with its fields and state; a
    question or section whose condition does not hold with ``answers`` (the stored ones by
    default) starts hidden."""
    meta = response.question_meta if response else {}
    names = people(*meta.values())
    by_key = {conflict.key: conflict for conflict in conflicts}
    answers = (response.answers if response else {}) if answers is None else answers
    shown = shown_questions(questions, answers)
    files = attachments_of(response)
    grouped = {}
    for question in questions:
        key = key_of(question)
        entry = meta.get(key, {})
        item = Item(question, [form[name] for name in form_field_names(question)], key,
                    names.get(entry.get("by"), ""), saved_when(entry),
                    hidden=question.pk not in shown, condition=data_attributes(question),
                    attachment=files.get(str(answers.get(key, ""))))
        conflict = by_key.get(key)
        if conflict is not None:
            item.conflict = conflict
            item.mine_lines = display_lines(question, conflict.mine)
            item.theirs_lines = display_lines(question, conflict.theirs)
            item.theirs_json = json.dumps(conflict.theirs, ensure_ascii=False)
            who = people(conflict.meta)
            item.saved_by, item.saved_at = who.get(conflict.meta.get("by"), ""), saved_when(
                conflict.meta)
        grouped.setdefault(question.section, []).append(item)
    return [(Group(section, all(item.hidden for item in items) and bool(
        section.condition_question_id), data_attributes(section)), items)
        for section, items in grouped.items()]


def form_state(questions, response, conflicts=()) -> dict:
    """The hidden inputs that go with the form: the base digest of every question as stored,
    except where a conflict waits for a choice (there: what the page had loaded, so a plain
    save does not override the other version), and the stored digests the person was shown."""
    base = digests(questions, response.answers if response else {})
    for conflict in conflicts:
        if conflict.base is None:
            base.pop(conflict.key, None)
        else:
            base[conflict.key] = conflict.base
    seen = {conflict.key: conflict.digest for conflict in conflicts}
    return {"base_json": json.dumps(base), "seen_json": json.dumps(seen) if seen else ""}


def autosave_reply(questions, merged) -> dict:
    """The JSON an autosave gets back: the new version and digests, the values others saved in
    questions this page did not change, and each conflict with the stored version."""
    response = merged.response
    stored = response.answers
    names = people(*(conflict.meta for conflict in merged.conflicts))
    return {
        "version": response.version,
        "saved_at": timezone.localtime(response.updated_at).strftime("%H:%M:%S")
        if response.updated_at else "",
        "base": digests(questions, stored),
        "values": {key_of(question): values_of(question, stored) for question in merged.others},
        "conflict": bool(merged.conflicts),
        "conflicts": [{
            "question": conflict.key, "values": conflict.theirs, "digest": conflict.digest,
            "lines": display_lines(conflict.question, conflict.theirs),
            "by": names.get(conflict.meta.get("by"), ""), "at": saved_when(conflict.meta),
        } for conflict in merged.conflicts],
    }
