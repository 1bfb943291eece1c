"""Progress of a run over a corpus, pass by pass: bars on a terminal, lines in a log."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

__all__ = ["ProgressBars", "ProgressLines"]


class ProgressLines:
    """Progress for a log rather than a terminal: a line when each pass over the corpus starts
    (clean, index an observer, apply its verdict, write the manifest), then one at most every
    ``every`` seconds with the pass, the documents done and the rate, so a piped run is never
    silent for minutes and a reader sees which pass is slow."""

    def __init__(self, label: str, every: float = 10.0) -> None:
        self.label = label
        self.every = every
        self.pass_name = ""
        self._restart()

    def _restart(self) -> None:
        self.done = 0
        self.started = self.last = time.monotonic()

    def start_pass(self, name: str) -> None:
        """Say which pass starts, and count its documents from zero."""
        self.pass_name = name
        self._restart()
        click.echo(f"{self.label}: {name}", err=True)

    def __call__(self) -> None:
        """Count one document; print a line when ``every`` seconds have passed."""
        self.done += 1
        moment = time.monotonic()
        if moment - self.last >= self.every:
            self.last = moment
            rate = self.done / max(moment - self.started, 1e-9)
            where = f"{self.label}, {self.pass_name}" if self.pass_name else self.label
            click.echo(f"{where}: {self.done} documents, {rate:,.0f} docs/s", err=True)


class ProgressBars:
    """Progress on a terminal: one bar per pass over the corpus, labelled with the pass, with
    the documents done and the rate."""

    def __init__(self, label: str, length: int) -> None:
        self.label = label
        self.length = length
        self.bar: Any = None
        self.started = time.monotonic()

    def start_pass(self, name: str) -> None:
        """Close the last pass's bar and open one for this pass."""
        self.close()
        self.started = time.monotonic()
        self.bar = click.progressbar(
            length=self.length,
            label=f"{self.label}: {name}",
            file=sys.stderr,
            show_pos=True,
            item_show_func=lambda rate: rate,
        )
        self.bar.__enter__()

    def __call__(self) -> None:
        """Move the bar one document on, with the rate so far."""
        if self.bar is not None:
            rate = (self.bar.pos + 1) / max(time.monotonic() - self.started, 1e-9)
            self.bar.update(1, f"{rate:,.0f} docs/s")

    def close(self) -> None:
        """Finish the open bar, if any (the last pass's bar when the run ends)."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
