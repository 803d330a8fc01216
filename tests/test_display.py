"""One vocabulary below the views: the words people see come from deliberation.display."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

import deliberation
from deliberation import display, methods
from deliberation.easyread import symbols
from tests import factories

PACKAGE = Path(deliberation.__file__).parent
# The layer of views and what stands on it: these may import deliberation.views.
VIEW_LAYER = ("views", "templatetags", "consumers.py", "admin.py", "urls.py", "routing.py",
              "management")  # fmt: skip


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_nothing_below_the_views_imports_them():
    below = [
        path
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in VIEW_LAYER
    ]
    assert PACKAGE / "display.py" in below
    for path in below:
        upward = {m for m in _imports(path) if m.startswith("deliberation.views")}
        assert not upward, f"{path.relative_to(PACKAGE)} imports {upward}"


def test_the_vocabulary_imports_no_service_view_or_broadcast():
    imported = _imports(PACKAGE / "display.py")
    for upper in ("services", "views", "realtime", "selectors", "forms", "consumers"):
        assert not {m for m in imported if m.startswith(f"deliberation.{upper}")}, upper


@pytest.mark.django_db
@pytest.mark.parametrize("method", sorted(methods.FIXED_CHOICES))
def test_a_new_poll_records_its_choices_in_the_vocabularys_english(method):
    meeting = factories.open_meeting(factories.forum())
    # A facilitator working in Welsh still records the options as the record always has.
    with translation.override("cy"):
        poll = factories.poll(meeting, method, open_=False)
    labels = dict(poll.options.values_list("key", "label"))
    assert labels == {k: display.recorded_choice_label(k) for k in methods.FIXED_CHOICES[method]}
    with translation.override("en"):
        assert labels == {k: str(display.CHOICES[k]) for k in methods.FIXED_CHOICES[method]}
    if method == "traffic_light":
        assert labels == {"agree": "Agree", "not_sure": "Not sure", "disagree": "Disagree"}


def test_the_choices_words_are_written_in_one_place():
    with translation.override("en"):
        words = [str(label) for label in display.CHOICES.values()]
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        written = [w for w in words if f'"{w}"' in text]
        if path != PACKAGE / "display.py":
            assert not written, f"{path.relative_to(PACKAGE)} writes {written} again"


def test_a_choices_picture_is_named_by_the_choices_own_words():
    for key, label in display.CHOICES.items():
        assert symbols.SYMBOL_LABELS[key] is label
    with translation.override("cy"):
        assert symbols.symbol_label("agree") == str(display.CHOICES["agree"]) == "Cytuno"


def _refusals_in_methods() -> set[str]:
    """The templates of every refusal deliberation/methods.py raises."""
    names = {"Refusal", "InvalidAnswer", "InvalidSpec"}
    found = set()
    for node in ast.walk(ast.parse(Path(methods.__file__).read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names:
            first = node.args[0]
            assert isinstance(first, ast.Constant), ast.unparse(node)
            found.add(first.value)
    return found


def test_every_refusal_of_the_pure_core_is_listed_and_said_in_welsh():
    raised = _refusals_in_methods()
    assert len(raised) > 20
    assert raised <= set(display.REFUSALS)
    with translation.override("cy"):
        untranslated = [t for t in display.REFUSALS if translation.gettext(t) == t]
    assert untranslated == []


def test_a_refusal_is_said_in_the_active_language_with_the_choices_words():
    spec = methods.PollSpec("traffic_light", methods.FIXED_CHOICES["traffic_light"])
    with pytest.raises(methods.InvalidAnswer) as refused:
        methods.normalise_answer(spec, {"choice": "maybe"})
    # The pure core speaks English; the boundary says it again with the buttons' words.
    assert str(refused.value) == "Please choose one of: agree, not sure, disagree."
    with translation.override("en"):
        assert display.refusal_text(refused.value) == (
            "Please choose one of: Agree, Not sure, Disagree."
        )
    with translation.override("cy"):
        welsh = display.refusal_text(refused.value)
    assert welsh.startswith("Dewiswch un o'r rhain")
    assert "Cytuno" in welsh
