"""A ballot form and a stored answer shaped for the vote templates, in a meeting or between."""

from typing import Any

from django.utils.translation import gettext as _

from deliberation import display
from deliberation.forms.polls import BallotForm


def vote_fields(poll: dict[str, Any], form: BallotForm) -> dict[str, Any]:
    """Shape a ballot form for the vote templates (the phone script fills the same templates)."""
    values = form.current()
    options = display.option_views(poll)
    places = [("", _("Not ranked"))] + [
        (str(n), display.ordinal(n)) for n in range(1, len(options) + 1)
    ]
    for option in options:
        key = option["key"]
        option["checked"] = values.get("choice") == key
        option["dots"] = values.get(f"dots_{key}") or ""
        rank = str(values.get(f"rank_{key}") or "")
        option["places"] = [(value, label, value == rank) for value, label in places]
        score = values.get(f"score_{key}")
        option["scores"] = [
            (n, score is not None and str(score) == str(n), word, display.score_stars(n))
            for n, word in enumerate(display.score_words())
        ]
    for_member = str(values.get("for_member") or "")
    return {
        "poll": poll,
        "options": options,
        "client_id": values.get("client_id"),
        "reason": values.get("reason") or "",
        "supports": [
            {"id": m.pk, "name": m.name, "checked": for_member == str(m.pk)} for m in form.supports
        ],
        "own_checked": not for_member,
        "field_prefix": form.prefix + "-" if form.prefix else "",
    }


def answer_text(poll: dict[str, Any], answer: dict[str, Any]) -> str:
    """Say a stored answer in words (ballot.mjs answerText says the same)."""
    labels = {o["key"]: o["label"] for o in display.option_views(poll)}
    if "choice" in answer:
        return labels.get(answer["choice"], answer["choice"])
    if "dots" in answer:
        return ", ".join(f"{labels.get(k, k)}: {v}" for k, v in answer["dots"].items())
    if "ranking" in answer:
        return ", ".join(
            f"{display.ordinal(n)} {labels.get(k, k)}"
            for n, k in enumerate(answer["ranking"], start=1)
        )
    if "scores" in answer:
        return ", ".join(f"{labels.get(k, k)}: {v}" for k, v in answer["scores"].items())
    return ""
