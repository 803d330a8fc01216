"""Tallying dots, score and ranked polls."""

import json

from deliberation.methods import Ballot, PollSpec, tally

DOTS = PollSpec.for_method("dots", ("x", "y", "z"), dots=3)
SCORE = PollSpec.for_method("score", ("p", "q", "r"))
RANKED = PollSpec.for_method("ranked", ("a", "b", "c"))


def ranks(constituency: str, *ranking: str, count: int = 1) -> Ballot:
    """Return a ranked ballot."""
    return Ballot(constituency, {"ranking": list(ranking)}, count)


def outcome(result: dict[str, object]) -> dict[str, object]:
    """Return the outcome part of a result."""
    value = result["outcome"]
    assert isinstance(value, dict)
    return value


def irv(result: dict[str, object], weighting: str) -> dict[str, object]:
    """Return the instant-runoff part of a ranked result."""
    return result["ranked"]["irv"][weighting]  # type: ignore[index,no-any-return]


# Dots


DOTS_BALLOTS = [
    Ballot("lived_experience", {"dots": {"x": 3}}),
    Ballot("lived_experience", {"dots": {"x": 2, "y": 1}}),
    Ballot("staff", {"dots": {"z": 3}}),
]


def test_dots_totals_by_weighting() -> None:
    result = tally(DOTS, DOTS_BALLOTS)
    assert result["weightings"]["per_person"]["totals"] == {"x": 5.0, "y": 1.0, "z": 3.0}  # type: ignore[index]
    # N = 3, k = 2: self-advocates weigh 3/4 each, the one staff member 3/2.
    assert result["weightings"]["parity"]["totals"] == {"x": 3.75, "y": 0.75, "z": 4.5}  # type: ignore[index]
    assert result["weightings"]["parity"]["shares"] == {"x": 0.4167, "y": 0.0833, "z": 0.5}  # type: ignore[index]


def test_dots_winner_follows_primary_weighting() -> None:
    assert outcome(tally(DOTS, DOTS_BALLOTS, primary="per_person")) == {
        "weighting": "per_person",
        "passed": None,
        "winner": "x",
        "double_majority": None,
        "lived_experience_consent": None,
        "reasons": ["This option has the most dots."],
    }
    assert outcome(tally(DOTS, DOTS_BALLOTS))["winner"] == "z"


def test_multi_option_ignores_double_majority_and_lived_experience_consent() -> None:
    result = outcome(tally(DOTS, DOTS_BALLOTS, double_majority=True, lived_experience_consent=True))
    assert result["double_majority"] is None
    assert result["lived_experience_consent"] is None
    assert result["passed"] is None


def test_dots_by_constituency_and_no_common_ground() -> None:
    result = tally(DOTS, DOTS_BALLOTS)
    assert result["by_constituency"] == {
        "lived_experience": {
            "voters": 2,
            "totals": {"x": 5.0, "y": 1.0, "z": 0.0},
            "shares": {"x": 0.8333, "y": 0.1667, "z": 0.0},
        },
        "staff": {
            "voters": 1,
            "totals": {"x": 0.0, "y": 0.0, "z": 3.0},
            "shares": {"x": 0.0, "y": 0.0, "z": 1.0},
        },
    }
    assert result["common_ground"] == []


def test_dots_common_ground_is_at_least_the_mean_in_every_group() -> None:
    ballots = [
        Ballot("lived_experience", {"dots": {"x": 2, "y": 1}}, count=2),  # x 4, y 2, z 0: mean 2
        Ballot("staff", {"dots": {"x": 1, "y": 1, "z": 1}}),  # all 1: mean 1
    ]
    assert tally(DOTS, ballots)["common_ground"] == ["x", "y"]


def test_dots_tie_has_no_winner() -> None:
    ballots = [Ballot("staff", {"dots": {"x": 2, "y": 1}}), Ballot("staff", {"dots": {"y": 1}})]
    result = outcome(tally(DOTS, ballots))
    assert result["winner"] is None
    assert result["reasons"] == ["It is a tie."]


# Score


def test_score_totals_winner_and_common_ground() -> None:
    ballots = [
        Ballot("lived_experience", {"scores": {"p": 5, "q": 2, "r": 0}}, count=3),
        Ballot("commissioner", {"scores": {"p": 3, "q": 4, "r": 2}}),
    ]
    result = tally(SCORE, ballots, primary="per_person")
    assert result["weightings"]["per_person"]["totals"] == {"p": 18.0, "q": 10.0, "r": 2.0}  # type: ignore[index]
    # N = 4, k = 2: self-advocates weigh 2/3 each, the commissioner 2.
    assert result["weightings"]["parity"]["totals"] == {"p": 16.0, "q": 12.0, "r": 4.0}  # type: ignore[index]
    assert outcome(result)["winner"] == "p"
    assert outcome(result)["reasons"] == ["This option has the highest total score."]
    # Self-advocates: p 15, q 6, r 0, mean 7, so only p. Commissioner: mean 3, so p and q.
    assert result["common_ground"] == ["p"]


def test_all_zero_scores_are_a_tie_with_no_common_ground() -> None:
    result = tally(SCORE, [Ballot("staff", {"scores": {"p": 0, "q": 0, "r": 0}})])
    assert outcome(result)["winner"] is None
    assert outcome(result)["reasons"] == ["It is a tie."]
    assert result["common_ground"] == []
    assert result["weightings"]["parity"]["shares"] == {"p": 0.0, "q": 0.0, "r": 0.0}  # type: ignore[index]


# Ranked


# Plurality picks a, Borda picks b, instant runoff picks c.
THREE_WINNERS = [
    ranks("staff", "a", "b", "c", count=4),
    ranks("staff", "c", "b", "a", count=3),
    ranks("staff", "b", "c", "a", count=2),
]


def test_borda_and_irv_winners_differ() -> None:
    result = tally(RANKED, THREE_WINNERS)
    assert result["ranked"]["borda"]["parity"] == {"a": 8.0, "b": 11.0, "c": 8.0}  # type: ignore[index]
    assert result["weightings"]["parity"]["totals"] == {"a": 8.0, "b": 11.0, "c": 8.0}  # type: ignore[index]
    assert irv(result, "parity") == {
        "rounds": [{"a": 4.0, "b": 2.0, "c": 3.0}, {"a": 4.0, "c": 5.0}],
        "eliminated": ["b"],
        "winner": "c",
    }
    assert outcome(result)["winner"] == "c"
    assert json.loads(json.dumps(result)) == result


def test_partial_rankings_get_borda_points_only_for_ranked_options() -> None:
    ballots = [ranks("staff", "c"), ranks("staff", "b", "a")]
    result = tally(RANKED, ballots)
    assert result["ranked"]["borda"]["per_person"] == {"a": 1.0, "b": 2.0, "c": 2.0}  # type: ignore[index]


def test_exhausted_ballots_drop_out() -> None:
    four = PollSpec.for_method("ranked", ("a", "b", "c", "d"))
    ballots = [
        ranks("staff", "a", count=3),
        ranks("staff", "b", "c", count=2),
        ranks("staff", "c", count=2),
        ranks("staff", "d", "b"),
    ]
    result = tally(four, ballots)
    # Round 1: a 3, b 2, c 2, d 1 of 8. d goes, its vote moves to b.
    # Round 2: a 3, b 3, c 2. c goes; its own ballots are exhausted.
    # Round 3: a 3, b 3 of 6: a tie on votes, so Borda decides (a 9, b 8).
    assert irv(result, "per_person") == {
        "rounds": [
            {"a": 3.0, "b": 2.0, "c": 2.0, "d": 1.0},
            {"a": 3.0, "b": 3.0, "c": 2.0},
            {"a": 3.0, "b": 3.0},
            {"a": 3.0},
        ],
        "eliminated": ["d", "c", "b"],
        "winner": "a",
    }
    assert result["ranked"]["borda"]["per_person"] == {"a": 9.0, "b": 8.0, "c": 10.0, "d": 3.0}  # type: ignore[index]


def test_elimination_tie_is_broken_by_borda() -> None:
    ballots = [
        ranks("staff", "c", "a", "b", count=3),
        ranks("staff", "a", "b", "c", count=2),
        ranks("staff", "b", "c", "a", count=2),
    ]
    result = tally(RANKED, ballots)
    # a and b both have 2 first choices; b has fewer Borda points (6 against 7), so b goes.
    assert result["ranked"]["borda"]["parity"] == {"a": 7.0, "b": 6.0, "c": 8.0}  # type: ignore[index]
    assert irv(result, "parity")["eliminated"] == ["b"]
    assert irv(result, "parity")["winner"] == "c"


def test_full_elimination_tie_is_broken_by_later_position() -> None:
    ballots = [ranks("staff", "a"), ranks("staff", "b"), ranks("staff", "c", count=2)]
    result = tally(RANKED, ballots)
    assert irv(result, "parity") == {
        "rounds": [{"a": 1.0, "b": 1.0, "c": 2.0}, {"a": 1.0, "c": 2.0}],
        "eliminated": ["b"],
        "winner": "c",
    }
    reordered = PollSpec.for_method("ranked", ("b", "a", "c"))
    assert irv(tally(reordered, ballots), "parity")["eliminated"] == ["a"]


def test_final_tie_on_votes_and_borda_has_no_winner() -> None:
    two = PollSpec.for_method("ranked", ("a", "b"))
    result = tally(two, [ranks("staff", "a", "b"), ranks("commissioner", "b", "a")])
    assert irv(result, "parity") == {
        "rounds": [{"a": 1.0, "b": 1.0}],
        "eliminated": [],
        "winner": None,
    }
    assert outcome(result)["winner"] is None
    assert outcome(result)["reasons"] == ["It is a tie."]


def test_irv_under_parity_and_per_person_can_differ() -> None:
    two = PollSpec.for_method("ranked", ("a", "b"))
    ballots = [
        ranks("commissioner", "b", "a", count=6),
        ranks("commissioner", "a", "b"),
        ranks("lived_experience", "a", "b", count=3),
    ]
    result = tally(two, ballots)
    assert irv(result, "per_person")["winner"] == "b"
    assert irv(result, "parity")["winner"] == "a"
    assert irv(result, "parity")["rounds"] == [{"a": 5.7143, "b": 4.2857}]
    assert outcome(result)["winner"] == "a"
    assert outcome(tally(two, ballots, primary="per_person"))["winner"] == "b"


def test_empty_ranked_poll() -> None:
    result = tally(RANKED, [])
    assert irv(result, "parity") == {"rounds": [], "eliminated": [], "winner": None}
    assert outcome(result)["winner"] is None
    assert outcome(result)["reasons"] == ["Nobody has voted yet."]


def test_ranked_secret_suppression() -> None:
    ballots = [ranks("staff", "a", "b", count=3), ranks("commissioner", "c")]
    result = tally(RANKED, ballots, secret=True)
    assert result["by_constituency"] == {}
    assert result["suppressed"] == ["staff", "commissioner"]
    assert result["ranked"]["borda"]["per_person"] == {"a": 6.0, "b": 3.0, "c": 2.0}  # type: ignore[index]
    assert set(result["ranked"]["borda"]) == {"per_person"}  # type: ignore[index]


def test_ballots_whose_group_was_not_kept_count_overall_and_protect_the_result():
    spec = PollSpec.for_method("dots", ("a", "b"), dots=2)
    ballots = [
        Ballot("", {"dots": {"a": 2, "b": 0}}),
        Ballot("", {"dots": {"a": 0, "b": 2}}),
        Ballot("", {"dots": {"a": 1, "b": 1}}),
    ]
    result = tally(spec, ballots, secret=True, primary="parity")
    assert result["voters"] == 3 and result["protected"] is True
    assert result["weightings"] == {
        "per_person": {"totals": {"a": 3, "b": 3}, "shares": {"a": 0.5, "b": 0.5}}
    }
    assert result["by_constituency"] == {} and result["outcome"]["weighting"] == "per_person"
