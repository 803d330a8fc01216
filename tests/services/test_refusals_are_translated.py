"""Every refusal a service writes is said in the language of the person it answers."""

import ast
import inspect
from pathlib import Path

import deliberation.services
from deliberation import exceptions

ERRORS = {
    name
    for name, cls in inspect.getmembers(exceptions, inspect.isclass)
    if issubclass(cls, exceptions.DomainError)
}


def _plain(node: ast.expr) -> bool:
    """Is this message English as written: a string, or a string filled in with %?"""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _plain(node.left)
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def test_no_service_refuses_in_words_that_skip_gettext():
    untranslated = []
    for path in sorted(Path(deliberation.services.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or getattr(node.func, "id", None) not in ERRORS:
                continue
            messages = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "message")]
            if any(_plain(m) for m in messages):
                untranslated.append(f"{path.name}:{node.lineno}")
    assert untranslated == []
