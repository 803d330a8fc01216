"""Pictures in the summary's PDF are large enough to carry the meaning on their own.

Easy-read guidance (Mencap, Inclusion Europe) asks for a picture beside each point, big
enough to be understood without the words. Issue 13 measured 13 to 18 mm on the page;
here the PDF's own layout (WeasyPrint's boxes, as drawn into the PDF) is measured.
"""

import pytest

from deliberation.easyread import render
from deliberation.models import SummaryPoint

pytestmark = pytest.mark.django_db

MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels, 96 to the inch
MIN_MM = 25


def pictures_mm(summary, **kwargs) -> tuple[list[tuple[float, float]], int]:
    """Lay the summary out as its PDF is; return each point picture's size and the pages."""
    html = render.render_html(summary, output=render.DOCUMENT, **kwargs)
    document = render._document(html)
    sizes = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if getattr(box, "element_tag", "") == "img" and "point-picture" in (
                box.element.get("class") or ""
            ):
                sizes.append((box.width * MM_PER_PX, box.height * MM_PER_PX))
    return sizes, len(document.pages)


@pytest.mark.parametrize(
    "kwargs", [{"language": "en"}, {"language": "cy"}, {"language": "en", "large_print": True}]
)
def test_every_picture_is_at_least_25_mm_in_the_pdf(summary, kwargs):
    sizes, pages = pictures_mm(summary, **kwargs)
    assert len(sizes) == summary.points.count()
    for width, height in sizes:
        assert width >= MIN_MM and height >= MIN_MM, (width, height)
    assert pages <= 3


def test_a_meeting_of_12_points_like_the_demo_fits_three_pages_in_large_print(summary):
    for n in range(5, 13):
        SummaryPoint.objects.create(
            summary=summary, position=n, kind="action", symbol="action",
            text=f"Sam will ask the bus company about bus {n} by Tuesday 3 March.",
        )  # fmt: skip
    sizes, pages = pictures_mm(summary, language="en", large_print=True)
    assert len(sizes) == 12
    assert pages <= 3


def test_no_line_of_the_pdf_is_smaller_than_16_pt(summary):
    # Issue 13 found the picture credit at 13.6 pt: every line is at least 16 pt.
    html = render.render_html(summary, output=render.DOCUMENT)
    sizes = {}
    for page in render._document(html).pages:
        for box in page._page_box.descendants():
            if getattr(box, "text", "").strip():
                sizes[box.text.strip()] = box.style["font_size"] * 72 / 96
    assert any("OpenMoji" in text for text in sizes)
    assert min(sizes.values()) >= 16 - 0.01, min(sizes.items(), key=lambda kv: kv[1])
