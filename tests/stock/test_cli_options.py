"""The command line offers what the tools' input models declare: derived commands by
construction, the two written-out ones (forecast, docs) checked against their models, and
the options people already use kept working."""

from __future__ import annotations

import typer
from pydantic import BaseModel

from stockwise.assistant.cli import stock as stock_cli
from stockwise.assistant.cli.from_model import is_positional, option_names
from stockwise.assistant.cli.main import app
from stockwise.tools.core.contract import input_model
from stockwise.tools.documents.search import SearchDocumentsInput
from stockwise.tools.forecast.agent_tools import ForecastDemandInput

PRESENTATION = {"--json", "--help", "--chart"}  # the CLI's own, not the tool's


def offered(click_command) -> tuple[list[str], set[str]]:  # type: ignore[no-untyped-def]
    """A command's positional arguments and its option names (without the CLI's own)."""
    params = click_command.params
    arguments = [p.name for p in params if p.param_type_name == "argument"]
    options = {o for p in params if p.param_type_name == "option" for o in p.opts}
    return arguments, options - PRESENTATION


def declared(model: type[BaseModel]) -> tuple[list[str], set[str]]:
    """What the model says the command line should offer."""
    fields = model.model_fields
    arguments = [n for n, f in fields.items() if is_positional(f)]
    options = {o for n, f in fields.items() if not is_positional(f) for o in option_names(n, f)}
    return arguments, options


def command(name: str):  # type: ignore[no-untyped-def]
    group = typer.main.get_command(app)
    path = name.split()
    found = group.get_command(None, path[0])  # type: ignore[arg-type]
    for part in path[1:]:
        found = found.get_command(None, part)
    return found


def test_written_out_commands_offer_what_their_models_declare():
    assert offered(command("forecast")) == declared(ForecastDemandInput)
    assert offered(command("docs")) == declared(SearchDocumentsInput)


def test_derived_commands_offer_exactly_their_models_fields():
    for name, tool in stock_cli.TOOLS.items():
        assert offered(command(f"stock {name}")) == declared(input_model(tool)), name


# Options people and scripts used before the commands were derived: they must keep working.
EXISTING = {
    "stock find": (["query"], {"--limit"}),
    "stock on-hand": (["item"], {"--site"}),
    "stock movements": (["item"], {"--site", "--start", "--end", "--type", "--limit"}),
    "stock demand": (
        ["item"],
        {"--category", "--mro-subtype", "--site", "--start", "--end", "--top"},
    ),
    "stock below-rop": ([], {"--site", "--category", "--criticality", "--limit"}),
    "stock cover": (["item"], {"--site"}),
    "stock run-out": (
        [],
        {"--within", "--category", "--criticality", "--mro-subtype", "--site", "--limit"},
    ),
    "stock value": ([], {"--by", "--site"}),
    "stock slow": ([], {"--days", "--cover-threshold", "--category", "--limit"}),
    "stock variance": ([], {"--site", "--min-value", "--limit"}),
    "stock wip": ([], {"--stage", "--product", "--limit"}),
    "stock wip-value": (["order"], {"--limit"}),
    "stock stalled": ([], {"--factor", "--limit"}),
    "reorder": ([], {"--critical", "--group", "--site", "--item", "--limit"}),
    "simulate": ([], {"--group", "--policy", "--site", "--critical", "--months"}),
    "forecast": (["item"], {"--horizon", "--site", "--grain"}),
    "docs": (["query"], {"--equipment", "-e", "--doc-type", "-t", "--k", "-k"}),
}


def test_the_options_people_use_still_exist():
    for name, (arguments, options) in EXISTING.items():
        got_arguments, got_options = offered(command(name))
        assert got_arguments == arguments, name
        assert options <= got_options, f"{name} lost {sorted(options - got_options)}"
