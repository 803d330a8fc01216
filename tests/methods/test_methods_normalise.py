"""Checking one ballot's answer and putting it in canonical form."""

import pytest

from deliberation.methods import InvalidAnswer, PollSpec, normalise_answer

TRAFFIC = PollSpec.for_method("traffic_light")
YES_NO = PollSpec.for_method("yes_no")
CONSENT = PollSpec.for_method("consent")
DOTS = PollSpec.for_method("dots", ("park", "bus", "cafe"), dots=5)
RANKED = PollSpec.for_method("ranked", ("park", "bus", "cafe"))
SCORE = PollSpec.for_method("score", ("park", "bus", "cafe"))


def refused(spec: PollSpec, answer: object) -> str:
    """Return the message normalise_answer gives for a refused answer."""
    with pytest.raises(InvalidAnswer) as excinfo:
        normalise_answer(spec, answer)  # type: ignore[arg-type]
    return str(excinfo.value)


# Single choice


@pytest.mark.parametrize("choice", ["agree", "not_sure", "disagree"])
def test_traffic_light_choices(choice: str) -> None:
    assert normalise_answer(TRAFFIC, {"choice": choice}) == {"choice": choice}


@pytest.mark.parametrize(
    "answer",
    [{"choice": "green"}, {"choice": 1}, {"choice": None}, {"choice": ["agree"]}, {"c": "agree"}],
)
def test_traffic_light_lists_choices_in_words(answer: dict[str, object]) -> None:
    message = refused(TRAFFIC, answer)
    if "choice" in answer:
        assert message == "Please choose one of: agree, not sure, disagree."
    else:
        assert "does not belong" in message


def test_yes_no_lists_its_choices() -> None:
    assert refused(YES_NO, {"choice": "maybe"}) == "Please choose one of: yes, no, abstain."


@pytest.mark.parametrize("answer", [None, "yes", ["yes"], {}])
def test_answer_must_be_a_non_empty_mapping(answer: object) -> None:
    assert refused(YES_NO, answer) == "Please give an answer."


def test_reason_is_refused_outside_consent() -> None:
    message = refused(YES_NO, {"choice": "no", "reason": "too dear"})
    assert message == "This answer has something in it that does not belong to this poll."


def test_objection_needs_a_reason() -> None:
    assert refused(CONSENT, {"choice": "objection"}) == "Please say why you object."
    assert refused(CONSENT, {"choice": "objection", "reason": "   \n"}) == (
        "Please say why you object."
    )
    assert refused(CONSENT, {"choice": "objection", "reason": None}) == (
        "Please say why you object."
    )


def test_objection_reason_is_stripped() -> None:
    answer = {"choice": "objection", "reason": "  No ramp at the venue.\n"}
    assert normalise_answer(CONSENT, answer) == {
        "choice": "objection",
        "reason": "No ramp at the venue.",
    }


def test_reason_length_limit() -> None:
    ok = normalise_answer(CONSENT, {"choice": "concern", "reason": "x" * 1000})
    assert ok == {"choice": "concern", "reason": "x" * 1000}
    message = refused(CONSENT, {"choice": "objection", "reason": "x" * 1001})
    assert message.startswith("Please keep your reason to 1000 letters or fewer")


def test_reason_must_be_words() -> None:
    assert refused(CONSENT, {"choice": "objection", "reason": 42}) == (
        "Please write your reason in words."
    )


def test_consent_drops_reason_and_concern_keeps_it() -> None:
    assert normalise_answer(CONSENT, {"choice": "consent", "reason": "fine"}) == {
        "choice": "consent"
    }
    assert normalise_answer(CONSENT, {"choice": "concern", "reason": " cost "}) == {
        "choice": "concern",
        "reason": "cost",
    }
    assert normalise_answer(CONSENT, {"choice": "concern", "reason": ""}) == {"choice": "concern"}


# Dots


def test_dots_canonical_form_drops_zeros_and_follows_option_order() -> None:
    answer = {"dots": {"cafe": 2, "park": 0, "bus": 3}}
    assert normalise_answer(DOTS, answer) == {"dots": {"bus": 3, "cafe": 2}}


def test_too_many_dots() -> None:
    assert refused(DOTS, {"dots": {"park": 3, "bus": 3}}) == "You can give at most 5 dots."
    one = PollSpec.for_method("dots", ("a", "b"), dots=1)
    assert refused(one, {"dots": {"a": 1, "b": 1}}) == "You can give at most 1 dot."


def test_no_dots() -> None:
    assert refused(DOTS, {"dots": {}}) == "Please give at least one dot."
    assert refused(DOTS, {"dots": {"park": 0}}) == "Please give at least one dot."


@pytest.mark.parametrize(
    ("dots", "message"),
    [
        ({"park": True}, "Please give dots as whole numbers."),
        ({"park": 1.0}, "Please give dots as whole numbers."),
        ({"park": "2"}, "Please give dots as whole numbers."),
        ({"park": -1, "bus": 3}, "You cannot give a negative number of dots."),
        ({"zoo": 1}, "Please choose only options that are on this poll."),
        ({1: 1}, "Please choose only options that are on this poll."),
    ],
)
def test_bad_dots(dots: dict[object, object], message: str) -> None:
    assert refused(DOTS, {"dots": dots}) == message


def test_dots_must_be_a_mapping() -> None:
    assert refused(DOTS, {"dots": ["park"]}) == "Please put your dots on the options."


# Ranked


def test_partial_ranking_is_kept_in_order() -> None:
    assert normalise_answer(RANKED, {"ranking": ("cafe", "park")}) == {"ranking": ["cafe", "park"]}


@pytest.mark.parametrize(
    ("ranking", "message"),
    [
        (["park", "bus", "park"], "Please rank each option only once."),
        (["park", "zoo"], "Please choose only options that are on this poll."),
        ([True], "Please choose only options that are on this poll."),
        ([], "Please rank at least one option."),
        ("park", "Please put the options in order."),
        ({"park": 1}, "Please put the options in order."),
    ],
)
def test_bad_rankings(ranking: object, message: str) -> None:
    assert refused(RANKED, {"ranking": ranking}) == message


# Score


def test_scores_canonical_form_follows_option_order() -> None:
    answer = {"scores": {"cafe": 0, "park": 5, "bus": 3}}
    assert list(normalise_answer(SCORE, answer)["scores"].items()) == [  # type: ignore[attr-defined]
        ("park", 5),
        ("bus", 3),
        ("cafe", 0),
    ]


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"park": 5, "bus": 3}, "Please give a score to every option."),
        ({"park": 6, "bus": 3, "cafe": 0}, "Please give each option a score from 0 to 5."),
        ({"park": -1, "bus": 3, "cafe": 0}, "Please give each option a score from 0 to 5."),
        ({"park": True, "bus": 3, "cafe": 0}, "Please give each option a score from 0 to 5."),
        ({"park": 2.5, "bus": 3, "cafe": 0}, "Please give each option a score from 0 to 5."),
        (
            {"park": 1, "bus": 3, "cafe": 0, "zoo": 1},
            "Please choose only options that are on this poll.",
        ),
        (None, "Please give each option a score."),
    ],
)
def test_bad_scores(scores: object, message: str) -> None:
    assert refused(SCORE, {"scores": scores}) == message


def test_extra_top_level_keys_are_refused() -> None:
    message = "This answer has something in it that does not belong to this poll."
    assert refused(SCORE, {"scores": {"park": 1, "bus": 1, "cafe": 1}, "dots": {}}) == message
    assert refused(DOTS, {"dots": {"park": 1}, "choice": "yes"}) == message


def test_invalid_answer_is_a_value_error() -> None:
    assert issubclass(InvalidAnswer, ValueError)
