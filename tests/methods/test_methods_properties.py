"""Properties of the voting methods that must hold for every poll."""

import json
import math
from collections.abc import Mapping

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deliberation.methods import (
    CONSTITUENCIES,
    FIXED_CHOICES,
    MAX_SCORE,
    METHODS,
    SOURCES,
    WEIGHTINGS,
    Ballot,
    InvalidAnswer,
    PollSpec,
    normalise_answer,
    tally,
    weights,
)

QUICK = settings(max_examples=100, deadline=None)
OPTION_KEYS = ("park", "bus", "cafe", "library", "pool")


@st.composite
def specs(draw: st.DrawFn, methods: tuple[str, ...] = METHODS) -> PollSpec:
    """Draw a valid poll spec."""
    method = draw(st.sampled_from(methods))
    if method in FIXED_CHOICES:
        return PollSpec.for_method(method)
    size = draw(st.integers(2, len(OPTION_KEYS)))
    options = draw(st.permutations(OPTION_KEYS))[:size]
    dots = draw(st.integers(1, 6)) if method == "dots" else 0
    return PollSpec.for_method(method, options, dots)


@st.composite
def answers(draw: st.DrawFn, spec: PollSpec) -> dict[str, object]:
    """Draw a valid canonical answer for spec."""
    if spec.method in FIXED_CHOICES:
        choice = draw(st.sampled_from(spec.options))
        if choice in ("concern", "objection"):
            reason = draw(st.sampled_from(["", "Too far.", "No ramp.", "Costs too much."]))
            if choice == "objection" and not reason:
                reason = "No reason given in time."
            answer: dict[str, object] = {"choice": choice}
            if reason:
                answer["reason"] = reason
            return answer
        return {"choice": choice}
    if spec.method == "dots":
        total = draw(st.integers(1, spec.dots))
        spread = draw(st.lists(st.sampled_from(spec.options), min_size=total, max_size=total))
        return normalise_answer(spec, {"dots": {o: spread.count(o) for o in set(spread)}})
    if spec.method == "ranked":
        order = draw(st.permutations(spec.options))
        return {"ranking": list(order[: draw(st.integers(1, len(order)))])}
    scores = draw(st.lists(st.integers(0, MAX_SCORE), min_size=len(spec.options)))
    return {"scores": dict(zip(spec.options, scores, strict=False))}


@st.composite
def polls(
    draw: st.DrawFn, methods: tuple[str, ...] = METHODS, max_ballots: int = 12
) -> tuple[PollSpec, list[Ballot]]:
    """Draw a spec and some ballots for it."""
    spec = draw(specs(methods))
    ballots = draw(
        st.lists(
            st.builds(
                Ballot,
                constituency=st.sampled_from(CONSTITUENCIES),
                answer=answers(spec),
                count=st.integers(1, 4),
                source=st.sampled_from(SOURCES),
            ),
            max_size=max_ballots,
        )
    )
    return spec, ballots


flags = st.fixed_dictionaries(
    {
        "secret": st.booleans(),
        "double_majority": st.booleans(),
        "lived_experience_consent": st.booleans(),
        "primary": st.sampled_from(WEIGHTINGS),
    }
)


def applicable(spec: PollSpec, options: Mapping[str, object]) -> dict[str, object]:
    """Drop the flags that services never set on a multi-option poll."""
    if spec.method in FIXED_CHOICES:
        return dict(options)
    return {**options, "double_majority": False, "lived_experience_consent": False}


@QUICK
@given(
    voters=st.fixed_dictionaries({c: st.integers(0, 60) for c in CONSTITUENCIES}),
)
def test_parity_gives_each_constituency_present_the_same_total_weight(
    voters: dict[str, int],
) -> None:
    total = sum(voters.values())
    present = [c for c in CONSTITUENCIES if voters[c]]
    w = weights(voters, "parity")
    carried = [voters[c] * w[c] for c in present]
    for amount in carried:
        assert math.isclose(amount, total / len(present))
    assert math.isclose(sum(voters[c] * w[c] for c in CONSTITUENCIES), total, abs_tol=1e-9)
    assert weights(voters, "per_person") == dict.fromkeys(CONSTITUENCIES, 1.0)


@QUICK
@given(poll=polls(), options=flags, data=st.data())
def test_result_does_not_depend_on_ballot_order(
    poll: tuple[PollSpec, list[Ballot]], options: dict[str, object], data: st.DataObject
) -> None:
    spec, ballots = poll
    shuffled = data.draw(st.permutations(ballots))
    kwargs = applicable(spec, options)
    assert tally(spec, shuffled, **kwargs) == tally(spec, ballots, **kwargs)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(poll=polls(methods=("ranked",), max_ballots=20), data=st.data())
def test_borda_and_irv_do_not_depend_on_ballot_order(
    poll: tuple[PollSpec, list[Ballot]], data: st.DataObject
) -> None:
    spec, ballots = poll
    first = tally(spec, ballots)
    again = tally(spec, data.draw(st.permutations(ballots)))
    assert again["ranked"] == first["ranked"]
    assert again["outcome"] == first["outcome"]


@settings(max_examples=300, deadline=None)
@given(
    limit=st.integers(1, 6),
    given_dots=st.dictionaries(st.sampled_from(OPTION_KEYS[:3]), st.integers(-2, 8)),
)
def test_dots_per_voter_never_exceed_the_limit(limit: int, given_dots: dict[str, int]) -> None:
    spec = PollSpec.for_method("dots", OPTION_KEYS[:3], dots=limit)
    fits = all(d >= 0 for d in given_dots.values()) and 1 <= sum(given_dots.values()) <= limit
    try:
        canonical = normalise_answer(spec, {"dots": given_dots})
    except InvalidAnswer:
        assert not fits
        return
    assert fits
    spread = canonical["dots"]
    assert isinstance(spread, dict)
    assert 1 <= sum(spread.values()) <= limit
    assert all(d > 0 for d in spread.values())


@QUICK
@given(poll=polls(methods=("consent",)), objector=st.sampled_from(CONSTITUENCIES), options=flags)
def test_a_consent_poll_with_any_objection_never_passes(
    poll: tuple[PollSpec, list[Ballot]], objector: str, options: dict[str, object]
) -> None:
    spec, ballots = poll
    objection = Ballot(objector, {"choice": "objection", "reason": "Not safe."})
    result = tally(spec, [*ballots, objection], **options)  # type: ignore[arg-type]
    assert result["outcome"]["passed"] is False  # type: ignore[index]
    assert "Not safe." in result["objections"]  # type: ignore[operator]


@QUICK
@given(poll=polls(methods=("consent",)), options=flags)
def test_a_consent_poll_passes_without_objections_unless_a_requirement_fails(
    poll: tuple[PollSpec, list[Ballot]], options: dict[str, object]
) -> None:
    spec, drawn = poll
    ballots = [b for b in drawn if b.answer["choice"] != "objection"]
    assume(ballots)
    outcome = tally(spec, ballots, **options)["outcome"]  # type: ignore[arg-type]
    # A rule about one group that a secret poll could not check (a group under 3) fails.
    expected = (
        outcome["double_majority"] is not False  # type: ignore[index]
        and outcome["lived_experience_consent"] is not False  # type: ignore[index]
    )
    assert outcome["passed"] is expected  # type: ignore[index]


@QUICK
@given(poll=polls(), k=st.integers(1, 5), options=flags)
def test_a_count_of_k_equals_k_copies(
    poll: tuple[PollSpec, list[Ballot]], k: int, options: dict[str, object]
) -> None:
    spec, ballots = poll
    kwargs = applicable(spec, options)
    counted = [Ballot(b.constituency, b.answer, b.count * k, b.source) for b in ballots]
    copies = [
        Ballot(b.constituency, b.answer, 1, b.source) for b in ballots for _ in range(b.count * k)
    ]
    assert tally(spec, counted, **kwargs) == tally(spec, copies, **kwargs)  # type: ignore[arg-type]


def _sums_to_one_or_zero(shares: Mapping[str, float]) -> None:
    """Check that rounded shares add up to 1, or are all 0."""
    total = sum(shares.values())
    if total == 0:
        assert all(s == 0 for s in shares.values())
    else:
        # Each share is rounded to 4 places, so the sum may be off by half a unit each.
        assert total == pytest.approx(1, abs=0.00005 * len(shares) + 1e-12)
    assert all(0 <= s <= 1 for s in shares.values())


@QUICK
@given(poll=polls(), secret=st.booleans())
def test_shares_sum_to_one_or_zero(poll: tuple[PollSpec, list[Ballot]], secret: bool) -> None:
    spec, ballots = poll
    result = tally(spec, ballots, secret=secret)
    for weighting in result["weightings"]:  # type: ignore[attr-defined]
        shares = result["weightings"][weighting]["shares"]  # type: ignore[index]
        _sums_to_one_or_zero(shares)
        totals = result["weightings"][weighting]["totals"]  # type: ignore[index]
        assert (sum(shares.values()) == 0) == (sum(totals.values()) == 0)
        if ballots and spec.method != "score":
            # Only all-zero scores can leave nothing to share out.
            assert sum(shares.values()) > 0
    for breakdown in result["by_constituency"].values():  # type: ignore[attr-defined]
        _sums_to_one_or_zero(breakdown["shares"])


@QUICK
@given(poll=polls(), scale=st.integers(2, 7), grown=st.sampled_from(CONSTITUENCIES))
def test_parity_is_not_moved_by_numbers_alone(
    poll: tuple[PollSpec, list[Ballot]], scale: int, grown: str
) -> None:
    spec, ballots = poll
    # Bringing more people who vote the same way must not shift a parity result.
    more = [
        Ballot(b.constituency, b.answer, b.count * (scale if b.constituency == grown else 1))
        for b in ballots
    ]
    before = tally(spec, ballots)
    after = tally(spec, more)
    assert after["weightings"]["parity"]["shares"] == before["weightings"]["parity"]["shares"]  # type: ignore[index]
    assert after["common_ground"] == before["common_ground"]
    assert after["outcome"]["passed"] == before["outcome"]["passed"]  # type: ignore[index]
    assert after["outcome"]["winner"] == before["outcome"]["winner"]  # type: ignore[index]


@QUICK
@given(poll=polls(), options=flags)
def test_results_are_json_and_cover_every_voter(
    poll: tuple[PollSpec, list[Ballot]], options: dict[str, object]
) -> None:
    spec, ballots = poll
    result = tally(spec, ballots, **applicable(spec, options))  # type: ignore[arg-type]
    assert json.loads(json.dumps(result)) == result
    assert result["voters"] == sum(b.count for b in ballots)
    assert sum(result["voters_by_constituency"].values()) == result["voters"]  # type: ignore[attr-defined]
    assert sum(result["voters_by_source"].values()) == result["voters"]  # type: ignore[attr-defined]
    shown = set(result["by_constituency"]) | set(result["suppressed"])  # type: ignore[call-overload]
    assert shown == {c for c in CONSTITUENCIES if result["voters_by_constituency"][c]}  # type: ignore[index]
    if result["suppressed"]:
        # Something is withheld only in a secret poll with a group of fewer than 3.
        assert options["secret"]
        assert min(result["voters_by_constituency"][c] for c in result["suppressed"]) < 3  # type: ignore[index]
        assert result["by_constituency"] == {}


@QUICK
@given(data=st.data(), spec=specs())
def test_normalising_twice_changes_nothing(data: st.DataObject, spec: PollSpec) -> None:
    answer = data.draw(answers(spec))
    once = normalise_answer(spec, answer)
    assert normalise_answer(spec, once) == once
