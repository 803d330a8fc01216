"""Properties over arbitrary Unicode, lone surrogates and control characters included.

Whatever text a client sends, in any field of any websocket message or any form: it is
refused with a clear error, or what comes out can be stored, encoded as UTF-8 and hashed
into the audit chain. Nothing else (no UnicodeEncodeError, no 500).
"""

import importlib
import inspect
import json
import pkgutil
import uuid

import pytest
from django import forms as django_forms
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deliberation import audit, forms, methods, protocol, realtime, textcheck
from deliberation.exceptions import UnstorableText
from deliberation.forms import base as forms_base
from tests import factories

# Any code point, surrogates too (hypothesis leaves them out unless asked), with the
# troublesome ones drawn often.
CHARS = st.one_of(
    st.characters(exclude_categories=()),
    st.sampled_from(["\ud800", "\udfff", "\x00", "\x07", "\x1b", "\t", "\n", "\r", "é", "🙂"]),
)
TEXT = st.text(CHARS, max_size=20)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


def message_of(kind: str, draw_text, draw_json) -> dict:
    """A message of one type with drawn text in every place a string can go."""
    if kind in ("ping", "snapshot.request"):
        message = {}
    elif kind == "ballot.cast":
        message = {
            "poll": 1,
            "client_id": str(uuid.uuid4()),
            "answer": {"choice": draw_text(), "reason": draw_text(), draw_text(): draw_json()},
        }
    else:
        message = {"extra": draw_json()}
    return {"type": kind, "ref": draw_text(), **message}


@pytest.mark.parametrize("kind", [*sorted(protocol.TYPES), "unknown"])
@given(data=st.data())
def test_every_message_is_refused_clearly_or_comes_out_storable(kind, data):
    message = message_of(kind, lambda: data.draw(TEXT), lambda: data.draw(JSONISH))
    if kind == "unknown":
        message["type"] = data.draw(TEXT)
    text = json.dumps(message)  # ASCII: a lone surrogate travels as "\ud800", as in JSON
    try:
        parsed = protocol.parse(text)
    except protocol.ProtocolError as exc:
        # The error itself can always be sent back on the socket.
        realtime.encode(protocol.error(exc.code, exc.message, exc.ref)).encode()
        return
    fields = [parsed.ref, parsed.client_id, parsed.answer]
    assert textcheck.all_storable(fields)
    audit.canonical_json({"answer": parsed.answer, "ref": parsed.ref})


@given(reason=TEXT, choice=st.sampled_from(["consent", "concern", "objection"]))
def test_a_reason_is_refused_or_storable(reason, choice):
    spec = methods.PollSpec(method="consent", options=methods.FIXED_CHOICES["consent"], dots=0)
    try:
        clean = methods.normalise_answer(spec, {"choice": choice, "reason": reason})
    except methods.InvalidAnswer:
        return
    assert textcheck.all_storable(clean)
    audit.canonical_json(clean)


@given(value=JSONISH)
def test_canonical_json_encodes_or_refuses_by_name(value):
    try:
        encoded = audit.canonical_json({"payload": value})
    except UnstorableText:
        assert not textcheck.all_storable(value)
        return
    assert json.loads(encoded) == json.loads(json.dumps({"payload": value}))


# Every module of the forms package, so a form in a new module is checked too.
FORM_MODULES = [
    importlib.import_module(f"{forms.__name__}.{info.name}")
    for info in pkgutil.iter_modules(forms.__path__)
]
FORM_CLASSES = sorted(
    {
        cls
        for module in FORM_MODULES
        for cls in vars(module).values()
        if inspect.isclass(cls)
        and issubclass(cls, django_forms.BaseForm)
        and cls.__module__ == module.__name__
    },
    key=lambda cls: cls.__name__,
)


def test_every_form_of_the_site_refuses_unstorable_text():
    """A rule kept by a test: a new form that skips the shared base class fails here."""
    assert FORM_CLASSES
    assert [c.__name__ for c in FORM_CLASSES if not issubclass(c, forms_base.Form)] == []


@pytest.fixture
def form_kwargs(forum, meeting, facilitator_user):
    poll = factories.poll(meeting, "consent")
    decision = factories.decision(meeting)
    action = factories.action(decision)
    return {
        "meeting": meeting,
        "forum": forum,
        "poll": poll,
        "forum_poll": poll,
        "decisions": meeting.decisions.all(),
        "action": action,
        "may_manage": True,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__name__)
@hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(data=st.data())
def test_every_text_field_of_every_form_is_refused_or_storable(form_class, form_kwargs, data):
    needed = [
        p.name
        for p in inspect.signature(form_class.__init__).parameters.values()
        if p.kind == p.KEYWORD_ONLY and p.default is p.empty
    ]
    kwargs = {name: form_kwargs[name] for name in needed}
    texts = [
        name
        for name, field in form_class(**kwargs).fields.items()
        if isinstance(field, django_forms.CharField)
    ]
    if not texts:
        return
    name = data.draw(st.sampled_from(texts))
    form = form_class(data={name: data.draw(TEXT), "choice": "objection"}, **kwargs)
    form.is_valid()
    if name in form.cleaned_data and isinstance(form.cleaned_data[name], str):
        assert textcheck.is_storable(form.cleaned_data[name])
