"""The ``expgraph`` command. Each command group lives in its own module exposing ``register(app)``."""

from __future__ import annotations

import importlib

import typer

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


@app.callback()
def _root() -> None:
    """Event-sourced knowledge graph and planner for experimentation and A/B-testing questions."""


@app.command()
def version() -> None:
    """Print the expgraph version."""
    from importlib.metadata import version as _version

    typer.echo(_version("expgraph"))


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
