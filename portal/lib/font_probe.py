"""`python -m portal.lib.font_probe FONT_FILE` prints, as JSON, the font families WeasyPrint draws a
line of Japanese in with the PDF templates' @font-face rule for FONT_FILE.

A process of its own: with no font at all Pango crashes the process instead of failing."""

import json
import sys
from pathlib import Path

from portal.lib.pdf import FONT_FAMILY, embedded_families, font_face_css, render

SAMPLE = "連携ポータル 令和8年 (2026) 5,206人 I-①"


def families(font_file: Path) -> list[str]:
    document = render(f'<html><head><style>{font_face_css(font_file)} html {{ font-family: '
                      f'"{FONT_FAMILY}", sans-serif; }}</style></head><body>{SAMPLE}</body></html>')
    document.write_pdf()
    return embedded_families(document)


if __name__ == "__main__":
    print(json.dumps(families(Path(sys.argv[1]))))
