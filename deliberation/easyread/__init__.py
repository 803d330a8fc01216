"""Easy-read: the rules checker (pure Python); the summary builder and renderers come later."""

from deliberation.easyread.rules import (
    DEFAULT_JARGON,
    DEFAULT_JARGON_CY,
    Finding,
    Readability,
    check,
    readability,
)

__all__ = ["DEFAULT_JARGON", "DEFAULT_JARGON_CY", "Finding", "Readability", "check", "readability"]
