"""The pure state of the phone's ballot controls (static/coprod/controls.mjs), under Node."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CONTROLS_JS = Path(__file__).resolve().parents[2] / "static" / "coprod" / "controls.mjs"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def run(script: str) -> object:
    """Run a script against controls.mjs (imported as `c`) and return what it prints as JSON."""
    program = (
        "const c = await import(process.argv[1]);\n"
        f"const out = (() => {{ {script} }})();\n"
        "console.log(JSON.stringify(out));"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", program, CONTROLS_JS.as_uri()],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_a_dot_is_added_only_while_some_are_left():
    assert run("""
      let given = {};
      given = c.dotsStep(given, "a", 1, 3);
      given = c.dotsStep(given, "a", 1, 3);
      given = c.dotsStep(given, "b", 1, 3);
      const full = c.dotsStep(given, "b", 1, 3);
      return [given, full, c.dotsLeft(given, 3)];
    """) == [{"a": 2, "b": 1}, {"a": 2, "b": 1}, 0]


def test_a_dot_taken_off_never_goes_below_nothing():
    assert run("""
      const one = c.dotsStep({"a": 1}, "a", -1, 3);
      const none = c.dotsStep(one, "a", -1, 3);
      return [one, none, c.dotsLeft(none, 3)];
    """) == [{}, {}, 3]


def test_dots_typed_over_the_limit_can_still_be_taken_off():
    # Typed into the box (no steppers): 5 of 3. Adding refuses; taking off works.
    assert run("""
      const over = {"a": 5};
      return [c.dotsStep(over, "a", 1, 3), c.dotsStep(over, "a", -1, 3), c.dotsLeft(over, 3),
              c.dotsCanAdd(over, 3), c.dotsCanTakeOff(over, "a"), c.dotsCanTakeOff(over, "b")];
    """) == [{"a": 5}, {"a": 4}, -2, False, True, False]


def test_dots_read_from_boxes_ignore_blanks_and_nonsense():
    assert run("""
      return c.dotsFromValues({"a": "2", "b": "", "c": "x", "d": "-1", "e": "0"});
    """) == {"a": 2}


def test_tapping_options_puts_them_in_order_once_each():
    assert run("""
      let order = [];
      order = c.rankAdd(order, "b");
      order = c.rankAdd(order, "a");
      const again = c.rankAdd(order, "b");
      return [order, again, c.placesOf(order)];
    """) == [["b", "a"], ["b", "a"], {"b": 1, "a": 2}]


def test_undo_takes_off_the_last_and_start_again_clears():
    assert run("""
      const order = ["c", "a", "b"];
      return [c.rankUndo(order), c.rankUndo([]), c.rankReset(), order];
    """) == [["c", "a"], [], [], ["c", "a", "b"]]


def test_an_order_read_from_places_is_sorted_and_closes_gaps():
    # The plain form's drop-downs (a place each, maybe with gaps or a repeat) give an order.
    assert run("""
      return [c.orderFromPlaces({"a": "3", "b": "1", "c": "", "d": "x"}),
              c.orderFromPlaces({"a": "2", "b": "2", "c": "1"}, ["a", "b", "c"])];
    """) == [["b", "a"], ["c", "a", "b"]]


def test_the_options_still_to_tap_keep_their_own_order():
    assert run("""
      return c.rankLeft(["a", "b", "c", "d"], ["c", "a"]);
    """) == ["b", "d"]
