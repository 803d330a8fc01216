"""A forum's own words for the easy-read checker: short forms it explains, jargon to avoid.

Facilitators keep the list on one page of plain HTML forms; the services make each change.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from deliberation.easyread import DEFAULT_JARGON, DEFAULT_JARGON_CY
from deliberation.forms.glossary import GlossaryEntryForm
from deliberation.models import GlossaryEntry
from deliberation.selectors import summaries as summary_selectors
from deliberation.services.glossary import glossary_entry_add, glossary_entry_remove
from deliberation.views.common import Done, facilitator_forum, handle_post


@login_required
@require_http_methods(["GET", "POST"])
def glossary(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the forum's word list; add a word, or take one off."""
    forum = facilitator_forum(request, slug)
    if request.method == "POST" and "remove" in request.POST:
        entry = get_object_or_404(GlossaryEntry, forum=forum, pk=_int(request.POST.get("remove")))
        glossary_entry_remove(entry=entry, actor=request.user)
        messages.success(request, _("“%(term)s” is off the list.") % {"term": entry.term})
        return redirect("deliberation:glossary", slug=forum.slug)
    form = GlossaryEntryForm(request.POST if request.method == "POST" else None)

    def add(data: dict[str, Any]) -> Done:
        entry = glossary_entry_add(
            forum=forum,
            kind=data["kind"],
            term=data["term"],
            plain=data["plain"],
            actor=request.user,
        )
        message = _("“%(term)s” is on the list.") % {"term": entry.term}
        return message, reverse("deliberation:glossary", args=[forum.slug])

    posted = handle_post(request, form, add, error_on_form=True)
    if posted.response:
        return posted.response
    entries = summary_selectors.glossary_entries(forum)
    context = {
        "forum": forum,
        "form": form,
        "short_forms": [e for e in entries if e.kind == GlossaryEntry.Kind.GLOSSARY],
        "hard_words": [e for e in entries if e.kind == GlossaryEntry.Kind.JARGON],
        "default_jargon": sorted(DEFAULT_JARGON.items()),
        "default_jargon_cy": sorted(DEFAULT_JARGON_CY.items()),
    }
    return render(request, "deliberation/glossary.html", context, status=posted.status)


def _int(value: str | None) -> int:
    """Read an id from a form; anything else finds nothing (404)."""
    try:
        return int(value or "")
    except ValueError:
        return 0
