"""Timing of Markdown rendering on hostile text: what a preview or a save costs.

Renders 20,000-character pathological inputs (the most a proposal body may hold)
through `deliberation.markdown.render` (markdown-it-py, then nh3) and prints the
time of each. With `--compare`, also times Python-Markdown (what coprod used
before), each case in a child process stopped after `--old-timeout` seconds.

Run with `make bench` (or `SECRET_KEY=bench .venv/bin/python bench/markdown_render.py`).
It exits 0 when every input renders within `--limit` seconds (1.0), 1 otherwise.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = 20_000

CASES = {
    "20,000 [": "[" * SIZE,
    "[ then ]": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "*": "*" * SIZE,
    "*a nested": "*a " * (SIZE // 3),
    "_": "_" * SIZE,
    "_a nested": "_a " * (SIZE // 3),
    "<": "<" * SIZE,
    "<a ": "<a " * (SIZE // 3),
    "`": "`" * SIZE,
    "` a": "` a" * (SIZE // 3),
    "link chain [a](b)": "[a](b)" * (SIZE // 6),
    "unfinished [a](": "[a](" * (SIZE // 4),
    "reference [a][": "[a][" * (SIZE // 4),
    "![[": "![[" * (SIZE // 3),
    "*_[`< mixed": "*_[`<" * (SIZE // 5),
    "> quotes": ">" * SIZE,
    "- nested lists": "".join("  " * i + "- a\n" for i in range(400)),
    "&# entities": "&#" * (SIZE // 2),
    "\\ escapes": "\\" * SIZE,
    "plain words": "We want a later bus. " * (SIZE // 21),
}


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coprod.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def time_new(text: str) -> float:
    from deliberation.markdown import render

    started = time.perf_counter()
    render(text)
    return time.perf_counter() - started


def _old(text: str, result: multiprocessing.Queue[float]) -> None:
    import markdown

    from deliberation.markdown import sanitise

    started = time.perf_counter()
    sanitise(markdown.markdown(text))
    result.put(time.perf_counter() - started)


def time_old(text: str, timeout: float) -> float | None:
    """Time Python-Markdown on the text; None when it did not finish in time."""
    result: multiprocessing.Queue[float] = multiprocessing.Queue()
    child = multiprocessing.get_context("fork").Process(target=_old, args=(text, result))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return result.get(timeout=1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--limit", type=float, default=1.0, help="seconds each render may take (1.0)")
    p.add_argument("--compare", action="store_true", help="also time Python-Markdown")
    p.add_argument(
        "--old-timeout", type=float, default=30.0, help="stop Python-Markdown after (30 s)"
    )
    args = p.parse_args(argv)
    setup()
    time_new("warm up *the* [parser](https://example.org)")
    print(f"Markdown render of {SIZE:,}-character inputs (markdown-it-py + nh3), seconds")
    worst = 0.0
    for name, text in CASES.items():
        text = text[:SIZE]
        seconds = min(time_new(text) for _ in range(3))
        worst = max(worst, seconds)
        line = f"  {name:20} {seconds:7.3f}"
        if args.compare:
            old = time_old(text, args.old_timeout)
            line += "   Python-Markdown " + (
                f"{old:7.3f}" if old is not None else f"> {args.old_timeout:.0f} (stopped)"
            )
        print(line)
    ok = worst <= args.limit
    print(f"slowest {worst:.3f} s: " + ("within" if ok else "OVER") + f" {args.limit} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
