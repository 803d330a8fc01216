"""The shape of a poll's results on a screen, in no language: pure Python, no Django.

One builder for both ways results reach a screen: the pages render
`display.build_results` (this shape with words put in), and the websocket
carries this shape with each poll, so the page script only puts the page's words into the
page's `<template>` markup instead of building results a second time. Options,
weightings and groups are named by key; numbers come ready to show.
"""

from typing import Any

from deliberation import methods


def number(value: float | int) -> str:
    """Show a count as a whole number, or with one decimal when weighting made it a fraction."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


# What a one-person-one-vote total counts, by method: its headline on the projector.
UNITS = {"dots": "dots", "ranked": "points", "score": "points"}  # otherwise "people"


# The parts of a full result, in the order the projector pages through them: one for
# each group (or group too small to show), so each part fits one screen.
def parts(shaped: dict[str, Any]) -> list[str]:
    """Name the parts a full result has, in order (the projector shows one at a time)."""
    found = ["overall"]
    if any(v["key"] == "parity" for v in shaped["views"]):
        found.append("parity")
    if not shaped["protected"]:
        found.append("common_ground")
    found += ["group"] * (len(shaped["groups"]) + len(shaped["suppressed"]))
    if shaped["rounds"]:
        found.append("rounds")
    if shaped["objections"]:
        found.append("objections")
    return found


def percent(share: float) -> int:
    return round(share * 100)


def _rows(keys: list[str], totals: dict[str, Any], shares: dict[str, Any]) -> list:
    return [
        {"key": key, "value": number(totals.get(key, 0)), "share": percent(shares.get(key, 0))}
        for key in keys
    ]


def waits_for_everyone(poll: dict[str, Any]) -> bool:
    """Say whether an open poll's results wait for everyone here to vote (not a secret one)."""
    return poll.get("results_shown") == "all_voted" and not poll.get("secret")


def shape(poll: dict[str, Any]) -> dict[str, Any]:
    """Shape a poll's result for a screen: what to show, in the order to show it."""
    result = poll.get("result")
    closed = poll["status"] == "closed"
    base: dict[str, Any] = {"poll": poll["id"], "closed": closed}
    if poll.get("results_hidden") and not closed:
        # No answer here: only, while it waits for everyone here to vote, how many of
        # them have (a vote hidden until it closes tells phones no count at all).
        waits = "everyone" if waits_for_everyone(poll) else "close"
        progress = poll.get("progress") if waits == "everyone" else None
        return {**base, "visible": False, "waits": waits, "progress": progress}
    if not result:
        # Results are visible but nothing was counted yet (a poll that has just opened).
        return {**base, "visible": True, "empty": True}
    keys = [o["key"] for o in poll["options"]]
    outcome = result["outcome"]
    primary = outcome["weighting"]
    # A protected secret result carries only the one-person-one-vote count.
    order = list(
        dict.fromkeys(w for w in [primary, *methods.WEIGHTINGS] if w in result["weightings"])
    )
    weightings = result["weightings"]
    groups = [
        {
            "key": key,
            "voters": group["voters"],
            "rows": _rows(keys, group["totals"], group["shares"]),
        }
        for key in methods.CONSTITUENCIES
        if (group := result["by_constituency"].get(key)) is not None
    ]
    shaped: dict[str, Any] = {
        **base,
        "visible": True,
        "empty": False,
        "voters": result["voters"],
        "views": [
            {
                "key": w,
                "primary": w == primary,
                "rows": _rows(keys, weightings[w]["totals"], weightings[w]["shares"]),
            }
            for w in order
        ],
        "groups": groups,
        "suppressed": list(result.get("suppressed", [])),
        "common_ground": [k for k in keys if k in result.get("common_ground", [])],
        "outcome": {
            "passed": outcome.get("passed"),
            "winner": outcome.get("winner") or "",
            "reasons": list(outcome.get("reasons", [])),
        },
        "objections": list(result.get("objections", [])),
        # How many voted with their supporter: a count only, never who.
        "assisted": int(result.get("voters_by_source", {}).get("assisted", 0)),
        "ranked": poll["method"] == "ranked",
        "protected": bool(result.get("protected")),
        "rounds": [],
        "unit": UNITS.get(poll["method"], "people"),
    }
    ranked = result.get("ranked")
    irv = None
    if ranked and ranked.get("irv"):
        irv = ranked["irv"].get(primary) or ranked["irv"][order[0]]
    if irv:
        eliminated = irv.get("eliminated", [])
        for index, counts in enumerate(irv.get("rounds", [])):
            shaped["rounds"].append(
                {
                    "n": index + 1,
                    "rows": [{"key": k, "value": number(v)} for k, v in counts.items()],
                    "out": eliminated[index] if index < len(eliminated) else "",
                }
            )
    shaped["parts"] = parts(shaped)
    # The verdict or winner was counted with each group counting the same.
    shaped["parity_decides"] = any(v["key"] == "parity" and v["primary"] for v in shaped["views"])
    return shaped
