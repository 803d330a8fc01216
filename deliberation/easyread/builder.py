"""Turn a meeting's record into the points of its easy-read summary.

Pure Python on plain data: the selector `deliberation.selectors.summaries.meeting_record` reads
the database and gives a `MeetingRecord`; `build_points` writes short sentences (15
words or fewer, digits for numbers, dates as "Tuesday 3 March") with a symbol for each
point. The sentences come from `Words`: English by default; the summaries service
passes Django's translations, so the same points are also drafted in Welsh. The
facilitator then reviews and edits every point in both languages.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from deliberation.methods import CONSTITUENCIES, FIXED_CHOICES

# Each kind of point has a default symbol: the OpenMoji file of the same name.
KINDS: tuple[str, ...] = (
    "meeting", "people", "vote", "agree", "disagree", "decision",
    "action", "person", "date", "place", "question", "break",
)  # fmt: skip
DEFAULT_SYMBOLS: Mapping[str, str] = {kind: kind for kind in KINDS}
# The pictures the builder chooses, one for each kind of point it writes and one for each
# state of an action, so a reader can tell the points apart by their pictures alone.
TOPIC_SYMBOL = "speaker"
NEXT_MEETING_SYMBOL = "date"
ACTION_SYMBOLS: Mapping[str, str] = {
    "planned": "action",
    "in_progress": "work",
    "late": "concern",
    "done": "yes",
    "dropped": "objection",
}

# Action states as the builder says them; "late" is an open action past its date.
ACTION_STATES: tuple[str, ...] = ("planned", "in_progress", "done", "dropped")

# The groups in the order the summary names them: the voting methods' own order.
GROUP_ORDER: tuple[str, ...] = CONSTITUENCIES


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
    # The question people voted on, and how many of the voters voted between meetings.
    question: str = ""
    remote_voters: int = 0


@dataclass(frozen=True)
class ActionRecord:
    """An action as the builder needs it."""

    decision: int
    description: str
    owner: str
    due_on: datetime.date
    status: str = "planned"
    dropped_reason: str = ""


@dataclass(frozen=True)
class NextMeeting:
    """The forum's next planned meeting."""

    title: str
    # None when the meeting is planned but its date is not set yet.
    starts_at: datetime.datetime | None
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
    # The day the summary is written: an open action due before it is late.
    today: datetime.date | None = None
    # Meeting as equals: seconds spoken by each group (finished turns only), and how
    # often the meeting stopped for "I don't understand" or "Jargon!" cards.
    airtime: Mapping[str, int] = field(default_factory=dict)
    explain_stops: int = 0


@dataclass(frozen=True)
class PointDraft:
    """One point to save: its kind, its symbol and its words."""

    kind: str
    symbol: str
    text: str
    # The point quotes words people wrote (a title, a question, a decision), which stay in
    # the language they were written in: its other-language version needs a person's check.
    quotes: bool = False


@dataclass(frozen=True)
class Words:
    """The sentences of a summary in one language.

    `gettext` and `ngettext` take the English sentence (with %(name)s places) and give
    it in the language; the names let makemessages find the sentences below.
    """

    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    day: Callable[[datetime.date], str]
    time: Callable[[datetime.datetime], str]


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


ENGLISH = Words(
    gettext=lambda text: text,
    ngettext=lambda singular, plural, n: singular if n == 1 else plural,
    day=day,
    time=time_of_day,
)


def _point(kind: str, text: str, symbol: str = "", *, quotes: bool = False) -> PointDraft:
    return PointDraft(kind=kind, symbol=symbol or DEFAULT_SYMBOLS[kind], text=text, quotes=quotes)


def _words(text: str) -> str:
    """Tidy words people wrote to quote them: single spaces, no full stop at the end."""
    return " ".join(text.split()).rstrip(".")


def _end(text: str) -> str:
    """End a sentence whose last words may be a quotation ending in ? or !."""
    return text if text.rstrip("”’\"'")[-1:] in ("?", "!", ".") else text + "."


def _meeting_points(record: MeetingRecord, w: Words) -> list[PointDraft]:
    # The title is the page's heading already: the points say what it does not.
    if record.starts_at is not None:
        text = w.gettext("We had a meeting on %(day)s.") % {"day": w.day(record.starts_at)}
    else:
        text = w.gettext("We had a meeting.")
    points = [_point("meeting", text)]
    place = _words(record.place)
    if place:
        points.append(
            _point("place", sentence(w.gettext("We met at %(place)s") % {"place": place}))
        )
    return points


def _spoke_words(w: Words, group: str, seconds: int) -> str:
    minutes = round(seconds / 60)
    if group == "lived_experience":
        if minutes < 1:
            return w.gettext(
                "People who use services or look after someone spoke for less than a minute."
            )
        return w.ngettext(
            "People who use services or look after someone spoke for %(n)s minute.",
            "People who use services or look after someone spoke for %(n)s minutes.",
            minutes,
        ) % {"n": minutes}
    if group == "staff":
        if minutes < 1:
            return w.gettext("People who work in care spoke for less than a minute.")
        return w.ngettext(
            "People who work in care spoke for %(n)s minute.",
            "People who work in care spoke for %(n)s minutes.",
            minutes,
        ) % {"n": minutes}
    if minutes < 1:
        return w.gettext("People from the council or health board spoke for less than a minute.")
    return w.ngettext(
        "People from the council or health board spoke for %(n)s minute.",
        "People from the council or health board spoke for %(n)s minutes.",
        minutes,
    ) % {"n": minutes}


def equals_points(
    airtime: Mapping[str, int], explain_stops: int, w: Words = ENGLISH
) -> list[PointDraft]:
    """Say how long each group that spoke spoke, and how often we stopped to explain.

    airtime: seconds by group, for the groups that had a turn (0 seconds is "less than
    a minute"). The meeting's record page says the same sentences.
    """
    points = []
    spoke = [_spoke_words(w, group, airtime[group]) for group in GROUP_ORDER if group in airtime]
    if spoke:
        points.append(_point("people", " ".join(spoke), "speaker"))
    if explain_stops:
        explained = w.ngettext(
            "We stopped to explain %(n)s time.",
            "We stopped to explain %(n)s times.",
            explain_stops,
        ) % {"n": explain_stops}
        points.append(_point("question", explained, "dont_understand"))
    return points


def _group_words(w: Words, group: str, n: int) -> str:
    if group == "lived_experience":
        return w.ngettext(
            "%(n)s person who uses services or looks after someone came.",
            "%(n)s people who use services or look after someone came.",
            n,
        ) % {"n": n}
    if group == "staff":
        return w.ngettext(
            "%(n)s person who works in care came.", "%(n)s people who work in care came.", n
        ) % {"n": n}
    return w.ngettext(
        "%(n)s person from the council or health board came.",
        "%(n)s people from the council or health board came.",
        n,
    ) % {"n": n}


def _people_point(came: Mapping[str, int], w: Words) -> PointDraft | None:
    total = sum(came.values())
    if not total:
        return None
    came_words = w.ngettext(
        "%(n)s person came to the meeting.", "%(n)s people came to the meeting.", total
    )
    lines = [came_words % {"n": total}]
    lines += [_group_words(w, group, came[group]) for group in GROUP_ORDER if came.get(group)]
    return _point("people", " ".join(lines))


def _choice_words(w: Words, choice: str, n: int) -> str:
    """Say how many people gave one of the fixed answers: "5 people said yes."."""
    says: dict[str, Callable[[int], str]] = {
        "yes": lambda n: w.ngettext("%(n)s person said yes.", "%(n)s people said yes.", n),
        "no": lambda n: w.ngettext("%(n)s person said no.", "%(n)s people said no.", n),
        "abstain": lambda n: w.ngettext(
            "%(n)s person did not want to say.", "%(n)s people did not want to say.", n
        ),
        "agree": lambda n: w.ngettext("%(n)s person agreed.", "%(n)s people agreed.", n),
        "not_sure": lambda n: w.ngettext(
            "%(n)s person was not sure.", "%(n)s people were not sure.", n
        ),
        "disagree": lambda n: w.ngettext(
            "%(n)s person did not agree.", "%(n)s people did not agree.", n
        ),
        "consent": lambda n: w.ngettext(
            "%(n)s person can live with it.", "%(n)s people can live with it.", n
        ),
        "concern": lambda n: w.ngettext(
            "%(n)s person has a worry.", "%(n)s people have a worry.", n
        ),
        "objection": lambda n: w.ngettext("%(n)s person objects.", "%(n)s people object.", n),
    }
    return says[choice](n) % {"n": n}


def _totals(result: Mapping[str, object]) -> Mapping[str, float]:
    weightings = result.get("weightings")
    if not isinstance(weightings, Mapping):
        return {}
    per_person = weightings.get("per_person")
    if not isinstance(per_person, Mapping):
        return {}
    totals = per_person.get("totals")
    return totals if isinstance(totals, Mapping) else {}


def vote_words(decision: DecisionRecord, w: Words = ENGLISH) -> str:
    """Say what a vote was about and its result, with counts of people, never percentages."""
    result = decision.result
    if not result:
        return ""
    voters = result.get("voters")
    question = _words(decision.question)
    # The question stands as a sentence of its own, so a long one never makes ours long.
    lines = [w.gettext("We asked this question."), _end(f"“{question}”")] if question else []
    if not isinstance(voters, int) or voters == 0:
        return " ".join([*lines, w.gettext("Nobody voted.")])
    lines.append(w.ngettext("%(n)s person voted.", "%(n)s people voted.", voters) % {"n": voters})
    remote = min(decision.remote_voters, voters)
    if remote:
        # Says why more people voted than came to the meeting.
        lines.append(w.gettext("%(n)s of them voted between meetings.") % {"n": remote})
    totals = _totals(result)
    choices = FIXED_CHOICES.get(decision.method)
    if choices:
        for choice in choices:
            n = round(float(totals.get(choice, 0)))
            if n:
                lines.append(_choice_words(w, choice, n))
        return " ".join(lines)
    outcome = result.get("outcome")
    winner = outcome.get("winner") if isinstance(outcome, Mapping) else None
    if isinstance(winner, str) and winner in decision.options:
        choice = _words(decision.options[winner])
        lines.append(
            _end(w.gettext("The most popular choice was “%(choice)s”") % {"choice": choice})
        )
    return " ".join(lines)


def _passed(decision: DecisionRecord) -> bool | None:
    if not decision.result:
        return None
    outcome = decision.result.get("outcome")
    passed = outcome.get("passed") if isinstance(outcome, Mapping) else None
    return passed if isinstance(passed, bool) else None


def action_state(action: ActionRecord, today: datetime.date | None) -> str:
    """Say an action's state for the summary: planned, in_progress, late, done or dropped."""
    if action.status in ("done", "dropped"):
        return action.status
    if today is not None and action.due_on < today:
        return "late"
    return action.status if action.status in ACTION_STATES else "planned"


def action_words(action: ActionRecord, state: str, w: Words = ENGLISH) -> str:
    """Say who does an action and when, in the tense its state needs."""
    values = {"who": _capital(action.owner), "day": w.day(action.due_on)}
    if state == "done":
        return w.gettext("%(who)s has done this.") % values
    if state == "dropped":
        stopped = w.gettext("We have stopped this.")
        reason = sentence(action.dropped_reason)
        return f"{stopped} {reason}" if reason else stopped
    if state == "late":
        return w.gettext("%(who)s planned to do this by %(day)s. It is late.") % values
    if state == "in_progress":
        return w.gettext("%(who)s is doing this now. The plan is to finish by %(day)s.") % values
    return w.gettext("%(who)s will do this by %(day)s.") % values


def _decision_points(
    decision: DecisionRecord,
    actions: Sequence[ActionRecord],
    w: Words,
    today: datetime.date | None,
) -> list[PointDraft]:
    words = decision.outcome_easy_read.strip() or decision.outcome.strip()
    points: list[PointDraft] = []
    votes = vote_words(decision, w)
    if votes:
        passed = _passed(decision)
        kind = "vote" if passed is None else ("agree" if passed else "disagree")
        quotes = bool(decision.question.strip()) or decision.method not in FIXED_CHOICES
        points.append(_point(kind, votes, quotes=quotes))
    points.append(_point("decision", sentence(words), quotes=True))
    for action in actions:
        state = action_state(action, today)
        text = f"{sentence(action.description)} {action_words(action, state, w)}"
        points.append(_point("action", text, ACTION_SYMBOLS[state], quotes=True))
    return points


def _next_meeting_point(next_meeting: NextMeeting, w: Words) -> PointDraft:
    when = next_meeting.starts_at
    if when is None:
        text = w.gettext("We will have another meeting. We will tell you the date.")
    else:
        text = w.gettext("Our next meeting is on %(day)s at %(time)s.") % {
            "day": w.day(when),
            "time": w.time(when),
        }
    place = _words(next_meeting.place)
    if place:
        text += " " + sentence(w.gettext("It is at %(place)s") % {"place": place})
    return _point("date", text, NEXT_MEETING_SYMBOL)


def build_points(record: MeetingRecord, words: Words = ENGLISH) -> list[PointDraft]:
    """Write a meeting's summary points in reading order.

    The meeting, who came, then each agenda item with the decisions (and their actions)
    made under it, then decisions made outside the agenda, then the next meeting.
    """
    w = words
    points = _meeting_points(record, w)
    people_point = _people_point(record.came, w)
    if people_point:
        points.append(people_point)
    points += equals_points(record.airtime, record.explain_stops, w)
    by_decision: dict[int, list[ActionRecord]] = {}
    for action in record.actions:
        by_decision.setdefault(action.decision, []).append(action)
    agenda_ids = {item_id for item_id, _ in record.agenda}
    for item_id, title in record.agenda:
        talked = w.gettext("We talked about “%(topic)s”") % {"topic": _words(title)}
        points.append(_point("question", _end(talked), TOPIC_SYMBOL, quotes=True))
        for decision in record.decisions:
            if decision.agenda_item == item_id:
                points += _decision_points(
                    decision, by_decision.get(decision.id, []), w, record.today
                )
    for decision in record.decisions:
        if decision.agenda_item not in agenda_ids:
            points += _decision_points(decision, by_decision.get(decision.id, []), w, record.today)
    if record.next_meeting is not None:
        points.append(_next_meeting_point(record.next_meeting, w))
    return points
