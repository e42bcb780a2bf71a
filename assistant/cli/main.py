"""The `stockwise` console command. Each command or command group lives in its own module
and is listed here, so this file stays a table of contents.

Commands load on demand: `stockwise ask` imports the agent, not the forecaster, the
replenishment planner or the demo generator, and a process pays only for the command it
runs. `stockwise --help` imports them all to show their help."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any, cast

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo

from stockwise.tools.core.errors import DatasetError

# name -> (module, attribute): a command function, or a `typer.Typer` of subcommands.
# Add a command with one line here; `stockwise --help` lists them in this order.
COMMANDS: dict[str, tuple[str, str]] = {
    "index": ("stockwise.assistant.cli.docs", "index"),
    "docs": ("stockwise.assistant.cli.docs", "docs"),
    "check": ("stockwise.assistant.cli.check", "check"),
    "import": ("stockwise.assistant.cli.importer", "import_data"),
    "classify": ("stockwise.assistant.cli.classify", "classify"),
    "anomalies": ("stockwise.assistant.cli.classify", "anomalies"),
    "ask": ("stockwise.assistant.cli.ask", "ask"),
    "chat": ("stockwise.assistant.cli.chat", "chat"),
    "reorder": ("stockwise.assistant.cli.reorder", "reorder"),
    "simulate": ("stockwise.assistant.cli.reorder", "simulate"),
    "demo": ("stockwise.assistant.cli.demo", "demo"),
    "forecast": ("stockwise.assistant.cli.forecast", "forecast"),
    "serve": ("stockwise.assistant.cli.serve", "serve"),
    "mcp": ("stockwise.assistant.cli.mcp_server", "mcp"),
    "eval": ("stockwise.assistant.cli.evals", "eval_app"),
    "stock": ("stockwise.assistant.cli.stock", "app"),
    "audit": ("stockwise.assistant.cli.audit", "app"),
    "report": ("stockwise.assistant.cli.report", "app"),
}


def load_command(name: str, parent: TyperGroup) -> TyperCommand | TyperGroup:
    """The click command for `name`, importing its module now."""
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        group = typer.main.get_group(target)
        group.name = name
        return group
    command = typer.main.get_command_from_info(
        CommandInfo(name=name, callback=target),
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=parent.rich_markup_mode,
    )
    return cast(TyperCommand, command)


class CommandTable(MutableMapping[str, Any]):
    """The group's commands by name: every name is known up front (for typo suggestions
    and help), and a command is built the first time it is looked up."""

    def __init__(self, group: TyperGroup) -> None:
        self.group = group
        self.loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self.loaded[name] = load_command(name, self.group)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self.loaded if name not in COMMANDS)

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self.loaded))


class LazyCommands(TyperGroup):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        table = CommandTable(self)
        table.loaded.update(self.commands)
        self.commands = table

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click Context
        # One loading policy for every command: a refused dataset is one line and exit 1,
        # whichever command opened it (ask, chat, serve, report, the stock tables ...).
        try:
            return super().invoke(ctx)
        except DatasetError as exc:
            from stockwise.assistant.cli.output import fail

            fail(exc)


app = typer.Typer(
    name="stockwise",
    cls=LazyCommands,
    help="Stockwise: ask your plant's inventory, tell WIP from MRO, plan spares.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main() -> None:
    # A callback makes `app` a group even though no command is registered up front.
    pass
