"""The words and symbols people see, and the shape of a result, in one place.

Below the services: forms, services, the easy-read renderer, views and template tags
all take their words from here, and the page scripts (static/coprod/*.mjs) read them
(live_config). It imports models and the pure core, never services, views or realtime.
"""

import datetime
import functools
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from deliberation import methods, results_shape
from deliberation.models import ActionStatus, CommunicationNeed, Poll, Role

# The OpenMoji files vendored in static/vendor/openmoji/.
SYMBOLS = frozenset(
    {
        "abstain", "action", "agree", "break", "concern", "consent", "date", "decision",
        "disagree", "dont_understand", "dots", "food", "friends", "hand", "health", "home",
        "idea", "jargon", "meeting", "money", "no", "not_sure", "objection", "people",
        "person", "place", "question", "ranked", "read_aloud", "safety", "score", "slow_down",
        "speaker", "transport", "vote", "work", "yes",
    }
)  # fmt: skip

GROUPS: dict[str, Any] = {
    "lived_experience": _("People with lived experience"),
    "staff": _("Staff"),
    "commissioner": _("Commissioners"),
}
GROUP_SYMBOLS = {"lived_experience": "person", "staff": "health", "commissioner": "work"}
# Plain words for someone choosing their group on a phone.
GROUP_HELP: dict[str, Any] = {
    "lived_experience": _("I use care or support services, or I care for someone who does."),
    "staff": _("I work in care or health, for example as a support worker or nurse."),
    "commissioner": _("I work for the council or health board. I help decide what to pay for."),
}

# The empty first choice of a drop-down list (each form names it): Django's own
# "- Select an option -" has no Welsh.
BLANK_CHOICE = _("- Choose one -")

# The one source of the fixed choices' words: the pages, the picture names
# (easyread.symbols) and the options a new poll stores (recorded_choice_label).
CHOICES: dict[str, Any] = {
    "agree": _("Agree"),
    "not_sure": _("Not sure"),
    "disagree": _("Disagree"),
    "yes": _("Yes"),
    "no": _("No"),
    "abstain": _("I do not want to say"),
    "consent": _("I can live with it"),
    "concern": _("I have a worry"),
    "objection": _("I object"),
}


def recorded_choice_label(key: str) -> str:
    """Return a fixed choice's words as a poll's options record them: in English, as always."""
    with translation.override("en"):
        return str(CHOICES[key])


# A tone gives a colour, always next to a word and a symbol, never instead of them.
TONES = {
    "agree": "good", "yes": "good", "consent": "good",
    "not_sure": "unsure", "concern": "unsure",
    "disagree": "bad", "no": "bad", "objection": "bad",
    "abstain": "neutral",
}  # fmt: skip

WEIGHTINGS: dict[str, Any] = {
    "parity": _("Each group counts the same"),
    "per_person": _("One person, one vote"),
}

METHOD_SYMBOLS = {
    "traffic_light": "agree",
    "yes_no": "yes",
    "consent": "consent",
    "dots": "dots",
    "ranked": "ranked",
    "score": "score",
}

NEEDS: dict[str, Any] = dict(CommunicationNeed.choices)
NEED_SYMBOLS = {
    "easy_read": "action",
    "large_print": "idea",
    "audio": "read_aloud",
    "interpreter": "hand",
    "welsh": "speaker",
    "paper": "home",
    "email": "jargon",
}


def needs_review_due(review_on: datetime.date | None) -> bool:
    """Say whether the date to check a member's communication needs again has come."""
    return review_on is not None and review_on <= timezone.localdate()


# The sentences deliberation.methods writes into a result, so they can be translated.
REASONS = [
    gettext_noop("Nobody has voted yet."),
    gettext_noop("It is a tie."),
    gettext_noop("This option has the most dots."),
    gettext_noop("This option has the highest total score."),
    gettext_noop(
        "This option won when we counted first choices and moved on the votes "
        "of the least popular options."
    ),
    gettext_noop("Nobody objects."),
    gettext_noop("An objection blocks this."),
    gettext_noop("Yes has more votes than no."),
    gettext_noop("Nobody said yes or no."),
    gettext_noop("No has more votes than yes."),
    gettext_noop("More than half agree."),
    gettext_noop("Not more than half agree."),
    gettext_noop("Not a majority overall."),
    gettext_noop("Not a majority in every group."),
    gettext_noop("Not a majority of people with lived experience."),
    gettext_noop("Not a majority of staff."),
    gettext_noop("Not a majority of commissioners."),
    gettext_noop("There is a majority overall and in every group."),
    gettext_noop("Someone with lived experience disagrees."),
    gettext_noop("Someone with lived experience voted no."),
    gettext_noop("Someone with lived experience objects."),
    gettext_noop("Nobody with lived experience is against this."),
    gettext_noop("A group has fewer than 3 people, so the result counts one person, one vote."),
    gettext_noop(
        "This needs a majority in every group. A group has fewer than 3 people, "
        "so in a secret vote we cannot check it without showing how they voted."
    ),
    gettext_noop(
        "This needs no objection from people with lived experience. A group has fewer "
        "than 3 people, so in a secret vote we cannot check it without showing how they voted."
    ),
]

# The refusals deliberation.methods gives (methods.Refusal), so they can be translated.
REFUSALS = [
    gettext_noop("There is no voting method called %(method)r."),
    gettext_noop("Every option needs a name."),
    gettext_noop("A %(method)s poll always has the choices: %(choices)s."),
    gettext_noop("A poll needs at least two options."),
    gettext_noop("Each option must be different."),
    gettext_noop("Each voter needs at least one dot to give."),
    gettext_noop("Only a dots poll gives people dots."),
    gettext_noop("Please give an answer."),
    gettext_noop("This answer has something in it that does not belong to this poll."),
    gettext_noop("Please choose one of: %(choices)s."),
    gettext_noop("Please write your reason in words."),
    gettext_noop("Some letters or signs in your reason cannot be used. Please type it again."),
    gettext_noop("Please keep your reason to %(max)s letters or fewer (yours has %(n)s)."),
    gettext_noop("Please say why you object."),
    gettext_noop("Please choose only options that are on this poll."),
    gettext_noop("Please put your dots on the options."),
    gettext_noop("Please give dots as whole numbers."),
    gettext_noop("You cannot give a negative number of dots."),
    gettext_noop("You can give at most 1 dot."),
    gettext_noop("You can give at most %(n)s dots."),
    gettext_noop("Please give at least one dot."),
    gettext_noop("Please put the options in order."),
    gettext_noop("Please rank at least one option."),
    gettext_noop("Please rank each option only once."),
    gettext_noop("Please give each option a score."),
    gettext_noop("Please give each option a score from 0 to %(max)s."),
    gettext_noop("Please give a score to every option."),
]


def refusal_text(refusal: methods.Refusal) -> str:
    """Say a refusal of the pure core in the active language (choice keys as their words)."""
    template = gettext(refusal.template)
    if not refusal.params:
        return template
    values: Mapping[str, object] = {
        name: ", ".join(str(CHOICES.get(key, key)) for key in value)
        if isinstance(value, tuple)
        else value
        for name, value in refusal.params.items()
    }
    return template % values


ORDINALS = [
    _("1st"), _("2nd"), _("3rd"), _("4th"), _("5th"),
    _("6th"), _("7th"), _("8th"), _("9th"), _("10th"),
]  # fmt: skip


# The words under each score on a phone, 0 to methods.MAX_SCORE.
SCORE_WORDS: list[Any] = [
    _("Not at all"),
    _("A tiny bit"),
    _("A little"),
    _("Some"),
    _("A lot"),
    _("Very much"),
]


def score_words() -> list[str]:
    """Return the words for each score, 0 first, in the active language."""
    return [str(w) for w in SCORE_WORDS]


def score_stars(n: int) -> str:
    """Draw a score as stars: filled for the score, hollow for the rest (beside its words)."""
    return "★" * n + "☆" * (methods.MAX_SCORE - n)


def ordinal(n: int) -> str:
    """Return '1st', '2nd'... in the active language."""
    return str(ORDINALS[n - 1]) if 0 < n <= len(ORDINALS) else str(n)


def group_label(key: str) -> str:
    return str(GROUPS.get(key, key))


def symbol_url(name: str) -> str:
    """Return the URL of a vendored symbol, or '' for a name we do not have."""
    return _symbol_url(name, settings.STATIC_URL) if name in SYMBOLS else ""


@functools.lru_cache(maxsize=1024)
def _symbol_url(name: str, static_url: str) -> str:
    # Asked for about 2,000 times by a busy console (6% of its time): a file's URL does
    # not change while the process runs (keyed by STATIC_URL for tests that change it).
    return static(f"vendor/openmoji/{name}.svg")


def option_views(poll: dict[str, Any]) -> list[dict[str, Any]]:
    """Describe a poll's options: key, words, symbol and tone."""
    fixed = poll["method"] in methods.FIXED_CHOICES
    views = []
    for option in poll["options"]:
        key = option["key"]
        symbol = option.get("symbol") or key
        views.append(
            {
                "key": key,
                "label": str(CHOICES[key]) if fixed and key in CHOICES else option["label"],
                "symbol": symbol if symbol in SYMBOLS else "",
                "tone": TONES.get(key, "neutral") if fixed else "option",
            }
        )
    return views


def voters_text(n: int) -> str:
    # No plural forms: Welsh has six, and the page scripts must say the same thing.
    return gettext("People who voted: %(n)s") % {"n": n}


# A whole count with its unit, the projector's headline ("1 person", "12 dots"): the
# words for one and for any other number (the page scripts pick the same way).
COUNT_WORDS: dict[str, tuple[Any, Any]] = {
    "people": (_("1 person"), _("%(n)s people")),
    "dots": (_("1 dot"), _("%(n)s dots")),
    "points": (_("1 point"), _("%(n)s points")),
}


def count_text(unit: str, value: str) -> str:
    """Say a whole count with its unit: "1 person", "3 people"."""
    one, other = COUNT_WORDS[unit]
    return str(one) if value == "1" else str(other) % {"n": value}


def progress_text(progress: dict[str, int]) -> str:
    """Say how many of the people here have voted ("7 of 12 people here have voted.")."""
    return gettext("%(voted)s of %(expected)s people here have voted.") % progress


def assisted_text(n: int) -> str:
    return gettext("Votes cast with a supporter: %(n)s") % {"n": n}


def build_results(poll: dict[str, Any]) -> dict[str, Any]:
    """Put words into a poll's results shape for the results template (results.mjs too)."""
    shaped = results_shape.shape(poll)
    progress = shaped.get("progress")
    base = {
        **shaped,
        "secret": poll["secret"],
        "voters": poll.get("voters", 0),
        "voters_text": voters_text(poll.get("voters", 0)),
        "progress_text": progress_text(progress) if progress else "",
    }
    if not shaped["visible"] or shaped["empty"]:
        return base
    options = {o["key"]: o for o in option_views(poll)}
    labels = {key: o["label"] for key, o in options.items()}

    def rows(shaped_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**options[r["key"]], **r, "count": count_text(shaped["unit"], r["value"])}
            for r in shaped_rows
        ]

    return {
        **base,
        "voters": shaped["voters"],
        "voters_text": voters_text(shaped["voters"]),
        "assisted_text": assisted_text(shaped["assisted"]),
        "views": [
            {**v, "title": str(WEIGHTINGS[v["key"]]), "rows": rows(v["rows"])}
            for v in shaped["views"]
        ],
        "groups": [
            {
                **g,
                "label": group_label(g["key"]),
                "symbol": GROUP_SYMBOLS[g["key"]],
                "voters_text": voters_text(g["voters"]),
                "rows": rows(g["rows"]),
            }
            for g in shaped["groups"]
        ],
        "suppressed": [group_label(c) for c in shaped["suppressed"]],
        "common_ground": [options[k] for k in shaped["common_ground"]],
        "outcome": {
            "passed": shaped["outcome"]["passed"],
            "winner": labels.get(shaped["outcome"]["winner"], ""),
            "reasons": [gettext(r) for r in shaped["outcome"]["reasons"]],
        },
        "rounds": [
            {
                "n": r["n"],
                "rows": [
                    {"label": labels.get(c["key"], c["key"]), "value": c["value"]}
                    for c in r["rows"]
                ],
                "out": labels.get(r["out"], ""),
            }
            for r in shaped["rounds"]
        ],
    }


def live_config() -> dict[str, Any]:
    """Return the words and symbol URLs the page scripts need, in the active language.

    Built once per language and process, then shared by every page (do not change it):
    each of its 150 translations takes the translation machinery's lock, and 1,000
    phones joining at once queued on that lock when every page built it again.
    """
    return _live_config(translation.get_language() or settings.LANGUAGE_CODE)


def live_config_script() -> SafeString:
    """Return live_config as the page's `live-config` JSON script, serialised once per language."""
    return _live_config_script(translation.get_language() or settings.LANGUAGE_CODE)


@functools.cache
def _live_config_script(language: str) -> SafeString:
    with translation.override(language):
        return json_script(live_config(), "live-config")


@functools.cache
def _live_config(language: str) -> dict[str, Any]:
    with translation.override(language):
        return _build_live_config()


def _build_live_config() -> dict[str, Any]:
    strings = {
        "wait": _("Please wait for the next question."),
        "not_started": _("The meeting has not started yet."),
        "finished": _("This meeting has finished. Thank you for taking part."),
        "now": _("We are talking about:"),
        "now_short": _("Now"),
        "saved": _("Your vote is saved."),
        "saved_with": _("The vote with %(name)s is saved."),
        "your_answer": _("Your answer:"),
        "can_change": _("You can change your vote until the vote closes."),
        "secret": _("This vote is secret. Nobody will see how you voted."),
        "named": _(
            "This vote is not secret. The record will show your name and your vote. "
            "Every member can read the record."
        ),
        "send": _("Send my vote"),
        "sending": _("Sending your vote…"),
        "queued": _("You are not connected. We will send your vote when you are connected."),
        "reconnecting": _("Connecting again…"),
        "new_question": _("New question: %(question)s"),
        "other_screen": _(
            "This meeting is open on another screen of yours, so this one stopped. "
            "To use this one, reload the page."
        ),
        "join_again": _("Please join the meeting again."),
        "join_link": _("Join the meeting"),
        "results": _("Results"),
        "results_so_far": _("Results so far"),
        "last_vote": _("Last vote"),
        "hidden": _("Results will show when the vote closes."),
        "by_group": _("By group"),
        "common_ground": _("Things every group supports"),
        "common_none": _("Nothing yet that every group supports."),
        "protected": _(
            "This vote is secret and a group has fewer than 3 people, "
            "so only the count of everyone is shown."
        ),
        "suppressed": _("Fewer than 3 people: not shown on its own, still counted"),
        "passed": _("Passed"),
        "not_passed": _("Not passed"),
        "winner": _("Winner:"),
        "rounds": _("Counting in rounds"),
        "borda": _("Points for each place: the 1st choice gets the most (Borda count)."),
        "round": _("Round %(n)s"),
        "out": _("Out: %(name)s"),
        "objections": _("Why people object"),
        "dots_intro": _("Dots to give: %(n)s. Put them on the things you like most."),
        "dots_left": _("Dots left: %(n)s"),
        "dots_over": _("That is too many dots. Please take some off."),
        "ranked_intro": _("Put the options in order. 1st is the one you like most."),
        "not_ranked": _("Not ranked"),
        "score_intro": _("Give each option a score. 0 means not at all. 5 means very much."),
        "reason": _("Why?"),
        "reason_help": _(
            "If you object, you must say why. Your reason is shown to the group, without your name."
        ),
        "whose": _("Whose vote is this?"),
        "own": _("My own vote"),
        "with": _("With %(name)s"),
        "observer": _("You are here to watch. You do not vote in this meeting."),
        "present": _("Here"),
        "waiting": _("Waiting to come in"),
        "waiting_count": _("Waiting to come in: %(n)s"),
        "people_here": _("People here"),
        "admit": _("Let in"),
        "refuse": _("Turn away"),
        "release": _("Let this person join again"),
        "claims": _("Another phone asks for this name"),
        "claim_confirm": _("Give the name to the new phone"),
        "claim_refuse": _("Keep it on the first phone"),
        "guest": _("Guest"),
        "group": _("Group"),
        "out_of_date": _("Something changed. Reload the page to see it."),
        "reload": _("Reload"),
        "read_aloud": _("Read aloud"),
        "question": _("Question"),
        "choose": _("Please choose an answer."),
        "rank_dup": _("Please use each place only once."),
        "no_votes": _("Nobody has voted yet."),
        "voters": _("People who voted: %(n)s"),
        "last_time": _("Last time we decided"),
        "what_happened": _("Here is what happened:"),
        "nothing_yet": _("Nothing is planned yet."),
        "late": _("Late"),
        "latest": _("Latest news:"),
    }
    return {
        "strings": {k: str(v) for k, v in strings.items()},
        "choices": {k: str(v) for k, v in CHOICES.items()},
        "tones": TONES,
        "groups": {k: str(v) for k, v in GROUPS.items()},
        "group_symbols": GROUP_SYMBOLS,
        "group_order": list(methods.CONSTITUENCIES),
        "weightings": {k: str(v) for k, v in WEIGHTINGS.items()},
        "count_words": {k: [str(one), str(other)] for k, (one, other) in COUNT_WORDS.items()},
        "weighting_order": list(methods.WEIGHTINGS),
        "needs": {k: str(v) for k, v in NEEDS.items()},
        "roles": {k: str(v) for k, v in Role.choices},
        "need_symbols": NEED_SYMBOLS,
        "reasons": {r: gettext(r) for r in REASONS},
        "ordinals": [str(o) for o in ORDINALS],
        "score_words": score_words(),
        "fixed": {k: list(v) for k, v in methods.FIXED_CHOICES.items()},
        "symbols": {name: static(f"vendor/openmoji/{name}.svg") for name in sorted(SYMBOLS)},
        "action_statuses": {k: str(v) for k, v in ACTION_STATUSES.items()},
        "action_symbols": ACTION_SYMBOLS,
    }


# -- the record ------------------------------------------------------------------------

ACTION_STATUSES: dict[str, Any] = dict(ActionStatus.choices)
ACTION_SYMBOLS = {"planned": "date", "in_progress": "work", "done": "yes", "dropped": "no"}
# Where a decision's actions are (selectors.decision_status).
DECISION_STATUSES: dict[str, Any] = {
    "no_actions": _("Nothing planned yet"),
    "in_progress": _("Being done"),
    "overdue": _("Late"),
    "done": _("Done"),
}
DECISION_STATUS_SYMBOLS = {
    "no_actions": "question",
    "in_progress": "work",
    "overdue": "date",
    "done": "yes",
}
# Where an easy-read summary is (services.summaries.summary_status).
SUMMARY_STATUSES: dict[str, Any] = {
    "not_built": _("Not built yet"),
    "draft": _("Draft: not signed off yet"),
    "sign_off_again": _("Changed after sign-off: it needs signing off again"),
    "signed_off": _("Signed off: ready to send"),
    "sent": _("Sent"),
}
SUMMARY_STATUS_SYMBOLS = {
    "not_built": "question",
    "draft": "action",
    "sign_off_again": "concern",
    "signed_off": "agree",
    "sent": "yes",
}
DISCUSSION = _("We talked it through (no vote)")


def method_label(method: str) -> str:
    """Say how a decision was made, in words."""
    if method in Poll.Method.values:
        return str(Poll.Method(method).label)
    return str(DISCUSSION)


def summary_status_view(status: str) -> dict[str, str]:
    """Describe a summary's status for a page: key, words and symbol."""
    label = str(SUMMARY_STATUSES[status])
    return {"key": status, "label": label, "symbol": SUMMARY_STATUS_SYMBOLS[status]}


# -- meeting as equals: cards and speaking time ---------------------------------------

# The cards a phone can show, each with its word and its symbol (the vendored OpenMoji
# files have the cards' names). "I want to say something" is the hand (HAND_WORDS).
CARDS: dict[str, Any] = {
    "dont_understand": _("I don't understand"),
    "slow_down": _("Slow down"),
    "jargon": _("Jargon!"),
    "break": _("I need a break"),
}
CARD_SYMBOLS = {"dont_understand": "dont_understand", "slow_down": "slow_down",
                "jargon": "jargon", "break": "break"}  # fmt: skip
HAND_WORDS = _("I want to say something")
# Time limits a facilitator can choose for each turn, in seconds (0: no limit).
TIME_LIMITS: list[tuple[int, Any]] = [
    (0, _("No time limit")),
    (60, _("1 minute")),
    (120, _("2 minutes")),
    (180, _("3 minutes")),
    (300, _("5 minutes")),
]


def clock(seconds: int) -> str:
    """Show a number of seconds as a clock: 75 -> "1:15", 3725 -> "1:02:05"."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def card_views(counts: Mapping[str, int], names: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Describe each card for a page: word, symbol, how many are up, and who chose to say."""
    return [
        {
            "kind": kind,
            "label": str(label),
            "symbol": CARD_SYMBOLS[kind],
            "count": counts.get(kind, 0),
            "names": [n["name"] for n in names if n["kind"] == kind],
        }
        for kind, label in CARDS.items()
    ]
