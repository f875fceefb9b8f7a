"""System checks: can the PDF renderer draw Japanese? Shown by `manage.py check`, at every
`make run` and in /healthz. Without the font every PDF and chart picture comes out in boxes."""

import ctypes.util
import functools
import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core import checks

TAG = "reports"
FONT_FIX = ("Restore the file shipped with the portal (git checkout -- portal/fonts/ipaexg.ttf) "
            "or set PDF_FONT_FILE to an IPAex Gothic font file (Debian: apt-get install "
            "fonts-ipaexfont-gothic, then /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf).")
PANGO_FIX = "Install Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0."
SUMMARIES = {"portal.W101": "no Japanese font for PDFs and chart pictures",
             "portal.W102": "Pango is not installed, PDFs cannot be made",
             "portal.W103": "PDFs are not drawn in IPAex Gothic"}


def font_file_problem(path: Path) -> str | None:
    """Why ``path`` is not an IPAex Gothic font file the renderer can load, or None."""
    from fontTools.ttLib import TTFont, TTLibError  # installed with WeasyPrint

    try:
        with path.open("rb") as file:
            family = TTFont(file, lazy=True)["name"].getBestFamilyName()
    except FileNotFoundError:
        return f"the PDF font file {path} is missing"
    except OSError as error:
        return f"the PDF font file {path} cannot be read ({error.strerror or error})"
    except (TTLibError, KeyError, ValueError, AssertionError) as error:
        return f"the PDF font file {path} is not a font ({type(error).__name__})"
    if family != "IPAexGothic":
        return f"the PDF font file {path} is {family!r}, not IPAex Gothic"
    return None


def pango_missing() -> bool:
    return not (ctypes.util.find_library("pango-1.0") and ctypes.util.find_library("pangoft2-1.0"))


@functools.cache
def resolved_families(font_file: str) -> tuple[str, ...] | None:
    """The font families WeasyPrint draws a line of Japanese in with the PDF templates'
    @font-face rule, or None when the renderer crashed (no font at all); once per process."""
    result = subprocess.run([sys.executable, "-m", "portal.lib.font_probe", font_file],
                            cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        return None
    return tuple(json.loads(result.stdout.splitlines()[-1]))


def pdf_font_warnings() -> list[checks.Warning]:
    """Quick: the bundled file is there and is IPAex Gothic, and Pango can be loaded."""
    found = []
    if problem := font_file_problem(Path(settings.PDF_FONT_FILE)):
        found.append(checks.Warning(
            f"No Japanese font for PDFs and chart pictures: {problem}.", hint=FONT_FIX,
            id="portal.W101"))
    if pango_missing():
        found.append(checks.Warning(
            "Pango is not installed: PDFs and chart pictures cannot be made.", hint=PANGO_FIX,
            id="portal.W102"))
    return found


def pdf_renderer_warnings() -> list[checks.Warning]:
    """Thorough: a line rendered through WeasyPrint comes out in IPAex Gothic and nothing else."""
    if pango_missing():
        return []  # W102 says why
    families = resolved_families(str(settings.PDF_FONT_FILE))
    if families == ("IPAexGothic",):
        return []
    drawn = ", ".join(families or ()) or "no font at all"
    return [checks.Warning(
        f"The PDF renderer draws Japanese in {drawn}, not IPAex Gothic.",
        hint=FONT_FIX + " If the file is there, check that fontconfig is installed.",
        id="portal.W103")]


@checks.register(TAG)
def check_pdf_font(app_configs=None, **kwargs):
    return pdf_font_warnings()


@checks.register(TAG, deploy=True)
def check_pdf_renderer(app_configs=None, **kwargs):
    # Only with --deploy: loading WeasyPrint would slow every manage.py command.
    return pdf_renderer_warnings()
