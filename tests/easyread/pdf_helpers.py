"""Look inside a rendered PDF: its text, and the pictures a reader sees."""

import io
from typing import Any

import pypdf


def pdf_text(pdf: bytes) -> str:
    """Return the text of every page, joined."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def squashed(text: str) -> str:
    """Return the text without white space (a long code may wrap across lines)."""
    return "".join(text.split())


def figures(pdf: bytes) -> list[str]:
    """Return the alt words of every picture (Figure) in the PDF's structure tree.

    WeasyPrint draws an SVG picture straight into the page's content stream as vector
    paths: it is neither an image XObject nor a form XObject, so counting XObjects finds
    nothing. The summary PDF is tagged (pdf_tags=True), and there every <img> is one
    Figure element carrying its alt words: that is what a reader sees as one picture
    (and what a screen reader announces).
    """
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not isinstance(node, dict) or "/S" not in node and "/K" not in node:
            return
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        if kids is not None:
            walk(kids)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def image_xobjects(pdf: bytes) -> int:
    """Count raster image XObjects on the pages (there should be none in a summary)."""
    count = 0
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject")
        if xobjects:
            for ref in xobjects.get_object().values():
                if ref.get_object().get("/Subtype") == "/Image":
                    count += 1
    return count
