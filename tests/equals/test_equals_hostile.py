"""A hostile phone's hand and card messages: each is refused in plain words, by code."""

import json

import pytest

from deliberation import protocol

BAD = [
    ({"type": "card.show", "kind": "\ud800"}, "invalid_text"),
    ({"type": "card.show", "kind": "break", "ref": "\udfff"}, "invalid_text"),
    ({"type": "card.show", "kind": "x" * 100_000}, "too_large"),
    ({"type": "card.show", "kind": "x" * 1000}, "invalid"),
    ({"type": "card.show", "kind": ["break"]}, "invalid"),
    ({"type": "card.show", "kind": None}, "invalid"),
    ({"type": "card.show", "kind": 3}, "invalid"),
    ({"type": "card.show", "kind": "break", "anonymous": "false"}, "invalid"),
    ({"type": "card.show", "kind": "break", "anonymous": 0}, "invalid"),
    ({"type": "card.show", "kind": "break", "member": 1}, "invalid"),
    ({"type": "card.show"}, "invalid"),
    ({"type": "hand.raise", "member": 2}, "invalid"),
    ({"type": "hand.lower", "for": "someone"}, "invalid"),
    ({"type": "hand.raise", "ref": "r" * 65}, "invalid"),
    ({"type": "hand.raise", "ref": 7}, "invalid"),
]


@pytest.mark.parametrize(("message", "code"), BAD)
def test_a_bad_hand_or_card_message_is_refused(message, code):
    text = json.dumps(message, ensure_ascii=True)
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse(text)
    assert caught.value.code == code
    assert caught.value.message


def test_a_good_card_keeps_its_ref_and_is_anonymous_unless_said():
    message = protocol.parse(json.dumps({"type": "card.show", "kind": "break", "ref": "a1"}))
    assert (message.kind, message.anonymous, message.ref) == ("break", True, "a1")


def test_an_unknown_card_error_carries_the_ref_back():
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse(json.dumps({"type": "card.show", "kind": "shout", "ref": "a2"}))
    assert caught.value.ref == "a2"
