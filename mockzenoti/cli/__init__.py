"""The ``mockzenoti`` command line: a thin click front end.

Subcommands live in their own modules and are imported only when run, so
``mockzenoti --help`` and offline commands such as ``generate`` never import
aiohttp or the server. Each entry of ``COMMANDS`` is
``name: ("module:function", "one-line help")``.

Exit codes, for every command: 0 success; 1 the work ran but something failed
(an event dead, held or undelivered, an invalid payload); 2 bad usage or
input, with the option, argument or field named.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from mockzenoti import __version__
from mockzenoti.errors import MockZenotiError, closest

__all__ = ["COMMANDS", "main"]

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "mockzenoti.cli.demo:demo_command",
        "Watch a simulated day of webhooks delivered live (what `make run` starts).",
    ),
    "events": ("mockzenoti.cli.events:events", "List the catalog of event types."),
    "generate": (
        "mockzenoti.cli.generate:generate_command",
        "Print events of one type, played by a small world, as JSON Lines.",
    ),
    "serve": (
        "mockzenoti.cli.serve:serve_command",
        "Run the control API (targets, events, runs, deliveries, sinks, live feed).",
    ),
    "validate": (
        "mockzenoti.cli.validate:validate_command",
        "Check captured webhook payloads against the schemas.",
    ),
    "simulate": (
        "mockzenoti.cli.simulate:simulate_command",
        "Simulate a scenario: its events as JSON Lines, and its truth.",
    ),
    "scenarios": (
        "mockzenoti.cli.scenarios:scenarios_command",
        "List the built-in scenarios.",
    ),
    "world": (
        "mockzenoti.cli.world:world_command",
        "Print a simulated organization's fixed setup.",
    ),
    "run": (
        "mockzenoti.cli.run:run_command",
        "Simulate a scenario and deliver its events to webhook URLs (resumable).",
    ),
    "emit": ("mockzenoti.cli.emit:emit_command", "Generate one event and deliver it."),
    "replay": (
        "mockzenoti.cli.replay:replay_command",
        "Deliver a JSON Lines file of events, in order (resumable).",
    ),
    "ping": ("mockzenoti.cli.ping:ping_command", "Send Zenoti's test request: an empty POST."),
    "deliveries": (
        "mockzenoti.cli.deliveries:deliveries_command",
        "List the outbox's deliveries; `deliveries show ID` for one's attempts.",
    ),
    "redeliver": (
        "mockzenoti.cli.redeliver:redeliver_command",
        "Deliver dead or held deliveries again.",
    ),
    "drain": (
        "mockzenoti.cli.drain:drain_command",
        "Deliver only what the outbox holds pending.",
    ),
    "locust": (
        "mockzenoti.cli.locust_run:locust_command",
        "Soak a webhook from a Locust swarm: many workers, one consistent stream.",
    ),
    "sink": (
        "mockzenoti.cli.sink:sink_command",
        "Receive webhooks on 127.0.0.1: record, verify, misbehave on purpose.",
    ),
}


class _UserError(click.ClickException):
    """A ``MockZenotiError`` shown as ``Error: ...`` with exit code 2."""

    exit_code = 2


class _LazyGroup(click.Group):
    """A click group that imports a subcommand's module only to run it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            target, _ = COMMANDS[cmd_name]
            module_name, attr = target.split(":")
            command = getattr(importlib.import_module(module_name), attr)
            if not isinstance(command, click.Command):  # pragma: no cover - wiring bug
                raise TypeError(f"{target} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command named first in ``args``; a misspelt name gets "did you mean"."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            hints = closest(name, self.list_commands(ctx), n=2)
            guess = f" Did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
            ctx.fail(f"No such command {name!r}.{guess} (mockzenoti --help lists them all)")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MockZenotiError as exc:
            where = f" [{exc.field}]" if exc.field and exc.field not in exc.message else ""
            raise _UserError(exc.message + where) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Use the one-line help from COMMANDS so that --help imports nothing.
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mockzenoti")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="MOCKZENOTI_CONFIG",
    default=None,
    help="Settings file (TOML). Default: ./mockzenoti.toml when present.",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """mockzenoti: Zenoti webhooks on demand, faithful in form, delivered like Zenoti does."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="mockzenoti")
