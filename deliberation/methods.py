"""Voting methods and tallying for coprod polls: pure Python, no Django."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from deliberation import textcheck

CONSTITUENCIES: tuple[str, ...] = ("lived_experience", "staff", "commissioner")
METHODS: tuple[str, ...] = ("traffic_light", "yes_no", "dots", "ranked", "score", "consent")
FIXED_CHOICES: dict[str, tuple[str, ...]] = {
    "traffic_light": ("agree", "not_sure", "disagree"),
    "yes_no": ("yes", "no", "abstain"),
    "consent": ("consent", "concern", "objection"),
}
# Methods where a ballot is one choice, so a show of hands can be entered as a count.
SINGLE_CHOICE: frozenset[str] = frozenset(FIXED_CHOICES)
POSITIVE: dict[str, str] = {"traffic_light": "agree", "yes_no": "yes", "consent": "consent"}
NEGATIVE: dict[str, str] = {"traffic_light": "disagree", "yes_no": "no", "consent": "objection"}
# Choices that take no side, so they do not count towards a majority.
ABSTAIN: dict[str, str] = {"yes_no": "abstain"}
WEIGHTINGS: tuple[str, ...] = ("per_person", "parity")
SOURCES: tuple[str, ...] = ("direct", "assisted", "paper", "hand", "remote")
MIN_BREAKOUT = 3  # a secret poll never breaks out a constituency with fewer voters than this
# The group of a secret ballot whose group was not kept: when a secret poll closes with a
# group too small to break out, no ballot keeps its group (see polls.poll_close).
UNGROUPED = ""
MAX_SCORE = 5
MAX_REASON_LENGTH = 1000

CONSTITUENCY_NAMES: dict[str, str] = {
    "lived_experience": "people with lived experience",
    "staff": "staff",
    "commissioner": "commissioners",
}
METHOD_NAMES: dict[str, str] = {
    "traffic_light": "traffic light",
    "yes_no": "yes or no",
    "dots": "dots",
    "ranked": "ranked",
    "score": "score",
    "consent": "consent",
}
_ANSWER_KEYS: dict[str, frozenset[str]] = {
    "traffic_light": frozenset({"choice"}),
    "yes_no": frozenset({"choice"}),
    "consent": frozenset({"choice", "reason"}),
    "dots": frozenset({"dots"}),
    "ranked": frozenset({"ranking"}),
    "score": frozenset({"scores"}),
}
# What a protected secret result says instead of anything that needs a group's own count.
PROTECTED_PER_PERSON = "A group has fewer than 3 people, so the result counts one person, one vote."
PROTECTED_GROUP_RULE = (
    "This needs a majority in every group. A group has fewer than 3 people, "
    "so in a secret vote we cannot check it without showing how they voted."
)
PROTECTED_LE_RULE = (
    "This needs no objection from people with lived experience. A group has fewer "
    "than 3 people, so in a secret vote we cannot check it without showing how they voted."
)
_LE_NEGATIVE_REASONS: dict[str, str] = {
    "traffic_light": "Someone with lived experience disagrees.",
    "yes_no": "Someone with lived experience voted no.",
    "consent": "Someone with lived experience objects.",
}
_WINNER_REASONS: dict[str, str] = {
    "dots": "This option has the most dots.",
    "score": "This option has the highest total score.",
    "ranked": "This option won when we counted first choices and moved on the votes "
    "of the least popular options.",
}
TIE = "It is a tie."
NO_VOTES = "Nobody has voted yet."


class Refusal(ValueError):
    """A plain-words refusal; str(exc) is its English, made from `template` and `params`.

    The template has %(name)s places; a tuple param lists choice keys. A caller that speaks
    the participant's language says it again from these (display.refusal_text).
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        english = {
            name: ", ".join(_label(key) for key in value) if isinstance(value, tuple) else value
            for name, value in params.items()
        }
        super().__init__(template % english if params else template)


class InvalidAnswer(Refusal):
    """An answer that does not fit the poll; str(exc) is a plain-words message for a participant."""


class InvalidSpec(Refusal):
    """A method, options or dots that cannot describe a poll."""


@dataclass(frozen=True)
class PollSpec:
    """What a ballot of a poll may contain."""

    method: str
    options: tuple[str, ...]
    dots: int = 0

    @classmethod
    def for_method(cls, method: str, options: Iterable[str] = (), dots: int = 0) -> "PollSpec":
        """Build and check a spec, filling in the fixed choices of single-choice methods."""
        chosen = tuple(options)
        if method in FIXED_CHOICES and not chosen:
            chosen = FIXED_CHOICES[method]
        spec = cls(method=method, options=chosen, dots=dots)
        validate_spec(spec)
        return spec


@dataclass(frozen=True)
class Ballot:
    """One answer to count, or a hand count standing for `count` identical answers."""

    constituency: str
    answer: Mapping[str, object]
    count: int = 1
    source: str = "direct"

    def __post_init__(self) -> None:
        """Refuse a ballot that could not have come from a real voter."""
        if self.constituency not in CONSTITUENCIES and self.constituency != UNGROUPED:
            raise ValueError(f"Unknown constituency: {self.constituency!r}.")
        if not _is_int(self.count) or self.count < 1:
            raise ValueError("A ballot's count must be a whole number of at least 1.")
        if self.source not in SOURCES:
            raise ValueError(f"Unknown ballot source: {self.source!r}.")


def _is_int(value: object) -> bool:
    """Tell whether value is an int and not a bool (JSON true must not count as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _label(key: str) -> str:
    """Turn a choice key into words."""
    return key.replace("_", " ")


def validate_spec(spec: PollSpec) -> None:
    """Raise InvalidSpec (a ValueError) with a plain message if the spec cannot describe a poll."""
    if spec.method not in METHODS:
        raise InvalidSpec("There is no voting method called %(method)r.", method=spec.method)
    if not isinstance(spec.options, tuple) or not all(
        isinstance(option, str) and option for option in spec.options
    ):
        raise InvalidSpec("Every option needs a name.")
    if spec.method in FIXED_CHOICES:
        if spec.options != FIXED_CHOICES[spec.method]:
            raise InvalidSpec(
                "A %(method)s poll always has the choices: %(choices)s.",
                method=METHOD_NAMES[spec.method],
                choices=FIXED_CHOICES[spec.method],
            )
    else:
        if len(spec.options) < 2:
            raise InvalidSpec("A poll needs at least two options.")
        if len(set(spec.options)) != len(spec.options):
            raise InvalidSpec("Each option must be different.")
    if spec.method == "dots":
        if not _is_int(spec.dots) or spec.dots < 1:
            raise InvalidSpec("Each voter needs at least one dot to give.")
    elif spec.dots != 0:
        raise InvalidSpec("Only a dots poll gives people dots.")


def normalise_answer(spec: PollSpec, answer: Mapping[str, object]) -> dict[str, object]:
    """Validate one ballot's answer and return its canonical form; raise InvalidAnswer otherwise."""
    validate_spec(spec)
    if not isinstance(answer, Mapping) or not answer:
        raise InvalidAnswer("Please give an answer.")
    if not set(answer) <= _ANSWER_KEYS[spec.method]:
        raise InvalidAnswer("This answer has something in it that does not belong to this poll.")
    if spec.method in SINGLE_CHOICE:
        return _normalise_choice(spec, answer)
    if spec.method == "dots":
        return _normalise_dots(spec, answer)
    if spec.method == "ranked":
        return _normalise_ranking(spec, answer)
    return _normalise_scores(spec, answer)


def _normalise_choice(spec: PollSpec, answer: Mapping[str, object]) -> dict[str, object]:
    """Check a single-choice answer and its reason."""
    choice = answer.get("choice")
    if not isinstance(choice, str) or choice not in spec.options:
        raise InvalidAnswer("Please choose one of: %(choices)s.", choices=spec.options)
    reason = answer.get("reason")
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise InvalidAnswer("Please write your reason in words.")
    if not textcheck.is_storable(reason):
        raise InvalidAnswer(
            "Some letters or signs in your reason cannot be used. Please type it again."
        )
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidAnswer(
            "Please keep your reason to %(max)s letters or fewer (yours has %(n)s).",
            max=MAX_REASON_LENGTH,
            n=len(reason),
        )
    if choice == "objection" and not reason:
        raise InvalidAnswer("Please say why you object.")
    # A reason is only asked for with a concern or an objection; a consent needs none.
    if reason and choice in ("concern", "objection"):
        return {"choice": choice, "reason": reason}
    return {"choice": choice}


def _known_option(spec: PollSpec, option: object) -> str:
    """Return option if it is on the poll, else refuse it."""
    if not isinstance(option, str) or option not in spec.options:
        raise InvalidAnswer("Please choose only options that are on this poll.")
    return option


def _normalise_dots(spec: PollSpec, answer: Mapping[str, object]) -> dict[str, object]:
    """Check how a voter spread their dots."""
    given = answer.get("dots")
    if not isinstance(given, Mapping):
        raise InvalidAnswer("Please put your dots on the options.")
    counts: dict[str, int] = {}
    for option, dots in given.items():
        key = _known_option(spec, option)
        if not _is_int(dots):
            raise InvalidAnswer("Please give dots as whole numbers.")
        if dots < 0:
            raise InvalidAnswer("You cannot give a negative number of dots.")
        counts[key] = dots
    total = sum(counts.values())
    if total > spec.dots:
        if spec.dots == 1:
            raise InvalidAnswer("You can give at most 1 dot.")
        raise InvalidAnswer("You can give at most %(n)s dots.", n=spec.dots)
    if total < 1:
        raise InvalidAnswer("Please give at least one dot.")
    return {"dots": {o: counts[o] for o in spec.options if counts.get(o, 0) > 0}}


def _normalise_ranking(spec: PollSpec, answer: Mapping[str, object]) -> dict[str, object]:
    """Check a voter's ranking (it may leave options out)."""
    given = answer.get("ranking")
    # A string is a sequence too, but "abc" is not a ranking of a, b and c.
    if not isinstance(given, list | tuple):
        raise InvalidAnswer("Please put the options in order.")
    if not given:
        raise InvalidAnswer("Please rank at least one option.")
    ranking = [_known_option(spec, option) for option in given]
    if len(set(ranking)) != len(ranking):
        raise InvalidAnswer("Please rank each option only once.")
    return {"ranking": ranking}


def _normalise_scores(spec: PollSpec, answer: Mapping[str, object]) -> dict[str, object]:
    """Check that every option got one score from 0 to MAX_SCORE."""
    given = answer.get("scores")
    if not isinstance(given, Mapping):
        raise InvalidAnswer("Please give each option a score.")
    scores: dict[str, int] = {}
    for option, score in given.items():
        key = _known_option(spec, option)
        if not _is_int(score) or not 0 <= score <= MAX_SCORE:
            raise InvalidAnswer("Please give each option a score from 0 to %(max)s.", max=MAX_SCORE)
        scores[key] = score
    if len(scores) != len(spec.options):
        raise InvalidAnswer("Please give a score to every option.")
    return {"scores": {o: scores[o] for o in spec.options}}


def _exact_weights(voters: Mapping[str, int], weighting: str) -> dict[str, Fraction]:
    """Return the exact weight of one ballot in each constituency."""
    if weighting not in WEIGHTINGS:
        raise ValueError(f"There is no weighting called {weighting!r}.")
    for constituency, n in voters.items():
        if constituency not in CONSTITUENCIES:
            raise ValueError(f"Unknown constituency: {constituency!r}.")
        if not _is_int(n) or n < 0:
            raise ValueError("A number of voters must be a whole number, 0 or more.")
    if weighting == "per_person":
        return {c: Fraction(1) for c in CONSTITUENCIES}
    present = [c for c in CONSTITUENCIES if voters.get(c, 0) > 0]
    total = sum(voters.get(c, 0) for c in CONSTITUENCIES)
    # Each constituency present carries N/k in all, however many of its people voted.
    return {
        c: Fraction(total, len(present) * voters[c]) if c in present else Fraction(0)
        for c in CONSTITUENCIES
    }


def weights(voters_by_constituency: Mapping[str, int], weighting: str) -> dict[str, float]:
    """Return the weight of one ballot in each constituency."""
    exact = _exact_weights(voters_by_constituency, weighting)
    return {c: float(w) for c, w in exact.items()}


def _contribution(spec: PollSpec, answer: Mapping[str, object]) -> tuple[int, ...]:
    """Return what one canonical answer adds to each option's total."""
    n = len(spec.options)
    if spec.method in SINGLE_CHOICE:
        return tuple(int(option == answer["choice"]) for option in spec.options)
    if spec.method == "dots":
        dots = cast(Mapping[str, int], answer["dots"])
        return tuple(int(dots.get(option, 0)) for option in spec.options)
    if spec.method == "score":
        scores = cast(Mapping[str, int], answer["scores"])
        return tuple(int(scores[option]) for option in spec.options)
    ranking = cast(list[str], answer["ranking"])
    points = {option: n - 1 - position for position, option in enumerate(ranking)}
    return tuple(points.get(option, 0) for option in spec.options)


def _round(value: Fraction) -> float:
    """Round an exact value for output, the same way whatever the order of ballots."""
    return float(round(value, 4))


def _shares(totals: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """Return each option's part of the whole (all 0 when nothing was counted)."""
    whole = sum(totals.values(), Fraction(0))
    return {o: (t / whole if whole else Fraction(0)) for o, t in totals.items()}


def _rounded(values: Mapping[str, Fraction]) -> dict[str, float]:
    """Round every value of a mapping for output."""
    return {key: _round(value) for key, value in values.items()}


def _top(options: tuple[str, ...], totals: Mapping[str, Fraction]) -> str | None:
    """Return the option with the highest total, or None on a tie."""
    best = max(totals[o] for o in options)
    leaders = [o for o in options if totals[o] == best]
    return leaders[0] if len(leaders) == 1 else None


def _irv(
    options: tuple[str, ...],
    groups: list[tuple[tuple[str, ...], Fraction]],
    borda: Mapping[str, Fraction],
) -> dict[str, object]:
    """Run a weighted instant-runoff count over (ranking, weight) groups."""
    rounds: list[dict[str, float]] = []
    eliminated: list[str] = []
    if not groups:
        return {"rounds": rounds, "eliminated": eliminated, "winner": None}
    continuing = list(options)
    winner: str | None = None
    while True:
        votes = dict.fromkeys(continuing, Fraction(0))
        for ranking, weight in groups:
            # A ballot counts for its highest-ranked continuing option; when none is left
            # it is exhausted and drops out of the count.
            for option in ranking:
                if option in votes:
                    votes[option] += weight
                    break
        rounds.append(_rounded(votes))
        total = sum(votes.values(), Fraction(0))
        best = max(votes.values())
        if len(continuing) == 1 or 2 * best > total:
            winner = next(o for o in continuing if votes[o] == best)
            break
        lowest = min(votes.values())
        candidates = [o for o in continuing if votes[o] == lowest]
        least_borda = min(borda[o] for o in candidates)
        candidates = [o for o in candidates if borda[o] == least_borda]
        if len(candidates) == len(continuing):
            # Everyone left is level on votes and on Borda points: only the order the
            # options were listed in could split them, which is no reason to win.
            break
        # Later-listed options go first, so the result never depends on ballot order.
        loser = candidates[-1]
        eliminated.append(loser)
        continuing.remove(loser)
    return {"rounds": rounds, "eliminated": eliminated, "winner": winner}


def tally(
    spec: PollSpec,
    ballots: Iterable[Ballot],
    *,
    secret: bool = False,
    double_majority: bool = False,
    lived_experience_consent: bool = False,
    primary: str = "parity",
) -> dict[str, object]:
    """Count the ballots and return a JSON-serialisable result."""
    validate_spec(spec)
    if primary not in WEIGHTINGS:
        raise ValueError(f"There is no weighting called {primary!r}.")
    options = spec.options
    single = spec.method in SINGLE_CHOICE

    # Identical answers are grouped with exact integer counts, so nothing below can
    # depend on the order the ballots arrived in.
    contributions: dict[str, Counter[tuple[int, ...]]] = {c: Counter() for c in CONSTITUENCIES}
    rankings: dict[str, Counter[tuple[str, ...]]] = {c: Counter() for c in CONSTITUENCIES}
    voters = dict.fromkeys(CONSTITUENCIES, 0)
    # Ballots whose group was not kept count in the overall one-person-one-vote count only.
    ungrouped: Counter[tuple[int, ...]] = Counter()
    ungrouped_rankings: Counter[tuple[str, ...]] = Counter()
    ungrouped_voters = 0
    sources: Counter[str] = Counter()
    objections: list[str] = []
    lived_experience_negative = False
    for ballot in ballots:
        if not isinstance(ballot, Ballot):
            raise TypeError("tally() counts Ballot objects only.")
        # Stored answers are normalised again so a corrupted row cannot be miscounted.
        answer = normalise_answer(spec, ballot.answer)
        constituency = ballot.constituency
        sources[ballot.source] += ballot.count
        if constituency == UNGROUPED:
            ungrouped[_contribution(spec, answer)] += ballot.count
            ungrouped_voters += ballot.count
            if spec.method == "ranked":
                ungrouped_rankings[tuple(cast(list[str], answer["ranking"]))] += ballot.count
            if spec.method == "consent" and answer["choice"] == NEGATIVE[spec.method]:
                objections.extend([str(answer["reason"])] * ballot.count)
            continue
        contributions[constituency][_contribution(spec, answer)] += ballot.count
        voters[constituency] += ballot.count
        if spec.method == "ranked":
            ranking = cast(list[str], answer["ranking"])
            rankings[constituency][tuple(ranking)] += ballot.count
        if single and answer["choice"] == NEGATIVE[spec.method]:
            if constituency == "lived_experience":
                lived_experience_negative = True
            if spec.method == "consent":
                objections.extend([str(answer["reason"])] * ballot.count)

    present = [c for c in CONSTITUENCIES if voters[c] > 0]
    total_voters = sum(voters.values()) + ungrouped_voters

    # Per-person totals inside each constituency, exact.
    within: dict[str, dict[str, Fraction]] = {}
    for c in CONSTITUENCIES:
        sums = [Fraction(0)] * len(options)
        for vector, count in contributions[c].items():
            for i, amount in enumerate(vector):
                sums[i] += amount * count
        within[c] = dict(zip(options, sums, strict=True))

    exact: dict[str, dict[str, Fraction]] = {}
    weight_of: dict[str, dict[str, Fraction]] = {}
    for weighting in WEIGHTINGS:
        weight_of[weighting] = _exact_weights(voters, weighting)
        exact[weighting] = {
            o: sum((weight_of[weighting][c] * within[c][o] for c in present), Fraction(0))
            for o in options
        }
    for vector, count in ungrouped.items():
        for weighting in WEIGHTINGS:
            for option, amount in zip(options, vector, strict=True):
                exact[weighting][option] += amount * count

    # A secret poll with a group too small to break out shows only the overall
    # one-person-one-vote count. Anything more could be solved for the small group's
    # votes: the other groups' breakdowns subtracted from the total, the parity totals
    # set against the per-person ones, or a per-group statement such as common ground.
    protected = ungrouped_voters > 0 or (secret and any(voters[c] < MIN_BREAKOUT for c in present))
    # So the outcome too is decided on the count that is shown: a parity count, a
    # majority in each group or a lived-experience veto would each tell, set against
    # the overall count, how the small group voted (two lone votes must look the same).
    decide = "per_person" if protected else primary
    shown = ("per_person",) if protected else WEIGHTINGS
    weightings_out = {
        w: {"totals": _rounded(exact[w]), "shares": _rounded(_shares(exact[w]))} for w in shown
    }
    by_constituency: dict[str, object] = {}
    suppressed: list[str] = []
    for c in present:
        if protected:
            suppressed.append(c)
            continue
        by_constituency[c] = {
            "voters": voters[c],
            "totals": _rounded(within[c]),
            "shares": _rounded(_shares(within[c])),
        }

    result: dict[str, object] = {
        "method": spec.method,
        "options": list(options),
        "voters": total_voters,
        "voters_by_constituency": dict(voters),
        "voters_by_source": {s: sources[s] for s in SOURCES if sources[s]},
        "weightings": weightings_out,
        "by_constituency": by_constituency,
        "suppressed": suppressed,
        "protected": protected,
        "common_ground": [] if protected else _common_ground(spec, within, present),
    }

    irv_winner: str | None = None
    if spec.method == "ranked":
        irv: dict[str, dict[str, object]] = {}
        for weighting in WEIGHTINGS:
            groups = [
                (ranking, weight_of[weighting][c] * count)
                for c in present
                for ranking, count in sorted(rankings[c].items())
            ]
            groups.extend(
                (ranking, Fraction(count)) for ranking, count in sorted(ungrouped_rankings.items())
            )
            irv[weighting] = _irv(options, groups, exact[weighting])
        result["ranked"] = {
            "borda": {w: _rounded(exact[w]) for w in shown},
            "irv": {w: irv[w] for w in shown},
        }
        irv_winner = cast(str | None, irv[decide]["winner"])

    outcome: dict[str, object] = {
        "weighting": decide,
        "passed": None,
        "winner": None,
        "double_majority": None,
        "lived_experience_consent": None,
        "reasons": [],
    }
    if total_voters == 0:
        outcome["reasons"] = [NO_VOTES]
    elif single:
        _single_outcome(
            outcome,
            spec.method,
            exact[decide],
            within,
            present,
            objections=len(objections),
            secret=secret,
            protected=protected,
            double_majority=double_majority,
            lived_experience_consent=lived_experience_consent,
            lived_experience_negative=lived_experience_negative,
        )
    else:
        winner = irv_winner if spec.method == "ranked" else _top(options, exact[decide])
        outcome["winner"] = winner
        outcome["reasons"] = [_WINNER_REASONS[spec.method] if winner else TIE]
    if protected and primary != decide and total_voters:
        cast(list[str], outcome["reasons"]).insert(0, PROTECTED_PER_PERSON)
    result["outcome"] = outcome

    if spec.method == "consent":
        result["objections"] = sorted(objections)
    return result


def _common_ground(
    spec: PollSpec, within: Mapping[str, Mapping[str, Fraction]], present: list[str]
) -> list[str]:
    """Return the options that every constituency present supports.

    Ground is only common between groups: with one group voting there is none to name.
    """
    if len(present) < 2:
        return []
    if spec.method in SINGLE_CHOICE:
        positive = POSITIVE[spec.method]
        for c in present:
            if _shares(within[c])[positive] <= Fraction(1, 2):
                return []
        return [positive]
    common = []
    for option in spec.options:
        supported = True
        for c in present:
            totals = within[c]
            mean = sum(totals.values(), Fraction(0)) / len(spec.options)
            if totals[option] <= 0 or totals[option] < mean:
                supported = False
                break
        if supported:
            common.append(option)
    return common


def _has_majority(method: str, totals: Mapping[str, Fraction]) -> bool:
    """Tell whether the positive choice has more than half the vote, abstentions aside."""
    abstain = ABSTAIN.get(method)
    counted = sum((t for o, t in totals.items() if o != abstain), Fraction(0))
    return 2 * totals[POSITIVE[method]] > counted


def _single_outcome(
    outcome: dict[str, object],
    method: str,
    totals: Mapping[str, Fraction],
    within: Mapping[str, Mapping[str, Fraction]],
    present: list[str],
    *,
    objections: int,
    secret: bool,
    protected: bool,
    double_majority: bool,
    lived_experience_consent: bool,
    lived_experience_negative: bool,
) -> None:
    """Fill in whether a single-choice poll passed, and why."""
    reasons: list[str] = []
    if method == "consent":
        # Any objection blocks, however few people made it and whatever the weighting.
        passed = objections == 0
        reasons.append("Nobody objects." if passed else "An objection blocks this.")
    elif method == "yes_no":
        yes, no = totals["yes"], totals["no"]
        passed = yes > no
        if passed:
            reasons.append("Yes has more votes than no.")
        elif yes == no:
            reasons.append(TIE if yes else "Nobody said yes or no.")
        else:
            reasons.append("No has more votes than yes.")
    else:
        passed = 2 * totals["agree"] > sum(totals.values(), Fraction(0))
        reasons.append("More than half agree." if passed else "Not more than half agree.")

    if protected and (double_majority or lived_experience_consent):
        # A rule about one group cannot be checked without telling how a small group
        # voted, so it is not met: the vote can be held again with more people, or named.
        if double_majority:
            outcome["double_majority"] = False
            reasons.append(PROTECTED_GROUP_RULE)
        if lived_experience_consent:
            outcome["lived_experience_consent"] = False
            reasons.append(PROTECTED_LE_RULE)
        outcome["passed"] = False
        outcome["reasons"] = reasons
        return

    if double_majority:
        overall = _has_majority(method, totals)
        failing = [c for c in present if not _has_majority(method, within[c])]
        outcome["double_majority"] = overall and not failing
        if not overall:
            reasons.append("Not a majority overall.")
        if failing and secret:
            # Naming a group here could reveal how a small, unreported group voted.
            reasons.append("Not a majority in every group.")
        elif failing:
            reasons.extend(f"Not a majority of {CONSTITUENCY_NAMES[c]}." for c in failing)
        if overall and not failing:
            reasons.append("There is a majority overall and in every group.")
        passed = passed and overall and not failing

    if lived_experience_consent:
        outcome["lived_experience_consent"] = not lived_experience_negative
        if lived_experience_negative:
            reasons.append(_LE_NEGATIVE_REASONS[method])
            passed = False
        else:
            reasons.append("Nobody with lived experience is against this.")

    outcome["passed"] = passed
    outcome["reasons"] = reasons
