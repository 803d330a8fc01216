"""Plain-words names for every vendored symbol, and a search over them for the picker."""

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from deliberation.display import CHOICES
from deliberation.easyread import builder

# One name for each file in static/vendor/openmoji/ (display.SYMBOLS), in the words a
# person would use for the picture. Where forms.PROPOSAL_SYMBOLS already names a symbol,
# the same words are used, so they are translated once; a voting choice's picture is
# named by the choice's own words (display.CHOICES).
SYMBOL_LABELS: dict[str, Any] = {
    "meeting": _("Meetings"),
    "people": _("People"),
    "person": _("A person"),
    "vote": _("A vote"),
    "decision": _("A decision"),
    "action": _("Something to do"),
    "date": _("A date"),
    "place": _("Places"),
    "question": _("A question"),
    "break": _("A break"),
    **CHOICES,
    "dots": _("A dot"),
    "ranked": _("Numbers in order"),
    "score": _("A star"),
    "hand": _("A raised hand"),
    "dont_understand": _("I don't understand"),
    "slow_down": _("Slow down"),
    "jargon": _("A speech bubble"),
    "speaker": _("Being heard"),
    "read_aloud": _("Read aloud"),
    "idea": _("An idea"),
    "home": _("Home"),
    "health": _("Health"),
    "work": _("Work"),
    "money": _("Money"),
    "transport": _("Getting about"),
    "friends": _("Friends and fun"),
    "food": _("Food"),
    "safety": _("Staying safe"),
}

# More words people might search for, in English; the label in the page's language is
# searched as well.
KEYWORDS: dict[str, str] = {
    "meeting": "handshake together group board meet met",
    "people": "group everyone who came",
    "person": "someone member name",
    "vote": "ballot box voting poll",
    "decision": "decided tick check box",
    "action": "clipboard list task to do job",
    "date": "calendar day when time clock o'clock next",
    "place": "pin where map hall room centre",
    "question": "ask what",
    "break": "tea coffee cup rest",
    "agree": "tick yes good green",
    "disagree": "cross no red",
    "not_sure": "thinking maybe",
    "yes": "thumbs up good",
    "no": "thumbs down bad",
    "abstain": "neutral face",
    "consent": "ok hand fine",
    "concern": "warning careful",
    "objection": "stop sign",
    "dots": "orange circle",
    "ranked": "order 1 2 3 rank",
    "score": "star points",
    "hand": "raise speak turn",
    "dont_understand": "confused face",
    "slow_down": "snail slow",
    "jargon": "speech words hard talk",
    "speaker": "speak voice talk heard",
    "read_aloud": "sound loud audio listen",
    "idea": "light bulb think",
    "home": "house live",
    "health": "hospital doctor nurse",
    "work": "job briefcase staff",
    "money": "pound cash pay budget cost costs",
    "transport": "bus buses taxi taxis travel stop road",
    "friends": "hug fun love",
    "food": "salad eat meal lunch dinner breakfast cake snack cafe",
    "safety": "shield safe safeguarding",
}


@dataclass(frozen=True)
class SymbolChoice:
    """A symbol to choose: its file name and its words in the page's language."""

    name: str
    label: str


def symbol_label(name: str) -> str:
    """Return a symbol's plain-words name in the active language."""
    label = SYMBOL_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ")


def symbol_choices(names: frozenset[str] | set[str], query: str = "") -> list[SymbolChoice]:
    """List symbols by their words, keeping those whose words match every search word."""
    words = query.lower().split()[:10]
    choices = []
    for name in names:
        label = symbol_label(name)
        haystack = " ".join([name.replace("_", " "), label, KEYWORDS.get(name, "")]).lower()
        if all(word in haystack for word in words):
            choices.append(SymbolChoice(name=name, label=label))
    return sorted(choices, key=lambda c: c.label.lower())


# Words too common to say which picture fits.
_SMALL_WORDS = frozenset(
    "the and for our our with this that was were will are you your can has have had not "
    "who what when came from about more some".split()
)


def _stem(word: str) -> str:
    return word[:-2] if word.endswith("es") and len(word) > 4 else word.rstrip("s")


# The pictures the builder already gives for the kind of point or the action's state:
# suggestions add a picture of what the point is about (buses, money, home...).
_BUILDER_PICTURES = frozenset(
    {*builder.DEFAULT_SYMBOLS.values(), *builder.ACTION_SYMBOLS.values(), builder.TOPIC_SYMBOL}
)


def suggest_symbols(text: str, names: frozenset[str] | set[str], limit: int = 3) -> list[str]:
    """Suggest pictures of what a point is about, from the words it shares with theirs."""
    words = {_stem(w) for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) > 2}
    words -= _SMALL_WORDS
    scored = []
    for name in set(names) - _BUILDER_PICTURES:
        haystack = " ".join([name.replace("_", " "), symbol_label(name), KEYWORDS.get(name, "")])
        shared = words & {_stem(w) for w in re.findall(r"[^\W\d_]+", haystack.lower())}
        if shared:
            scored.append((-len(shared), name))
    return [name for _score, name in sorted(scored)[:limit]]
