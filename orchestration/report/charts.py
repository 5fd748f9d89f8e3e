"""Charts drawn with matplotlib and inlined as SVG, so the report needs no network to open."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

# Figure objects without pyplot: no global state or display backend, safe in any thread.
from matplotlib.figure import Figure

SIZE = (7.0, 3.2)


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue: the SVG sits inside HTML


def _number(value: Any) -> float:
    """NULL (unknown) plots as a gap, not as zero."""
    return float("nan") if value is None else float(value)


def concentration(epochs: Sequence[int], nakamoto: Sequence[Any], share: Sequence[Any]) -> str:
    """The Nakamoto coefficient and the superminority's stake share, per epoch."""
    fig = Figure(figsize=SIZE)
    left = fig.subplots()
    left.plot(epochs, [_number(v) for v in nakamoto], marker="o", color="tab:blue")
    left.set_xlabel("epoch")
    left.set_ylabel("Nakamoto coefficient", color="tab:blue")
    right = left.twinx()
    right.plot(epochs, [_number(v) for v in share], marker="s", color="tab:orange")
    right.set_ylabel("superminority stake share", color="tab:orange")
    left.set_xticks(list(epochs))
    return _svg(fig)


def stacked_bars(labels: Sequence[Any], series: dict[str, Sequence[Any]], ylabel: str) -> str:
    """One bar per label, stacked by series (e.g. MEV events by type per epoch)."""
    fig = Figure(figsize=SIZE)
    ax = fig.subplots()
    positions = range(len(labels))
    bottom = [0.0] * len(labels)
    for name, values in series.items():
        heights = [0.0 if v is None else float(v) for v in values]
        ax.bar(positions, heights, bottom=bottom, label=name)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xticks(list(positions), [str(label) for label in labels])
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")
    return _svg(fig)


def horizontal_bars(labels: Sequence[str], values: Sequence[Any], xlabel: str) -> str:
    """Ranked bars, largest on top (e.g. top pairs by volume)."""
    fig = Figure(figsize=(SIZE[0], 0.35 * len(labels) + 1))
    ax = fig.subplots()
    ax.barh(list(labels)[::-1], [_number(v) for v in values][::-1], color="tab:green")
    ax.set_xlabel(xlabel)
    return _svg(fig)
