"""Question-by-question merging of saves to one shared answer.

A page carries, for every question, a digest of the value it was loaded with (its base). A save
changes a question when its value differs from that base; it applies where the stored value is
still the base, and is a conflict where someone else changed the question to something else in
the meantime. Without a base (an old page), a question counts as changed by someone else when
its stored version is newer than the version the page was loaded at."""

import hashlib
import json
from dataclasses import dataclass, field

from .answer_form import OTHER, field_names
from .models import Question


def key_of(question: Question) -> str:
    return f"q{question.pk}"


def values_of(question: Question, answers: dict) -> dict:
    """The answer keys of one question that hold something."""
    return {name: answers[name] for name in field_names(question)
            if answers.get(name) not in (None, "", [])}


def _canonical(value):
    if isinstance(value, list):
        return sorted(str(item).replace("\r\n", "\n") for item in value)
    return str(value).replace("\r\n", "\n")


def digest(question: Question, answers: dict) -> str:
    return _digest(question, values_of(question, answers))


def _digest(question: Question, values: dict) -> str:
    canonical = [_canonical(values[name]) if name in values else ""
                 for name in field_names(question)]
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()[:20]


def digests(questions, answers: dict) -> dict[str, str]:
    return {key_of(question): digest(question, answers) for question in questions}


def parse_digests(raw: str) -> dict[str, str] | None:
    """The page's base digests as posted; None when missing or not what a page sends."""
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    return {str(key)[:20]: str(value)[:40] for key, value in list(parsed.items())[:500]}


def display_lines(question: Question, values: dict) -> list[str]:
    """How a value reads for a person: choices by their label, その他 with its text."""
    from django.utils.translation import gettext as _

    lines = []
    for name in field_names(question):
        value = values.get(name)
        if value in (None, "", []):
            continue
        items = value if isinstance(value, list) else [value]
        items = [_("Other (その他)") if item == OTHER else str(item) for item in items]
        if question.kind == Question.Kind.GRID:
            row = question.rows[int(name.rsplit("_g", 1)[1]) - 1]
            lines.append(f"{row}: {items[0]}")
        elif name.endswith("_other"):
            lines.append(_("Other: %(text)s") % {"text": items[0]})
        elif "_r" in name:
            lines.append(_("Choice %(rank)s: %(item)s") % {"rank": name.rsplit("_r", 1)[1],
                                                            "item": items[0]})
        else:
            lines.append("、".join(items))
    return lines


@dataclass
class Conflict:
    """One question both sides changed to different values."""

    question: Question
    mine: dict
    theirs: dict
    digest: str  # of the stored (their) value: resolving against it applies the choice
    base: str | None  # what the page had loaded, kept until the person chooses
    meta: dict

    @property
    def key(self) -> str:
        return key_of(self.question)


@dataclass
class Merge:
    """The outcome of one save: what it applied, what others had changed, what conflicts."""

    response: object
    applied: list = field(default_factory=list)
    others: list = field(default_factory=list)  # questions stored differently from what was sent
    conflicts: list[Conflict] = field(default_factory=list)


def merge(response, questions, answers: dict, *, base: dict | None, base_version: int,
          keep=(), mine=(), seen: dict | None = None) -> Merge:
    """Decides, question by question, what a save does to the stored answer (not saved here).

    ``keep``: questions whose stored version the person chose over theirs; ``mine``: questions
    where they chose their own over the stored value they were shown (digest in ``seen``)."""
    outcome = Merge(response)
    stored, meta = response.answers, response.question_meta
    seen = seen or {}
    for question in questions:
        key = key_of(question)
        mine_values, theirs_values = values_of(question, answers), values_of(question, stored)
        mine_digest = _digest(question, mine_values)
        theirs_digest = _digest(question, theirs_values)
        if mine_digest == theirs_digest:
            continue
        if key in keep:
            outcome.others.append(question)
            continue
        loaded = seen.get(key) if key in mine and key in seen else (base or {}).get(key)
        if loaded is None:
            theirs_changed = meta.get(key, {}).get("version", 0) > base_version
            mine_changed = True
        else:
            theirs_changed, mine_changed = theirs_digest != loaded, mine_digest != loaded
        if not mine_changed:
            outcome.others.append(question)
        elif theirs_changed:
            outcome.conflicts.append(Conflict(
                question, mine_values, theirs_values, theirs_digest,
                (base or {}).get(key), meta.get(key, {})))
        else:
            outcome.applied.append(question)
    return outcome
