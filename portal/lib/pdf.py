"""HTML to PDF with the portal's own Japanese font.

The font file ships with the portal (portal/fonts/, IPA Font License) and every PDF template
loads it with @font-face, so PDFs and chart pictures come out in IPAex Gothic on any machine
with Pango, whatever fonts the system has."""

from pathlib import Path

from django.conf import settings

FONT_FAMILY = "IPAexGothic"


def font_face_css(font_file: Path | None = None) -> str:
    """The @font-face rule for the bundled file; bold text is the same face, emboldened."""
    url = Path(font_file or settings.PDF_FONT_FILE).resolve().as_uri()
    return f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); }}'


def render(html: str, *, base_url: str | None = None):
    """The laid-out WeasyPrint document; ``write_pdf()`` on it gives the bytes and afterwards
    its ``fonts`` say which fonts were drawn with."""
    from weasyprint import HTML  # needs Pango: imported only where a PDF is made

    return HTML(string=html, base_url=base_url).render()


def write_pdf(html: str, *, base_url: str | None = None) -> bytes:
    return render(html, base_url=base_url).write_pdf()


def embedded_families(document) -> list[str]:
    """After ``write_pdf()``: the families of the fonts drawn with, read from the font data
    itself, as the name WeasyPrint gives a font is the @font-face family whatever its file."""
    import io

    from fontTools.ttLib import TTFont  # installed with WeasyPrint

    return sorted({TTFont(io.BytesIO(font.file_content))["name"].getBestFamilyName()
                   for font in document.fonts.values()})
