"""Every PDF and chart picture is drawn in the IPAex Gothic file shipped with the portal, on a
machine with no Japanese font; the system check says so when it cannot be."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from portal import checks
from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
IPAEX = {"IPAexGothic", "IPAexGothic-Bold"}  # bold is the same face, emboldened


@pytest.fixture
def pdffonts(pdf_ok):
    need_service(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils) is missing")


def fonts_in(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """``pdffonts``' (name without subset prefix, embedded) for each font of ``pdf``."""
    path = tmp_path / "probe.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True,
                           timeout=60).stdout.splitlines()[2:]
    # name, type (may hold spaces), encoding, emb, sub, uni, object id, generation
    rows = [re.match(r"(\S+)\s.*?\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
            for line in lines]
    assert all(rows), lines
    return sorted({(row[1].split("+", 1)[-1], row[2]) for row in rows})


def assert_only_ipaex(pdf: bytes, tmp_path: Path) -> None:
    fonts = fonts_in(pdf, tmp_path)
    assert fonts, "no font at all"
    assert {name for name, _embedded in fonts} <= IPAEX, fonts
    assert {embedded for _name, embedded in fonts} == {"yes"}, fonts


# A page through the reports' own base template: running header and footer, a table of
# numbers with units, a chart; then the chart pictures' pages. Run in a process of its own
# so that FONTCONFIG_FILE can hide every font of the machine.
RENDER = """
import json, sys
from decimal import Decimal
import django
django.setup()
from django.template import engines
from django.utils import translation
from portal.lib import pdf
from portal.lib.chart_images import chart_images, chart_pages_html
from portal.lib.charts import bar_chart

chart = bar_chart([("村山", Decimal(5206), "bar--actual"), ("最上", Decimal(812), "bar--actual")],
                  title="地域別の人口", unit="人")
page = engines["django"].from_string(
    '{% extends "reports/pdf_base.html" %}{% block body %}<h1>山形市（やまがたし）</h1>'
    '<table><tr><th>区分</th><th class="num">人口</th></tr>'
    '<tr><td class="code">I-①</td><td class="num">5,206人</td></tr></table>'
    '{% include "portal/_bar_chart.html" with chart=chart id="c" %}{% endblock %}')
with translation.override("ja"):
    html = page.render({"chart": chart, "printed": "令和8年12月1日 (2026)"})
families = {}
for name, source in (("page", html), ("charts", chart_pages_html([chart]))):
    document = pdf.render(source)
    with open(f"{sys.argv[1]}/{name}.pdf", "wb") as file:
        file.write(document.write_pdf())
    families[name] = pdf.embedded_families(document)
(picture,) = chart_images([chart])
print(json.dumps({"families": families, "picture_bytes": len(picture.png)}))
"""


# Fonts a machine may have instead: Latin ones and another Japanese face (a serif, as fontconfig
# picks one for text without a family); the portal must use none of them.
OTHER_FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"),
                   Path("/usr/share/fonts/opentype/ipaexfont-mincho")]


def fontconfig(tmp_path: Path, *font_dirs: Path) -> dict:
    """An environment in which fontconfig knows only the fonts in ``font_dirs``, with the
    system's rules (serif, sans-serif …) when there are any: a machine without Japanese fonts."""
    config = tmp_path / "fonts.conf"
    rules = '<include ignore_missing="yes">/etc/fonts/conf.d</include>' if font_dirs else ""
    dirs = "".join(f"<dir>{folder}</dir>" for folder in font_dirs)
    config.write_text(f'<?xml version="1.0"?>\n<fontconfig>{dirs}{rules}</fontconfig>\n')
    return {**os.environ, "FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE":
            "portal.settings", "DATA_DIR": str(tmp_path)}


def other_fonts() -> list[Path]:
    found = [folder for folder in OTHER_FONT_DIRS if folder.is_dir()]
    need_service(found == OTHER_FONT_DIRS,
                 "fonts-dejavu-core and fonts-ipaexfont-mincho are needed to test with")
    return found


def run(code: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("machine", ["no fonts at all", "other fonts only"])
def test_a_pdf_and_a_chart_picture_are_in_ipaex_on_a_machine_without_the_font(
        pdffonts, tmp_path, machine):
    # With other fonts about, anything without the family (a page's header and footer, a
    # chart's labels) comes out in one of them; with none, the bundled file is all there is.
    folders = other_fonts() if machine == "other fonts only" else []
    result = run(RENDER, fontconfig(tmp_path, *folders), str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["families"] == {"page": ["IPAexGothic"], "charts": ["IPAexGothic"]}
    assert report["picture_bytes"] > 1000
    for name in ("page", "charts"):
        assert_only_ipaex((tmp_path / f"{name}.pdf").read_bytes(), tmp_path)


def test_with_the_font_file_hidden_too_the_check_warns(pdf_ok, tmp_path):
    code = ("import django, json; django.setup()\n"
            "from portal import checks\n"
            "print(json.dumps([w.id for w in checks.pdf_font_warnings()"
            " + checks.pdf_renderer_warnings()]))\n")
    env = fontconfig(tmp_path)
    shown = run(code, env)
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert json.loads(shown.stdout.splitlines()[-1]) == []
    hidden = run(code, {**env, "PDF_FONT_FILE": str(tmp_path / "ipaexg.ttf")})
    assert hidden.returncode == 0, hidden.stderr[-3000:]
    assert json.loads(hidden.stdout.splitlines()[-1]) == ["portal.W101", "portal.W103"]


@pytest.mark.django_db
def test_every_pdf_the_portal_makes_is_in_ipaex_alone(pdffonts, tmp_path, prefecture_user,
                                                      municipal_user):
    from collaboration.reports import annual_charts, annual_figures
    from devtools.demo.portal import create_demo_statistics
    from meetings.report_kinds import render_packet
    from portal.lib import pdf
    from portal.lib.chart_images import chart_pages_html
    from portal.lib.reports import kind_of
    from portal.models import Report
    from tests.collaboration.conftest import make_initiative
    from tests.meetings.conftest import make_council, make_meeting

    create_demo_statistics()
    initiative = make_initiative("買い物支援推進事業", category="II-3", start_year=2025,
                                 codes=("062014",))
    council = make_council(municipal_user, prefecture_user)
    meeting = make_meeting(prefecture_user, council, title="連携テーマの決定")
    item = meeting.agenda.first()
    item.initiative_id = initiative.pk
    item.save()
    built = [kind_of(code).build(Report(kind=code, params=params, requested_by=prefecture_user),
                                 lambda percent: None).content
             for code, params in (("municipality_profile", {"lg_code": "062014"}),
                                  ("annual_pdf", {"year": 2025}))]
    built.append(render_packet(meeting, prefecture_user))
    from surveys import approval_print
    from tests.surveys.conftest import make_survey

    survey = make_survey()
    built.append(approval_print.pdf_bytes(survey, municipal_user.scope_municipality, None))
    charts = annual_charts(annual_figures(prefecture_user, 2025))
    built.append(pdf.write_pdf(chart_pages_html(list(charts.values()))))
    for content in built:
        assert_only_ipaex(content, tmp_path)


def test_the_check_names_a_missing_or_wrong_font_file(settings, tmp_path, pdf_ok):
    assert checks.pdf_font_warnings() == []
    settings.PDF_FONT_FILE = tmp_path / "gone.ttf"
    (missing,) = checks.pdf_font_warnings()
    assert missing.id == "portal.W101" and "missing" in missing.msg
    assert "portal/fonts/ipaexg.ttf" in missing.hint and "fonts-ipaexfont-gothic" in missing.hint
    settings.PDF_FONT_FILE = ROOT / "README.md"
    (not_a_font,) = checks.pdf_font_warnings()
    assert "is not a font" in not_a_font.msg


def test_manage_py_check_shows_the_warning(settings, tmp_path, capsys):
    settings.PDF_FONT_FILE = tmp_path / "gone.ttf"
    call_command("check")
    assert "portal.W101" in capsys.readouterr().err


def test_a_machine_without_pango_is_told_to_install_it(monkeypatch):
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)
    (warning,) = checks.pdf_font_warnings()
    assert warning.id == "portal.W102" and "libpango-1.0-0" in warning.hint


@pytest.mark.django_db
def test_healthz_reports_the_font_without_going_down(client, settings, tmp_path):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json()["pdf_font"] == "ok"
    settings.PDF_FONT_FILE = tmp_path / "gone.ttf"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    detail = response.json()["pdf_font"]
    assert detail.startswith("warning (portal.W101): no Japanese font") and "check" in detail
    assert str(tmp_path) not in detail  # a public page: no server paths
