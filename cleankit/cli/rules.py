"""``cleankit rules list`` and ``cleankit rules check``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cleankit.cli.app import _friendly, _report, main
from cleankit.core.settings import Settings, load_settings


@main.group()
def rules() -> None:
    """List and check rule files."""


@rules.command("list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per rule.")
@_friendly
def rules_list(paths: tuple[Path, ...], as_json: bool) -> None:
    """List the rules in PATHS (default: the built-in set)."""
    from cleankit.filters.rules import load_rules

    rule_set = load_rules(list(paths) or None)
    for rule in rule_set.rules:
        if as_json:
            record = {
                "id": rule.id,
                "version": rule.version,
                "scope": rule.scope,
                "languages": list(rule.languages),
                "provides": list(rule.provides),
                "sets": dict(rule.sets),
                "file": rule.path,
                "line": rule.line,
                "description": rule.description,
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(
                f"{rule.id:<28} v{rule.version} {rule.scope:<7} {Path(rule.path).name}:{rule.line}  {rule.description}"
            )


@rules.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--config", type=click.Path(path_type=Path), help="Settings TOML file (for rule_timeout)."
)
@_friendly
def rules_check(paths: tuple[Path, ...], config: Path | None) -> None:
    """Validate rule files and run every example under the run's rule_timeout; exit 1 on any
    failure."""
    from cleankit.filters.rules import load_rules

    settings = load_settings(config) if config else Settings()
    rule_set = load_rules(list(paths) or None, timeout=settings.rule_timeout)
    failures = rule_set.check()
    examples = sum(len(r.examples) for r in rule_set.rules)
    _report(failures, f"{len(rule_set.rules)} rules, {examples} examples, {len(failures)} failed")
