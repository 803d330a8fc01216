"""Tallying traffic-light, yes/no and consent polls."""

import json

import pytest

from deliberation.methods import CONSTITUENCIES, Ballot, PollSpec, tally

TRAFFIC = PollSpec.for_method("traffic_light")
YES_NO = PollSpec.for_method("yes_no")
CONSENT = PollSpec.for_method("consent")


def votes(constituency: str, choice: str, count: int = 1, source: str = "direct") -> Ballot:
    """Return a ballot (or hand count) for one choice."""
    return Ballot(constituency, {"choice": choice}, count, source)


def outcome(result: dict[str, object]) -> dict[str, object]:
    """Return the outcome part of a result."""
    value = result["outcome"]
    assert isinstance(value, dict)
    return value


# Seven commissioners (six against) and three self-advocates (all for).
PARITY_EXAMPLE = [
    votes("commissioner", "no", 6),
    votes("commissioner", "yes"),
    votes("lived_experience", "yes", 3),
]


def test_parity_example_totals() -> None:
    result = tally(YES_NO, PARITY_EXAMPLE)
    assert result["weightings"] == {
        "per_person": {
            "totals": {"yes": 4.0, "no": 6.0, "abstain": 0.0},
            "shares": {"yes": 0.4, "no": 0.6, "abstain": 0.0},
        },
        # N = 10, k = 2: each commissioner weighs 5/7, each self-advocate 5/3.
        # yes = 5/7 + 3 * 5/3 = 40/7, no = 6 * 5/7 = 30/7.
        "parity": {
            "totals": {"yes": 5.7143, "no": 4.2857, "abstain": 0.0},
            "shares": {"yes": 0.5714, "no": 0.4286, "abstain": 0.0},
        },
    }


def test_parity_example_outcome_depends_on_primary_weighting() -> None:
    by_person = outcome(tally(YES_NO, PARITY_EXAMPLE, primary="per_person"))
    assert by_person["passed"] is False
    assert by_person["weighting"] == "per_person"
    assert by_person["reasons"] == ["No has more votes than yes."]
    by_parity = outcome(tally(YES_NO, PARITY_EXAMPLE))
    assert by_parity["passed"] is True
    assert by_parity["weighting"] == "parity"
    assert by_parity["reasons"] == ["Yes has more votes than no."]


def test_parity_traffic_light_example() -> None:
    ballots = [
        votes("commissioner", "disagree", 6),
        votes("commissioner", "agree"),
        votes("lived_experience", "agree", 3),
    ]
    assert outcome(tally(TRAFFIC, ballots, primary="per_person"))["passed"] is False
    assert outcome(tally(TRAFFIC, ballots, primary="parity"))["passed"] is True


def test_result_shape_and_order() -> None:
    result = tally(TRAFFIC, [votes("staff", "agree", 2, "hand"), votes("staff", "not_sure")])
    assert list(result) == [
        "method",
        "options",
        "voters",
        "voters_by_constituency",
        "voters_by_source",
        "weightings",
        "by_constituency",
        "suppressed",
        "protected",
        "common_ground",
        "outcome",
    ]
    assert result["method"] == "traffic_light"
    assert result["options"] == ["agree", "not_sure", "disagree"]
    assert result["voters"] == 3
    assert list(result["voters_by_constituency"].items()) == [  # type: ignore[attr-defined]
        ("lived_experience", 0),
        ("staff", 3),
        ("commissioner", 0),
    ]
    assert list(result["voters_by_source"].items()) == [("direct", 1), ("hand", 2)]  # type: ignore[attr-defined]
    assert result["by_constituency"] == {
        "staff": {
            "voters": 3,
            "totals": {"agree": 2.0, "not_sure": 1.0, "disagree": 0.0},
            "shares": {"agree": 0.6667, "not_sure": 0.3333, "disagree": 0.0},
        }
    }
    assert result["suppressed"] == []
    assert result["common_ground"] == []  # only one group voted
    assert json.loads(json.dumps(result)) == result


def test_traffic_light_needs_more_than_half_agreeing() -> None:
    half = [votes("staff", "agree", 2), votes("staff", "not_sure"), votes("staff", "disagree")]
    assert outcome(tally(TRAFFIC, half)) == {
        "weighting": "parity",
        "passed": False,
        "winner": None,
        "double_majority": None,
        "lived_experience_consent": None,
        "reasons": ["Not more than half agree."],
    }
    more = [*half, votes("staff", "agree")]
    assert outcome(tally(TRAFFIC, more))["passed"] is True


def test_yes_no_ignores_abstentions() -> None:
    ballots = [votes("staff", "yes"), votes("staff", "abstain", 5)]
    assert outcome(tally(YES_NO, ballots))["passed"] is True


def test_yes_no_tie_does_not_pass() -> None:
    result = outcome(tally(YES_NO, [votes("staff", "yes"), votes("staff", "no")]))
    assert result["passed"] is False
    assert result["reasons"] == ["It is a tie."]


def test_yes_no_all_abstain_does_not_pass() -> None:
    result = outcome(tally(YES_NO, [votes("staff", "abstain", 3)]))
    assert result["passed"] is False
    assert result["reasons"] == ["Nobody said yes or no."]


@pytest.mark.parametrize("spec", [TRAFFIC, YES_NO, CONSENT])
def test_empty_poll(spec: PollSpec) -> None:
    result = tally(spec, [], double_majority=True, lived_experience_consent=True)
    assert result["voters"] == 0
    assert result["by_constituency"] == {}
    assert result["common_ground"] == []
    assert outcome(result) == {
        "weighting": "parity",
        "passed": None,
        "winner": None,
        "double_majority": None,
        "lived_experience_consent": None,
        "reasons": ["Nobody has voted yet."],
    }
    for weighting in ("per_person", "parity"):
        assert set(result["weightings"][weighting]["shares"].values()) == {0.0}  # type: ignore[index]


# Consent


def test_one_objection_blocks_a_hundred_consents() -> None:
    ballots = [
        votes("staff", "consent", 100),
        Ballot("commissioner", {"choice": "objection", "reason": "No budget this year."}),
    ]
    for primary in ("per_person", "parity"):
        result = tally(CONSENT, ballots, primary=primary)
        assert outcome(result)["passed"] is False
        assert outcome(result)["reasons"] == ["An objection blocks this."]
        assert result["objections"] == ["No budget this year."]


def test_concerns_do_not_block_and_are_not_listed_as_objections() -> None:
    ballots = [
        votes("staff", "consent", 2),
        Ballot("lived_experience", {"choice": "concern", "reason": "Too far to travel."}),
    ]
    result = tally(CONSENT, ballots)
    assert outcome(result)["passed"] is True
    assert outcome(result)["reasons"] == ["Nobody objects."]
    assert result["objections"] == []


def test_objections_are_sorted_whatever_the_ballot_order() -> None:
    reasons = ["Not accessible.", "Bus stops too early.", "Costs too much."]
    ballots = [Ballot("staff", {"choice": "objection", "reason": r}) for r in reasons]
    assert tally(CONSENT, ballots)["objections"] == sorted(reasons)
    assert tally(CONSENT, ballots[::-1])["objections"] == sorted(reasons)


def test_objections_key_only_on_consent_polls() -> None:
    assert "objections" not in tally(YES_NO, [votes("staff", "no")])
    assert "ranked" not in tally(YES_NO, [votes("staff", "no")])


# Double majority


def double_majority_ballots() -> list[Ballot]:
    """Return a poll with a big majority overall but not among commissioners."""
    return [
        votes("lived_experience", "yes", 3),
        votes("staff", "yes", 3),
        votes("commissioner", "yes"),
        votes("commissioner", "no", 2),
    ]


def test_double_majority_names_the_group_without_a_majority() -> None:
    result = outcome(tally(YES_NO, double_majority_ballots(), double_majority=True))
    assert result["double_majority"] is False
    assert result["passed"] is False
    assert result["reasons"] == ["Yes has more votes than no.", "Not a majority of commissioners."]


def test_double_majority_not_requested_is_none() -> None:
    result = outcome(tally(YES_NO, double_majority_ballots()))
    assert result["double_majority"] is None
    assert result["passed"] is True


def test_double_majority_in_a_secret_poll_names_no_group() -> None:
    result = outcome(tally(YES_NO, double_majority_ballots(), double_majority=True, secret=True))
    assert result["double_majority"] is False
    assert result["passed"] is False
    assert result["reasons"] == ["Yes has more votes than no.", "Not a majority in every group."]
    text = " ".join(result["reasons"])  # type: ignore[arg-type]
    for name in ("lived experience", "staff", "commissioner"):
        assert name not in text


def test_double_majority_met() -> None:
    ballots = [
        votes("lived_experience", "yes", 2),
        votes("lived_experience", "abstain", 4),
        votes("staff", "yes", 2),
        votes("staff", "no"),
        votes("commissioner", "yes"),
    ]
    result = outcome(tally(YES_NO, ballots, double_majority=True))
    assert result["double_majority"] is True
    assert result["passed"] is True
    assert "There is a majority overall and in every group." in result["reasons"]  # type: ignore[operator]


def test_double_majority_fails_overall_under_primary_weighting() -> None:
    # Under parity yes has a majority overall and in each group... except commissioners.
    # Under per_person it also fails overall (4 yes, 6 no).
    result = outcome(tally(YES_NO, PARITY_EXAMPLE, double_majority=True, primary="per_person"))
    assert result["double_majority"] is False
    assert result["reasons"] == [
        "No has more votes than yes.",
        "Not a majority overall.",
        "Not a majority of commissioners.",
    ]


def test_double_majority_group_that_only_abstained_has_no_majority() -> None:
    ballots = [votes("staff", "yes", 3), votes("commissioner", "abstain")]
    result = outcome(tally(YES_NO, ballots, double_majority=True))
    assert result["double_majority"] is False
    assert result["reasons"] == ["Yes has more votes than no.", "Not a majority of commissioners."]


def test_double_majority_traffic_light_counts_not_sure() -> None:
    ballots = [
        votes("staff", "agree", 3),
        votes("commissioner", "agree"),
        votes("commissioner", "not_sure"),
    ]
    result = outcome(tally(TRAFFIC, ballots, double_majority=True))
    assert result["double_majority"] is False
    assert result["passed"] is False


# Lived-experience consent


def test_lived_experience_consent_blocks_on_one_no() -> None:
    ballots = [
        votes("staff", "yes", 10),
        votes("lived_experience", "yes", 4),
        votes("lived_experience", "no"),
    ]
    result = outcome(tally(YES_NO, ballots, lived_experience_consent=True))
    assert result["lived_experience_consent"] is False
    assert result["passed"] is False
    assert result["reasons"] == [
        "Yes has more votes than no.",
        "Someone with lived experience voted no.",
    ]


def test_lived_experience_consent_ignores_other_groups() -> None:
    ballots = [
        votes("lived_experience", "agree", 3),
        votes("staff", "agree", 3),
        votes("commissioner", "disagree", 2),
    ]
    result = outcome(tally(TRAFFIC, ballots, lived_experience_consent=True))
    assert result["lived_experience_consent"] is True
    assert result["passed"] is True
    assert result["reasons"] == [
        "More than half agree.",
        "Nobody with lived experience is against this.",
    ]


def test_lived_experience_consent_not_requested_is_none() -> None:
    ballots = [
        votes("staff", "yes", 10),
        votes("commissioner", "yes"),
        votes("lived_experience", "no"),
    ]
    result = outcome(tally(YES_NO, ballots))
    assert result["lived_experience_consent"] is None
    assert result["passed"] is True


def test_lived_experience_objection_in_consent_poll() -> None:
    ballots = [Ballot("lived_experience", {"choice": "objection", "reason": "Nobody asked us."})]
    result = outcome(tally(CONSENT, ballots, lived_experience_consent=True))
    assert result["lived_experience_consent"] is False
    assert result["reasons"] == [
        "An objection blocks this.",
        "Someone with lived experience objects.",
    ]


# Secret polls


def secret_ballots() -> list[Ballot]:
    """Return a poll with two commissioners, both against."""
    return [
        votes("lived_experience", "agree", 3),
        votes("staff", "agree", 3),
        votes("commissioner", "disagree", 2),
    ]


def test_secret_poll_with_a_small_group_shows_only_the_overall_count() -> None:
    result = tally(TRAFFIC, secret_ballots(), secret=True)
    # Breaking out the two larger groups would let anyone subtract them from the total
    # and read off the commissioners' votes, so no group is broken out.
    assert result["by_constituency"] == {}
    assert result["suppressed"] == ["lived_experience", "staff", "commissioner"]
    assert result["protected"] is True
    assert result["voters"] == 8
    assert result["voters_by_constituency"]["commissioner"] == 2  # type: ignore[index]
    assert result["weightings"]["per_person"]["totals"] == {  # type: ignore[index]
        "agree": 6.0,
        "not_sure": 0.0,
        "disagree": 2.0,
    }
    # Parity totals set against per-person ones could be solved for the small group.
    assert "parity" not in result["weightings"]  # type: ignore[operator]


def test_secret_poll_with_a_small_group_withholds_common_ground() -> None:
    # Common ground is a statement about every group, the small one included.
    assert tally(TRAFFIC, secret_ballots(), secret=True)["common_ground"] == []
    assert tally(TRAFFIC, secret_ballots(), secret=False)["common_ground"] == []
    agreeing = [votes("lived_experience", "agree", 3), votes("commissioner", "agree", 1)]
    assert tally(TRAFFIC, agreeing)["common_ground"] == ["agree"]
    assert tally(TRAFFIC, agreeing, secret=True)["common_ground"] == []


def test_a_lone_voters_choice_cannot_be_worked_out_from_a_secret_result() -> None:
    base = [votes("lived_experience", "agree", 6), votes("lived_experience", "disagree", 4)]
    agrees = tally(TRAFFIC, [*base, votes("commissioner", "agree")], secret=True)
    disagrees = tally(
        TRAFFIC,
        [
            votes("lived_experience", "agree", 7),
            votes("lived_experience", "disagree", 3),
            votes("commissioner", "disagree"),
        ],
        secret=True,
    )
    # Two different lone commissioner votes give results that show the same figures.
    for key in ("weightings", "by_constituency", "suppressed", "common_ground", "voters"):
        assert agrees[key] == disagrees[key], key


def test_named_poll_breaks_out_every_group() -> None:
    result = tally(TRAFFIC, secret_ballots())
    assert list(result["by_constituency"]) == list(CONSTITUENCIES)  # type: ignore[call-overload]
    assert result["suppressed"] == []


def test_secret_poll_breaks_out_groups_of_three() -> None:
    ballots = [*secret_ballots(), votes("commissioner", "agree")]
    result = tally(TRAFFIC, ballots, secret=True)
    assert list(result["by_constituency"]) == list(CONSTITUENCIES)  # type: ignore[call-overload]
    assert result["suppressed"] == []


def test_secret_poll_with_an_absent_group_suppresses_nothing() -> None:
    result = tally(TRAFFIC, [votes("staff", "agree", 4)], secret=True)
    assert result["suppressed"] == []
    assert list(result["by_constituency"]) == ["staff"]  # type: ignore[call-overload]


# Hand counts


def test_hand_count_equals_that_many_single_ballots() -> None:
    counted = [votes("lived_experience", "yes", 4, "hand"), votes("staff", "no", 2, "paper")]
    single = [votes("lived_experience", "yes", 1, "hand")] * 4 + [
        votes("staff", "no", 1, "paper")
    ] * 2
    assert tally(YES_NO, counted, double_majority=True) == tally(
        YES_NO, single, double_majority=True
    )


def test_sources_are_reported_but_do_not_change_weight() -> None:
    direct = tally(YES_NO, [votes("staff", "yes"), votes("staff", "no")])
    mixed = tally(
        YES_NO, [votes("staff", "yes", source="assisted"), votes("staff", "no", source="paper")]
    )
    assert mixed["voters_by_source"] == {"assisted": 1, "paper": 1}
    assert mixed["weightings"] == direct["weightings"]


def test_unknown_primary_weighting_is_refused() -> None:
    with pytest.raises(ValueError):
        tally(YES_NO, [], primary="majority")


def test_stored_answers_are_checked_again() -> None:
    with pytest.raises(ValueError):
        tally(YES_NO, [Ballot("staff", {"choice": "maybe"})])


def test_one_group_alone_has_no_common_ground() -> None:
    alone = [votes("lived_experience", "agree", 5)]
    assert tally(TRAFFIC, alone)["common_ground"] == []
    together = [*alone, votes("staff", "agree", 2)]
    assert tally(TRAFFIC, together)["common_ground"] == ["agree"]
