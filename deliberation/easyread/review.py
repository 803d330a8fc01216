"""Say which points of a summary still have easy-read advice, in which language.

Pure Python: the summaries and sending services pass the points' words and the forum's
own words; sign-off asks the person signing off to confirm each point listed here, and
sending refuses a point left unconfirmed for a language someone will receive.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from deliberation.easyread.rules import check


@dataclass(frozen=True)
class PointWords:
    """A point as the review needs it: its id, its place in the list and its words."""

    id: int
    number: int
    text: str
    text_cy: str


def open_findings(
    points: Iterable[PointWords],
    *,
    glossary: Mapping[str, str],
    jargon: Mapping[str, str],
    languages: Collection[str] = ("en", "cy"),
) -> dict[int, tuple[str, ...]]:
    """Return each point with advice, and the languages ("en", "cy") the advice is in."""
    found: dict[int, tuple[str, ...]] = {}
    for point in points:
        where = []
        if "en" in languages and check(point.text, glossary=glossary, jargon=jargon):
            where.append("en")
        # A point without Welsh words is read in English by a Welsh reader too.
        welsh = point.text_cy or point.text
        language = "cy" if point.text_cy else "en"
        if "cy" in languages and check(welsh, glossary=glossary, jargon=jargon, language=language):
            where.append("cy")
        if where:
            found[point.id] = tuple(where)
    return found


def numbers(points: Iterable[PointWords], ids: Collection[int]) -> str:
    """Say the points' numbers as people see them: "2, 5, 7"."""
    return ", ".join(str(p.number) for p in points if p.id in ids)
