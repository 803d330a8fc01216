"""Render an easy-read summary: web page HTML, PDF (WeasyPrint), email, and the print pack.

One template (templates/easyread/summary.html) makes every output; `layout` picks the
small base around it: the site page on the web, a bare document for the PDF and email.
The PDF is drawn from files on disk only: fonts, pictures and the stylesheet come from
the static files, and any other address is refused, so nothing is fetched from the
network while rendering.
"""

import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deliberation import display
from deliberation.models import Member, PointKind, Summary

LANGUAGES = ("en", "cy")
WEB = "web"
DOCUMENT = "document"
EMAIL = "email"
LAYOUTS = {WEB: "easyread/page.html", DOCUMENT: "easyread/base.html", EMAIL: "easyread/base.html"}
# WeasyPrint resolves "/static/..." against this, then StaticFilesFetcher reads the file.
PDF_BASE_URL = "file:///"


def clean_language(value: str | None) -> str:
    """Return "cy" or "en" for a requested language (anything else is English)."""
    return "cy" if (value or "").lower().startswith("cy") else "en"


@dataclass(frozen=True)
class PointView:
    """One point as a page shows it: its words in a language and its picture."""

    words: str
    symbol_url: str
    picture_words: str


def _points(summary: Summary, language: str, absolute: bool) -> list[PointView]:
    rows = summary.points.order_by("position")
    views = []
    for point in rows:
        # A symbol we do not have falls back to its kind's own picture, so every point
        # has exactly one.
        url = display.symbol_url(point.symbol) or display.symbol_url(point.kind)
        if absolute and url.startswith("/"):
            url = f"{settings.SITE_URL}{url}"
        kind = PointKind(point.kind).label if point.kind in PointKind.values else point.kind
        views.append(PointView(point.text_in(language), url, str(kind)))
    return views


def summary_context(
    summary: Summary, *, language: str, large_print: bool, output: str
) -> dict[str, object]:
    """Return what summary.html needs; call inside translation.override(language)."""
    meeting = summary.meeting
    when = meeting.starts_at or meeting.created_at
    signer = summary.signed_off_by if summary.is_signed_off else None
    return {
        "layout": LAYOUTS[output],
        "output": output,
        "summary": summary,
        "forum": summary.forum,
        "meeting": meeting,
        "meeting_date": timezone.localtime(when).date() if when else None,
        "points": _points(summary, language, absolute=output == EMAIL),
        "language": language,
        "large_print": large_print,
        "signed_off_by": signer.name if signer else "",
        "signed_off_on": (
            timezone.localtime(summary.signed_off_at).date()
            if signer and summary.signed_off_at
            else None
        ),
        "record_code": summary.record_code,
        "inline_css": _inline_css() if output == EMAIL else "",
    }


def render_html(
    summary: Summary,
    *,
    language: str = "en",
    large_print: bool = False,
    output: str = DOCUMENT,
    request: HttpRequest | None = None,
    extra: Mapping[str, object] | None = None,
) -> str:
    """Render the summary's HTML for the web page, a PDF or an email, in a language."""
    language = clean_language(language)
    with translation.override(language):
        context = summary_context(
            summary, language=language, large_print=large_print, output=output
        )
        context.update(extra or {})
        return render_to_string("easyread/summary.html", context, request=request)


def render_text(summary: Summary, *, language: str = "en") -> str:
    """Render the summary as plain text (the email's text part)."""
    language = clean_language(language)
    with translation.override(language):
        context = summary_context(summary, language=language, large_print=False, output=EMAIL)
        return render_to_string("easyread/summary.txt", context)


# -- PDF ------------------------------------------------------------------------------


def static_file(url: str) -> Path | None:
    """Return the file on disk that a static URL names, or None if it is not one."""
    path = urlsplit(url).path
    prefix = urlsplit(settings.STATIC_URL).path
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    if not name or ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return Path(found)
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    return None


# WeasyPrint is imported only when a PDF is made: importing it takes about 2 s and 40 MB
# (Pango, fonts), which a process serving a live meeting should not pay. Not a circle.


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Read static files from disk; refuse every other address (no network)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            file = static_file(url)
            if file is None:
                raise ValueError(f"Only local static files are used in a summary: {url}")
            mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=file.read_bytes(), headers={"Content-Type": mime})

    return StaticFilesFetcher(allowed_protocols=("file",))


def _document(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher()).render(pdf_tags=True)


def render_pdf(summary: Summary, *, language: str = "en", large_print: bool = False) -> bytes:
    """Render the summary as a tagged A4 PDF, each picture a figure with its words."""
    html = render_html(summary, language=language, large_print=large_print, output=DOCUMENT)
    return bytes(_document(html).write_pdf(pdf_tags=True))


def pdf_filename(summary: Summary, *, language: str = "en", large_print: bool = False) -> str:
    """Return a plain file name for a summary's PDF."""
    date = timezone.localtime(summary.meeting.starts_at or summary.meeting.created_at)
    parts = ["summary", summary.forum.slug, date.strftime("%Y-%m-%d"), clean_language(language)]
    if large_print:
        parts.append("large")
    return "-".join(parts) + ".pdf"


@dataclass(frozen=True)
class PackEntry:
    """One member's place in the print pack: where it goes, and in which form."""

    member: Member
    language: str
    large_print: bool


def render_print_pack(summary: Summary, entries: Iterable[PackEntry]) -> bytes:
    """Render one PDF: for each member, an address page, then their summary."""
    pages = []
    first = None
    # Everyone with the same language and print size gets the same pages: lay each out once.
    summaries: dict[tuple[str, bool], Any] = {}
    for entry in entries:
        language = clean_language(entry.language)
        with translation.override(language):
            address = render_to_string(
                "easyread/address_page.html",
                {"member": entry.member, "forum": summary.forum, "large_print": False},
            )
        key = (language, entry.large_print)
        if key not in summaries:
            summaries[key] = _document(
                render_html(summary, language=language, large_print=entry.large_print)
            )
        for document in (_document(address), summaries[key]):
            first = first or document
            pages.extend(document.pages)
    if first is None:
        html = render_to_string(
            "easyread/address_page.html", {"member": None, "forum": summary.forum}
        )
        first = _document(html)
        pages = list(first.pages)
    return bytes(first.copy(pages).write_pdf(pdf_tags=True))


# -- email ----------------------------------------------------------------------------


def _inline_css() -> str:
    # Mail programs do not load linked stylesheets, so the email carries its own.
    file = static_file(f"{settings.STATIC_URL}coprod/summary.css")
    return file.read_text(encoding="utf-8") if file else ""


def summary_email(
    summary: Summary, *, to: str, language: str, large_print: bool, pdf: bytes
) -> EmailMultiAlternatives:
    """Write one member's summary email: text, HTML and the PDF attached."""
    language = clean_language(language)
    with translation.override(language):
        subject = _("Easy-read summary: %(meeting)s") % {"meeting": summary.meeting.title}
        text = render_text(summary, language=language)
    html = render_html(summary, language=language, large_print=large_print, output=EMAIL)
    message = EmailMultiAlternatives(subject=" ".join(subject.split())[:200], body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.attach(
        pdf_filename(summary, language=language, large_print=large_print),
        pdf,
        "application/pdf",
    )
    return message
