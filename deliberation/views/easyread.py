"""Easy-read findings on the pages: translated, shaped for templates, and checked as you type.

deliberation/easyread/rules.py stays free of Django: each finding carries its English
msgid (`template`, extracted by makemessages) and `params`. Here the msgid is translated
into the page's language and filled in, so the words a writer reads follow the language
switcher while the suggested plain words stay in the language of the text.
"""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect

from deliberation import identity, methods, permissions, throttle
from deliberation.easyread import Finding, check
from deliberation.models import Forum
from deliberation.selectors import summaries as summary_selectors

MAX_CHARS = 5000  # longer than any question, option, outcome or agenda text
MAX_BODY_BYTES = 32 * 1024  # the text in UTF-8, form-encoded, plus the CSRF token
LANGUAGES = ("en", "cy")

SEVERITY_LABELS: dict[str, Promise] = {"advice": _("Tip"), "warning": _("Check this")}
FIELD_LABELS: dict[str, Promise] = {
    "question": _("Question"),
    "title": _("Title"),
    "description": _("Easy-read description"),
    "outcome": _("What we decided"),
    "outcome_easy_read": _("What we decided, in easy read"),
    "rationale": _("Why"),
    "summary": _("What is your idea?"),
    "action": _("What will be done, in easy words"),
}
# Excerpts a message already quotes, or that are the whole text, are not repeated.
_NO_EXCERPT = frozenset({"readability"})


def message(finding: Finding) -> str:
    """Return a finding's message in the active language."""
    translated = gettext(finding.template) if finding.template else finding.message
    try:
        return translated % dict(finding.params)
    except (KeyError, TypeError, ValueError):
        # A translation with a broken placeholder must not break the page.
        return finding.message


# Where a forum's words are kept on its instance for the rest of the request.
_WORDS_MEMO = "_easyread_words"


def forum_words(forum: Forum) -> tuple[dict[str, str], dict[str, str]]:
    """Return a forum's (glossary, jargon), read once per Forum instance."""
    # Memoised on the instance so a page checking many texts asks the database once;
    # forget_forum_words() drops it after the glossary changes.
    memo = forum.__dict__.get(_WORDS_MEMO)
    if memo is None:
        memo = summary_selectors.forum_words(forum)
        forum.__dict__[_WORDS_MEMO] = memo
    return memo


def forget_forum_words(forum: Forum) -> None:
    """Drop a forum's memoised glossary and jargon so the next check reads them again."""
    forum.__dict__.pop(_WORDS_MEMO, None)


def findings(
    text: str, *, language: str = "en", forum: Forum | None = None
) -> list[dict[str, object]]:
    """Check a text, with the forum's glossary and jargon if given; shape it for a page or JSON."""
    glossary, jargon = forum_words(forum) if forum is not None else ({}, None)
    shaped = []
    for finding in check(text or "", glossary=glossary, jargon=jargon, language=language):
        words = message(finding)
        shaped.append(
            {
                "rule": finding.rule,
                "severity": finding.severity,
                "severity_label": str(SEVERITY_LABELS[finding.severity]),
                "start": finding.start,
                "end": finding.end,
                "excerpt": finding.excerpt,
                "show_excerpt": finding.rule not in _NO_EXCERPT and finding.excerpt not in words,
                "message": words,
            }
        )
    return shaped


def field_checks(
    texts: Iterable[tuple[str, str]], *, language: str = "en", forum: Forum | None = None
) -> list[dict[str, object]]:
    """Check labelled texts; return only those with findings, each with its findings."""
    checks: list[dict[str, object]] = []
    for label, text in texts:
        found = findings(text, language=language, forum=forum)
        if found:
            checks.append({"label": label, "text": text, "findings": found})
    return checks


def text_checks(
    *, forum: Forum | None = None, language: str = "en", **texts: str
) -> list[dict[str, object]]:
    """Check texts named by field (question, title, outcome...) under their field labels."""
    return field_checks(
        ((str(FIELD_LABELS.get(name, name)), text or "") for name, text in texts.items()),
        language=language,
        forum=forum,
    )


def page_language() -> str:
    """Return the page's language as the checker knows it: Welsh pages check Welsh, else English."""
    return "cy" if (get_language() or "en").lower().startswith("cy") else "en"


def poll_checks(poll: dict[str, Any], *, forum: Forum | None = None) -> list[dict[str, object]]:
    """Check a poll's question and its written options (fixed choices are ours, not checked)."""
    texts = [(str(FIELD_LABELS["question"]), poll["question"])]
    if poll["method"] not in methods.FIXED_CHOICES:
        texts += [
            (gettext("Option %(n)s") % {"n": n}, option["label"])
            for n, option in enumerate(poll["options"], start=1)
        ]
    return field_checks(texts, forum=forum)


def _error(text: str, status: int) -> JsonResponse:
    return JsonResponse({"error": text}, status=status)


def may_check(request: HttpRequest, forum: Forum) -> bool:
    """Say whether this browser may check texts: a facilitator, or a member who may write."""
    principal = identity.principal_for_request(request, forum=forum)
    if permissions.can("forum.facilitate", principal, forum):
        return True
    return permissions.can("easyread.check", principal, forum)


@csrf_protect
@throttle.throttle(throttle.EASYREAD_CHECKS, throttle.EASYREAD_CHECKS_PER_CLIENT, as_json=True)
def check_text(request: HttpRequest, slug: str) -> JsonResponse:
    """Check a text as a member types it; answer with the findings as JSON."""
    if request.method != "POST":
        response = _error(gettext("Please send the text with POST."), 405)
        response["Allow"] = "POST"
        return response
    forum = Forum.objects.filter(slug=slug).first()
    if forum is None or not may_check(request, forum):
        return _error(gettext("Only people who can write in this forum can check texts here."), 403)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _error(gettext("This is too much to check at once."), 413)
    text = request.POST.get("text")
    if text is None:
        return _error(gettext("Please send the text to check, as “text”."), 400)
    if len(text) > MAX_CHARS:
        return _error(
            gettext("This text is too long to check here: up to %(n)s characters.")
            % {"n": MAX_CHARS},
            413,
        )
    language = request.POST.get("language") or "en"
    if language not in LANGUAGES:
        return _error(gettext("We can check English (en) or Welsh (cy) only."), 400)
    return JsonResponse(
        {"language": language, "findings": findings(text, language=language, forum=forum)}
    )
