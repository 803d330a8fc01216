"""Poll specs, ballots and weights."""

import math

import pytest

from deliberation.methods import (
    CONSTITUENCIES,
    FIXED_CHOICES,
    METHODS,
    Ballot,
    PollSpec,
    validate_spec,
    weights,
)


@pytest.mark.parametrize("method", sorted(FIXED_CHOICES))
def test_for_method_fills_in_fixed_choices(method: str) -> None:
    spec = PollSpec.for_method(method)
    assert spec.options == FIXED_CHOICES[method]
    assert spec.dots == 0


def test_for_method_keeps_given_options() -> None:
    spec = PollSpec.for_method("dots", ["a", "b"], dots=3)
    assert spec == PollSpec("dots", ("a", "b"), 3)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (PollSpec("raffle", ("a", "b")), "There is no voting method called 'raffle'."),
        (PollSpec("ranked", ("a",)), "A poll needs at least two options."),
        (PollSpec("score", ()), "A poll needs at least two options."),
        (PollSpec("score", ("a", "b", "a")), "Each option must be different."),
        (PollSpec("ranked", ("a", "")), "Every option needs a name."),
        (PollSpec("dots", ("a", "b"), 0), "Each voter needs at least one dot to give."),
        (PollSpec("dots", ("a", "b"), True), "Each voter needs at least one dot to give."),
        (PollSpec("score", ("a", "b"), 3), "Only a dots poll gives people dots."),
        (
            PollSpec("yes_no", ("yes", "no")),
            "A yes or no poll always has the choices: yes, no, abstain.",
        ),
    ],
)
def test_validate_spec_refuses_bad_specs(spec: PollSpec, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        validate_spec(spec)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("method", METHODS)
def test_validate_spec_accepts_every_method(method: str) -> None:
    if method in FIXED_CHOICES:
        validate_spec(PollSpec(method, FIXED_CHOICES[method]))
    else:
        validate_spec(PollSpec(method, ("a", "b"), 2 if method == "dots" else 0))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"constituency": "councillor"},
        {"count": 0},
        {"count": True},
        {"count": 1.0},
        {"source": "email"},
    ],
)
def test_ballot_refuses_impossible_values(kwargs: dict[str, object]) -> None:
    fields: dict[str, object] = {"constituency": "staff", "answer": {"choice": "yes"}}
    fields.update(kwargs)
    with pytest.raises(ValueError):
        Ballot(**fields)  # type: ignore[arg-type]


def test_per_person_weights_are_one() -> None:
    assert weights({"staff": 4, "commissioner": 1}, "per_person") == {
        "lived_experience": 1.0,
        "staff": 1.0,
        "commissioner": 1.0,
    }


def test_parity_weights_seven_commissioners_three_self_advocates() -> None:
    # N = 10, k = 2: each constituency carries 5 in all.
    w = weights({"lived_experience": 3, "commissioner": 7}, "parity")
    assert w["lived_experience"] == pytest.approx(5 / 3)
    assert w["commissioner"] == pytest.approx(5 / 7)
    assert w["staff"] == 0.0
    assert 3 * w["lived_experience"] == pytest.approx(7 * w["commissioner"])


def test_parity_weights_all_three() -> None:
    w = weights({"lived_experience": 2, "staff": 4, "commissioner": 6}, "parity")
    # N = 12, k = 3: each constituency carries 4.
    assert w == pytest.approx({"lived_experience": 2.0, "staff": 1.0, "commissioner": 4 / 6})
    assert math.isclose(sum(w[c] * n for c, n in zip(CONSTITUENCIES, (2, 4, 6), strict=True)), 12)


def test_parity_weights_with_nobody() -> None:
    assert weights({}, "parity") == dict.fromkeys(CONSTITUENCIES, 0.0)


@pytest.mark.parametrize(
    ("voters", "weighting"),
    [
        ({"staff": 1}, "majority"),
        ({"councillor": 1}, "parity"),
        ({"staff": -1}, "parity"),
        ({"staff": True}, "parity"),
    ],
)
def test_weights_refuse_bad_input(voters: dict[str, int], weighting: str) -> None:
    with pytest.raises(ValueError):
        weights(voters, weighting)
