"""Turn a meeting's record into the points of its easy-read summary.

Pure Python on plain data: the selector `deliberation.selectors.meeting_record` reads
the database and gives a `MeetingRecord`; `build_points` writes short English sentences
(15 words or fewer, digits for numbers, dates as "Tuesday 3 March") with a symbol for
each point. The facilitator then reviews and edits every point, and may add Welsh.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Each kind of point has a default symbol: the OpenMoji file of the same name.
KINDS: tuple[str, ...] = (
    "meeting", "people", "vote", "agree", "disagree", "decision",
    "action", "person", "date", "place", "question", "break",
)  # fmt: skip
DEFAULT_SYMBOLS: Mapping[str, str] = {kind: kind for kind in KINDS}

# How many people of each voice came, in the order the design names them.
_GROUP_WORDS: Mapping[str, tuple[str, str]] = {
    "lived_experience": ("person with lived experience", "people with lived experience"),
    "staff": ("member of staff", "staff"),
    "commissioner": ("person from the council or health board",
                     "people from the council or health board"),
}  # fmt: skip
GROUP_ORDER: tuple[str, ...] = ("lived_experience", "staff", "commissioner")

# How a count of each fixed choice is said: "5 people said yes".
_CHOICE_WORDS: Mapping[str, str] = {
    "yes": "said yes",
    "no": "said no",
    "abstain": "did not want to say",
    "agree": "agreed",
    "not_sure": "were not sure",
    "disagree": "did not agree",
    "consent": "can live with it",
    "concern": "have a worry",
    "objection": "object",
}
# The same for one person, where the verb changes.
_CHOICE_WORDS_ONE: Mapping[str, str] = {
    "not_sure": "was not sure",
    "consent": "can live with it",
    "concern": "has a worry",
    "objection": "objects",
}
_FIXED_CHOICES: Mapping[str, tuple[str, ...]] = {
    "traffic_light": ("agree", "not_sure", "disagree"),
    "yes_no": ("yes", "no", "abstain"),
    "consent": ("consent", "concern", "objection"),
}


@dataclass(frozen=True)
class DecisionRecord:
    """A decision as the builder needs it."""

    id: int
    outcome: str
    outcome_easy_read: str = ""
    agenda_item: int | None = None
    method: str = ""
    # The poll's result as deliberation.methods.tally gives it, if there was a vote.
    result: Mapping[str, object] | None = None
    # Option key to its words, for methods where people wrote the options.
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionRecord:
    """An action as the builder needs it."""

    decision: int
    description: str
    owner: str
    due_on: datetime.date


@dataclass(frozen=True)
class NextMeeting:
    """The forum's next planned meeting."""

    title: str
    starts_at: datetime.datetime
    place: str = ""


@dataclass(frozen=True)
class MeetingRecord:
    """Everything a summary is built from, read once from the database."""

    title: str
    starts_at: datetime.datetime | None
    place: str
    came: Mapping[str, int]
    agenda: Sequence[tuple[int, str]]
    decisions: Sequence[DecisionRecord]
    actions: Sequence[ActionRecord]
    next_meeting: NextMeeting | None = None


@dataclass(frozen=True)
class PointDraft:
    """One point to save: its kind, its symbol and its words."""

    kind: str
    symbol: str
    text: str


def day(value: datetime.date) -> str:
    """Say a date as "Tuesday 3 March"."""
    return f"{value:%A} {value.day} {value:%B}"


def time_of_day(value: datetime.datetime) -> str:
    """Say a time as "10am" or "2:30pm"."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.minute:
        return f"{hour}:{value.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def sentence(text: str) -> str:
    """Tidy a text into sentences: single spaces, a capital first, a full stop last."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?":
        text += "."
    return text


def _capital(text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    return text[:1].upper() + text[1:]


def people(n: int, one: str = "person", many: str = "people") -> str:
    """Say a count of people with digits: "1 person", "3 people"."""
    return f"{n} {one if n == 1 else many}"


def _point(kind: str, text: str, symbol: str = "") -> PointDraft:
    return PointDraft(kind=kind, symbol=symbol or DEFAULT_SYMBOLS[kind], text=text)


def _meeting_points(record: MeetingRecord) -> list[PointDraft]:
    points = [_point("meeting", sentence(f"This is about our meeting: {record.title}"))]
    if record.starts_at is not None:
        points.append(_point("date", f"The meeting was on {day(record.starts_at)}."))
    if record.place.strip():
        points.append(_point("place", sentence(f"We met at {record.place.strip()}")))
    return points


def _people_point(came: Mapping[str, int]) -> PointDraft | None:
    total = sum(came.values())
    if not total:
        return None
    lines = [f"{people(total)} came to the meeting."]
    for group in GROUP_ORDER:
        n = came.get(group, 0)
        if n:
            one, many = _GROUP_WORDS[group]
            lines.append(f"{people(n, one, many)}.")
    return _point("people", " ".join(lines))


def _totals(result: Mapping[str, object]) -> Mapping[str, float]:
    weightings = result.get("weightings")
    if not isinstance(weightings, Mapping):
        return {}
    per_person = weightings.get("per_person")
    if not isinstance(per_person, Mapping):
        return {}
    totals = per_person.get("totals")
    return totals if isinstance(totals, Mapping) else {}


def vote_words(decision: DecisionRecord) -> str:
    """Say a vote's result with counts of people, never percentages."""
    result = decision.result
    if not result:
        return ""
    voters = result.get("voters")
    if not isinstance(voters, int) or voters == 0:
        return "Nobody voted."
    lines = [f"{people(voters)} voted."]
    totals = _totals(result)
    choices = _FIXED_CHOICES.get(decision.method)
    if choices:
        for choice in choices:
            n = round(float(totals.get(choice, 0)))
            if n:
                verb = _CHOICE_WORDS_ONE.get(choice, _CHOICE_WORDS[choice])
                lines.append(f"{people(n)} {verb if n == 1 else _CHOICE_WORDS[choice]}.")
        return " ".join(lines)
    outcome = result.get("outcome")
    winner = outcome.get("winner") if isinstance(outcome, Mapping) else None
    if isinstance(winner, str) and winner in decision.options:
        lines.append(sentence(f"The most popular choice was: {decision.options[winner]}"))
    return " ".join(lines)


def _passed(decision: DecisionRecord) -> bool | None:
    if not decision.result:
        return None
    outcome = decision.result.get("outcome")
    passed = outcome.get("passed") if isinstance(outcome, Mapping) else None
    return passed if isinstance(passed, bool) else None


def _decision_points(decision: DecisionRecord, actions: Sequence[ActionRecord]) -> list[PointDraft]:
    words = decision.outcome_easy_read.strip() or decision.outcome.strip()
    points: list[PointDraft] = []
    votes = vote_words(decision)
    if votes:
        passed = _passed(decision)
        kind = "vote" if passed is None else ("agree" if passed else "disagree")
        points.append(_point(kind, votes))
    points.append(_point("decision", sentence(words)))
    for action in actions:
        description = sentence(action.description)
        points.append(
            _point(
                "action",
                f"{description} {_capital(action.owner)} will do this by {day(action.due_on)}.",
            )
        )
    return points


def _next_meeting_point(next_meeting: NextMeeting) -> PointDraft:
    when = next_meeting.starts_at
    text = f"Our next meeting is on {day(when)} at {time_of_day(when)}."
    if next_meeting.place.strip():
        text += " " + sentence(f"It is at {next_meeting.place.strip()}")
    return _point("date", text)


def build_points(record: MeetingRecord) -> list[PointDraft]:
    """Write a meeting's summary points in reading order.

    The meeting, who came, then each agenda item with the decisions (and their actions)
    made under it, then decisions made outside the agenda, then the next meeting.
    """
    points = _meeting_points(record)
    people_point = _people_point(record.came)
    if people_point:
        points.append(people_point)
    by_decision: dict[int, list[ActionRecord]] = {}
    for action in record.actions:
        by_decision.setdefault(action.decision, []).append(action)
    agenda_ids = {item_id for item_id, _ in record.agenda}
    for item_id, title in record.agenda:
        points.append(_point("question", sentence(f"We talked about: {title}"), "speaker"))
        for decision in record.decisions:
            if decision.agenda_item == item_id:
                points += _decision_points(decision, by_decision.get(decision.id, []))
    for decision in record.decisions:
        if decision.agenda_item not in agenda_ids:
            points += _decision_points(decision, by_decision.get(decision.id, []))
    if record.next_meeting is not None:
        points.append(_next_meeting_point(record.next_meeting))
    return points
