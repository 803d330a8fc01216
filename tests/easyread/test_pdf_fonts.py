"""The vendored fonts print every letter of English and Welsh text, in PDFs and pages.

Atkinson Hyperlegible has no w or y with accents (ŵ, ŷ, ẁ ...), which Welsh needs; they
come from Atkinson Hyperlegible Next. WeasyPrint once printed wrong letters for them
(see static/vendor/README.md), so these tests look inside the PDF: each letter of the
text must be drawn by an embedded font that really has it.
"""

import io
import re
from pathlib import Path

import pypdf
import pytest
import weasyprint
from django.conf import settings
from fontTools.ttLib import TTFont

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor"
WELSH = "Dŵr glân i bawb. Mae'r ŷd yn tyfu. Ẁ ẃ ẅ ỳ Ŵ Ŷ. Â ê î ô û."
STACK = '"Atkinson Hyperlegible", "Atkinson Hyperlegible Next", sans-serif'


def embedded_fonts(pdf: bytes) -> dict[str, set[int]]:
    """Return each embedded font's name and the characters its own cmap can draw."""
    fonts: dict[str, set[int]] = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor.get_object()["/FontFile2"].get_object().get_data()
            cmap = TTFont(io.BytesIO(program)).getBestCmap() or {}
            fonts[str(font["/BaseFont"]).split("+", 1)[-1]] = set(cmap)
    return fonts


def render(text: str, sheet: str) -> bytes:
    html = (
        f'<html lang="cy"><head><link rel="stylesheet" href="{sheet}">'
        f"<style>body {{ font-family: {STACK}; }}</style></head>"
        f"<body><p>{text}</p><p><b>{text}</b></p></body></html>"
    )
    return weasyprint.HTML(string=html, base_url=f"{VENDOR.as_uri()}/").write_pdf()


def test_every_welsh_letter_is_drawn_by_a_font_that_has_it() -> None:
    fonts = embedded_fonts(render(WELSH, "atkinson-hyperlegible/pdf.css"))
    drawn = set().union(*fonts.values())
    missing = sorted({ch for ch in WELSH if not ch.isspace() and ord(ch) not in drawn})
    assert missing == []
    # The accented w and y come from Next, the rest from Atkinson Hyperlegible itself.
    assert any(name.startswith("Atkinson-Hyperlegible-Next") for name in fonts)
    assert "Atkinson-Hyperlegible" in fonts and "Atkinson-Hyperlegible-Bold" in fonts
    assert not any("DejaVu" in name for name in fonts)


@pytest.mark.parametrize("weight", ["400", "700"])
def test_the_page_font_sheet_takes_only_the_welsh_letters_from_next(weight: str) -> None:
    css = (VENDOR / "atkinson-hyperlegible" / "font.css").read_text()
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)
    next_faces = [f for f in faces if "hyperlegible-next" in f and f"font-weight: {weight};" in f]
    assert len(next_faces) == 1
    face = next_faces[0]
    assert "font-family: 'Atkinson Hyperlegible';" in face
    ranges = re.search(r"unicode-range:\s*([^;]+);", face).group(1)  # type: ignore[union-attr]
    assert "U+0174-0177" in ranges and "U+1E80-1E85" in ranges
    src = re.search(r"url\(([^)]+)\)", face).group(1)  # type: ignore[union-attr]
    font = TTFont(VENDOR / "atkinson-hyperlegible" / src)
    assert {0x175, 0x177, 0x1E81, 0x1EF3} <= set(font.getBestCmap())


def test_every_vendored_font_file_is_under_its_licence() -> None:
    for folder in ("atkinson-hyperlegible", "atkinson-hyperlegible-next"):
        licence = (VENDOR / folder / "LICENSE").read_text()
        assert "SIL Open Font License" in licence
        assert list((VENDOR / folder).glob("*.woff2"))
