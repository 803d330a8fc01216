"""Text we can store: no lone UTF-16 surrogates and no control characters but tab and line breaks.

A lone surrogate (valid in JSON as "\\ud800") cannot be encoded as UTF-8, so it breaks
the audit chain's canonical JSON and every page that shows it; PostgreSQL's text and
jsonb columns refuse NUL. Both are refused where input arrives, with these checks.
Pure: no Django import, so the websocket protocol, the forms, the voting methods and
the audit all use the same rule.
"""

import re
from collections.abc import Mapping
from typing import Any

# C0 controls except tab, newline and carriage return; and the surrogate range.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def is_storable(text: str) -> bool:
    """Say whether a text can be stored, encoded as UTF-8 and shown."""
    return _UNSTORABLE.search(text) is None


def all_storable(value: Any) -> bool:
    """Say whether every text in a JSON-like value, keys included, can be stored."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return False
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return True
