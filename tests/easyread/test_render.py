"""The summary rendered for real: web HTML, a PDF by WeasyPrint, the print stylesheet."""

from pathlib import Path

import pytest
import tinycss2
from django.conf import settings
from django.utils import translation

from deliberation.easyread import render
from deliberation.models import SummaryPoint
from tests.easyread.conftest import POINTS
from tests.easyread.pdf_helpers import figures, image_xobjects, pdf_text, squashed

pytestmark = pytest.mark.django_db

SUMMARY_CSS = Path(settings.BASE_DIR) / "static" / "coprod" / "summary.css"
PT_PER_UNIT = {"pt": 1.0, "px": 0.75, "pc": 12.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4}


def test_the_pdf_holds_every_point_one_picture_each_and_the_draft_code(summary):
    pdf = render.render_pdf(summary, language="en")
    text = pdf_text(pdf)
    for _kind, _symbol, words, _cy in POINTS:
        assert squashed(words) in squashed(text)
    # One picture per point, each named by what the point is about.
    assert figures(pdf) == ["The meeting", "Who came", "A decision", "Something to do"]
    assert image_xobjects(pdf) == 0
    # Not sent yet: a draft note, and no wall of hex for the reader (issue 13).
    assert "This is a draft." in text
    summary.forum.refresh_from_db()
    assert summary.forum.audit_head not in squashed(text)
    assert "All emojis designed by OpenMoji" in text
    assert "CC BY-SA 4.0" in text


def test_the_pdf_is_in_welsh_for_a_welsh_reader(summary):
    pdf = render.render_pdf(summary, language="cy")
    text = squashed(pdf_text(pdf))
    for _kind, _symbol, words, words_cy in POINTS:
        assert squashed(words_cy) in text
        assert squashed(words) not in text
    assert len(figures(pdf)) == len(POINTS)


def test_a_point_without_welsh_words_falls_back_to_english(summary):
    SummaryPoint.objects.filter(summary=summary, position=2).update(text_cy="")
    text = squashed(pdf_text(render.render_pdf(summary, language="cy")))
    assert squashed(POINTS[1][2]) in text


def test_once_sent_a_plain_sentence_about_the_record_replaces_the_draft_note(signed_summary):
    signed_summary.record_code = "ab" * 32
    signed_summary.save()
    text = pdf_text(render.render_pdf(signed_summary))
    assert "ab" * 32 not in squashed(text)
    assert squashed("We keep a record of this meeting. If anyone changes it, we can tell.") in (
        squashed(text)
    )
    assert "draft" not in text
    assert "Amira checked this summary" in text


def test_an_unknown_symbol_still_gets_its_kinds_picture(summary):
    SummaryPoint.objects.filter(summary=summary, position=1).update(symbol="no-such-thing")
    assert len(figures(render.render_pdf(summary))) == len(POINTS)


def test_large_print_is_bigger_in_the_html(summary):
    html = render.render_html(summary, large_print=True)
    assert 'class="easyread-summary large-print"' in html


def test_the_pdf_fetches_only_local_static_files(summary, monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to use the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    fetch = render._fetcher()
    with pytest.raises(ValueError):
        fetch.fetch("https://example.org/tracker.png")
    with pytest.raises(ValueError):
        fetch.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetch.fetch("file:///static/../../etc/passwd")
    assert render.render_pdf(summary).startswith(b"%PDF")


def test_the_text_version_holds_every_point_and_no_record_code(signed_summary):
    with translation.override("en"):
        text = render.render_text(signed_summary)
    for position, (_kind, _symbol, words, _cy) in enumerate(POINTS, start=1):
        assert f"{position}. {words}" in text
    assert signed_summary.forum.audit_head[:8] not in text


# -- the print stylesheet -------------------------------------------------------------


def _print_body_sizes_pt() -> list[float]:
    rules = tinycss2.parse_stylesheet(
        SUMMARY_CSS.read_text(), skip_comments=True, skip_whitespace=True
    )
    sizes = []
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "media":
            continue
        if "print" not in tinycss2.serialize(rule.prelude):
            continue
        for inner in tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                              skip_whitespace=True):  # fmt: skip
            if inner.type != "qualified-rule":
                continue
            selectors = tinycss2.serialize(inner.prelude)
            if "body" not in selectors:
                continue
            for decl in tinycss2.parse_declaration_list(inner.content, skip_whitespace=True):
                if getattr(decl, "lower_name", "") == "font-size":
                    value = next(t for t in decl.value if t.type == "dimension")
                    sizes.append(value.value * PT_PER_UNIT[value.lower_unit])
    return sizes


def test_the_print_body_font_is_at_least_16pt():
    sizes = _print_body_sizes_pt()
    assert sizes, "summary.css sets no body font size for print"
    assert min(sizes) >= 16


def test_the_stylesheet_uses_no_italics_or_underlining_and_a_line_height_of_1_5():
    css = SUMMARY_CSS.read_text()
    assert "font-style: italic" not in css
    assert "text-decoration: underline" not in css
    assert "line-height: 1.5" in css
    assert "size: A4" in css
    assert "text-align: left" in css


@pytest.mark.parametrize("large_print", [False, True])
def test_in_the_pdf_every_picture_is_left_of_its_words_at_the_same_height(summary, large_print):
    # Read WeasyPrint's own layout of the pages: where each point's boxes were placed.
    document = render._document(render.render_html(summary, large_print=large_print))
    placed: dict[str, list[tuple[float, float, float]]] = {"point-picture": [], "point-words": []}

    def walk(box):
        element = getattr(box, "element", None)
        css_class = element.get("class") if element is not None else None
        if css_class in placed and type(box).__name__ in ("BlockReplacedBox", "BlockBox"):
            placed[css_class].append((box.position_x, box.position_y, box.width))
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    pictures, words = placed["point-picture"], placed["point-words"]
    assert len(pictures) == len(words) == len(POINTS)
    for (px, py, pw), (wx, wy, _ww) in zip(pictures, words, strict=True):
        assert px + pw < wx
        assert py == pytest.approx(wy)


@pytest.mark.parametrize(("large_print", "least_pt"), [(False, 16), (True, 20)])
def test_the_pdfs_words_are_16pt_or_20pt_in_large_print(summary, large_print, least_pt):
    document = render._document(render.render_html(summary, large_print=large_print))
    sizes = []

    def walk(box):
        element = getattr(box, "element", None)
        if element is not None and element.get("class") == "point-words":
            sizes.append(box.style["font_size"] * 0.75)  # CSS px to pt
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    assert sizes and min(sizes) >= least_pt
