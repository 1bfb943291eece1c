"""The command group, and what every command shares: one-line errors, common options."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from cleankit._version import __version__
from cleankit.core.errors import CleankitError, InputError, RuleError, SettingsError
from cleankit.core.signals import (
    exit_now,
    interrupt_behind,
    raise_terminated,
    redeliver_swallowed,
)

F = TypeVar("F", bound=Callable[..., Any])


class _UsageProblem(click.ClickException):
    """A mistake in what was asked (a missing input, a bad rule file, an output inside an
    input): one line, exit 2 like any usage error, without click's usage banner."""

    exit_code = 2


def _friendly(command: F) -> F:
    """Turn library and OS errors into one-line messages (exit 1, usage problems exit 2),
    never a traceback; Ctrl-C exits 130 and SIGTERM 143 once temporary files are gone."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            previous = signal.signal(signal.SIGTERM, raise_terminated)
        except ValueError:  # not the main thread (an embedding program): leave signals alone
            previous = None
        hook = sys.unraisablehook
        if previous is not None:
            sys.unraisablehook = redeliver_swallowed
        try:
            return command(*args, **kwargs)
        except SettingsError as error:
            raise click.UsageError(str(error)) from None
        except (InputError, RuleError) as error:
            raise _UsageProblem(str(error)) from None
        except CleankitError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            from cleankit.io.outputs import os_problem

            raise click.ClickException(str(os_problem(error))) from None
        except BaseException as error:
            # Ctrl-C or SIGTERM, also when Python wrapped its exception in another one.
            code = interrupt_behind(error)
            if code is None:
                raise
            exit_now(code, _stopped("interrupted" if code == 130 else "terminated"))
        finally:
            sys.unraisablehook = hook
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]


def _stopped(how: str) -> str:
    """What a signal left behind: OUT as it was, unless this run had already committed to it."""
    outputs = sys.modules.get("cleankit.io.outputs")  # not loaded yet: nothing was written
    done = list(getattr(outputs, "COMMITTED", []))
    if done:
        where = ", ".join(str(path) for path in done)
        return f"{how} after this run's outputs were committed to {where}"
    return f"{how}; outputs left as they were before this run"


_manifest_option = click.option(
    "--manifest",
    "manifest_path",
    required=True,
    type=click.Path(path_type=Path),
    help="manifest.parquet of the run.",
)


def _report(problems: Sequence[object], summary: str) -> None:
    """Each problem on stderr, then the summary line; a non-zero exit when there was any."""
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(summary)
    if problems:
        sys.exit(1)


def _target_option(help_text: str) -> Callable[[F], F]:
    """The ``-o/--out FILE`` option of commands that write one file."""
    return click.option(
        "-o",
        "--out",
        "target",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleankit")
def main() -> None:
    """Clean news and web text into a deduplicated corpus with a provenance manifest."""


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Apply option decorators in reading order (the first is the first in --help)."""

    def apply(command: F) -> F:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


#: Options of every command that runs the pipeline (clean and dedup).
