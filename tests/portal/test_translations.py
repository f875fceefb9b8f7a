"""The Japanese catalogue covers every UI string, and the compiled file matches it."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def read_po(path: Path) -> dict:
    """msgid (or context + msgid) → msgstr, for the simple catalogues makemessages writes."""
    entries, current, field = {}, {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line)
        if match:
            field = match.group(1)
            current[field] = current.get(field, "") + match.group(2)
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
        elif not line.strip() and current:
            msgid = current.get("msgid", "").encode().decode("unicode_escape").encode(
                "latin-1").decode("utf-8")
            msgstr = (current.get("msgstr") or current.get("msgstr[0]", "")).encode().decode(
                "unicode_escape").encode("latin-1").decode("utf-8")
            key = (current["msgctxt"], msgid) if "msgctxt" in current else msgid
            if msgid:
                entries[key] = msgstr
            current, field = {}, None
    return entries


def test_every_catalogue_entry_is_translated():
    entries = read_po(PO)
    assert len(entries) > 150
    assert [key for key, value in entries.items() if not value] == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for key, msgstr in read_po(PO).items():
        if isinstance(key, tuple):
            assert compiled.pgettext(*key) == msgstr
        else:
            assert compiled.gettext(key) == msgstr, key


def test_every_string_in_the_source_is_in_the_catalogue(tmp_path):
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext (xgettext) is not installed")
    for name in ("portal", "collaboration", "surveys", "meetings", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run([sys.executable, "manage.py", "makemessages", "--locale", "ja",
                    "--no-location"], cwd=tmp_path, check=True, capture_output=True)
    fresh = read_po(tmp_path / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    committed = read_po(PO)
    assert sorted(set(fresh) - set(committed), key=str) == [], "run `make messages` and translate"
