"""The ``expgraph`` command. Each command group lives in its own module exposing ``register(app)``."""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
import typer.core

app = typer.Typer(
    name="expgraph",
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
    "cli.review_commands",  # review list|accept|reject
)


def _register_all() -> None:
    for name in _COMMAND_MODULES:
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
