"""Fixtures of the background worker's tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """Leave no language active: a page read in Welsh here must not change later tests."""
    yield
    translation.deactivate()
