"""The portal's SVG charts as pictures for workbooks.

The same template that draws a chart on screen and in the PDFs is laid out by the PDF renderer
and rasterised, so a chart looks the same in the xlsx as everywhere else."""

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from . import pdf
from .charts import BarChart

SCALE = 2  # pixels per CSS pixel: sharp when Excel zooms or prints


@dataclass(frozen=True)
class ChartImage:
    png: bytes
    width: int  # CSS pixels, the size to show it at
    height: int


def chart_images(charts: list[BarChart]) -> list[ChartImage]:
    """The charts as pictures, in order; one PDF for all of them keeps it quick."""
    if not charts:
        return []
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf.write_pdf(chart_pages_html(charts)))
    try:
        images = []
        for page in document:
            width, height = page.get_size()  # PDF points: 0.75 per CSS pixel
            buffer = io.BytesIO()
            page.render(scale=SCALE * 4 / 3).to_pil().save(buffer, format="PNG")
            images.append(ChartImage(buffer.getvalue(), round(width * 4 / 3),
                                     round(height * 4 / 3)))
            page.close()
        return images
    finally:
        document.close()


def chart_pages_html(charts: list[BarChart]) -> str:
    """Each chart on a page of its own, sized to it."""
    pages = [{"chart": chart, "id": f"chart-{number}"}
             for number, chart in enumerate(charts, start=1)]
    with translation.override("ja"):
        return render_to_string("reports/chart_pages.html", {"pages": pages})


def place(sheet, image: ChartImage, anchor: str) -> None:
    """Puts the picture on a worksheet with its top-left corner at ``anchor`` (e.g. "E2")."""
    from openpyxl.drawing.image import Image

    picture = Image(io.BytesIO(image.png))
    picture.width, picture.height = image.width, image.height
    sheet.add_image(picture, anchor)
