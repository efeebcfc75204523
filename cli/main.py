"""The ``expgraph`` command. Each command group lives in its own module exposing ``register(app)``."""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
import typer.core

# Commands whose modules import the calculators (scipy.stats, statsmodels: ~1.5 s of every start): imported when the
# command line names them (or for --help), so `ingest`, `ask` and the rest start without them.
_LAZY_COMMANDS = {"calc": "cli.calc_commands", "analyze": "cli.analyze_commands"}


class _LazyGroup(typer.core.TyperGroup):
    """The root group: eager commands as registered, plus ``_LAZY_COMMANDS`` built on first lookup."""

    def list_commands(self, ctx: Any) -> list[str]:
        eager = super().list_commands(ctx)
        return [*eager, *(name for name in _LAZY_COMMANDS if name not in eager)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in _LAZY_COMMANDS:
            holder = typer.Typer()
            importlib.import_module(_LAZY_COMMANDS[cmd_name]).register(holder)
            command = typer.main.get_group(holder).get_command(ctx, cmd_name)
            if command is not None:
                self.add_command(command, cmd_name)
        return command


app = typer.Typer(
    name="expgraph",
    cls=_LazyGroup,
    help="Event-sourced knowledge graph and planner for experimentation and A/B-testing questions.",
    no_args_is_help=True,
    add_completion=False,
)

# Modules register their commands on the app; a group is skipped only if its module does not exist yet.
_COMMAND_MODULES = (
    "cli.engine_commands",  # init, replay, events, graph
    "cli.ingest_commands",  # ingest
    "cli.corpus_commands",  # corpus check / stats
    "cli.calc_commands",  # calc
    "cli.analyze_commands",  # analyze
    "cli.model_commands",  # generate
    "cli.ask_commands",  # ask, trace
    "cli.serve_command",  # serve
    "cli.train_commands",  # train, eval, collect arxiv|stackexchange|synth
    "cli.relevance_commands",  # train-relevance
    "cli.reranker_commands",  # train-reranker
    "cli.review_commands",  # review list|accept|reject
)


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        if name in _LAZY_COMMANDS.values():
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)


def _flag_type_hidden() -> None:
    """Typer 0.29 prints a ``<bool>`` type beside every flag in --help; a flag takes no value, so show none."""
    shown = typer.core.TyperOption.display_type_rich

    def display_type_rich(self: typer.core.TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    typer.core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


@app.callback()
def _root(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Show library warnings and third-party progress bars (otherwise in <data_dir>/logs/expgraph.log).",
        ),
    ] = False,
) -> None:
    """Event-sourced knowledge graph and planner for experimentation and A/B-testing questions."""
    from cli.quiet import configure
    from config import Settings

    configure(Settings().data_dir, verbose=verbose)


@app.command()
def version() -> None:
    """Print the expgraph version."""
    from importlib.metadata import version as _version

    typer.echo(_version("expgraph"))


_flag_type_hidden()
_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
