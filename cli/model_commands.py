"""``expgraph generate``: a raw chat turn with the configured generator (for checking a model or an endpoint)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from config import Settings

EXIT_BAD_INPUT = 2
EXIT_UNAVAILABLE = 3


def generate(
    prompt: Annotated[str, typer.Argument(help="The user message to send.")],
    system: Annotated[
        str | None, typer.Option("--system", help="Optional system message before the prompt.")
    ] = None,
    stream: Annotated[bool, typer.Option("--stream", help="Print the reply as it is decoded.")] = False,
    max_new_tokens: Annotated[
        int | None,
        typer.Option(
            "--max-new-tokens", min=1, help="Most tokens to generate (default: generator_max_new_tokens)."
        ),
    ] = None,
    stop: Annotated[
        list[str] | None, typer.Option("--stop", help="End the reply before this text (repeatable).")
    ] = None,
) -> None:
    """Send PROMPT to the configured generator (greedy decoding) and print the reply and its timings."""
    from model.generator import GeneratorConfigError, GeneratorError, GeneratorInputError
    from model.loader import load_generator
    from model.prompts import ChatMessage

    err = Console(stderr=True, soft_wrap=True)
    messages = [ChatMessage("user", prompt)]
    if system:
        messages.insert(0, ChatMessage("system", system))
    try:
        with err.status("Loading the generator…"):
            generator = load_generator(Settings())
        if stream:
            for piece in generator.stream(messages, max_new_tokens=max_new_tokens, stop=stop):
                typer.echo(piece, nl=False)
            typer.echo()
            err.print(f"[dim]{generator.model_id}[/dim]")
            return
        generation = generator.generate(messages, max_new_tokens=max_new_tokens, stop=stop)
    except (GeneratorConfigError, GeneratorInputError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    except GeneratorError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_UNAVAILABLE) from exc
    typer.echo(generation.text)
    err.print(
        f"[dim]{generator.model_id} · {generation.prompt_tokens} prompt + {generation.completion_tokens} "
        f"generated tokens ({generation.finish_reason}) · first token {generation.time_to_first_token * 1000:.0f} ms"
        f" · {generation.tokens_per_second:.1f} tok/s · {generation.seconds:.2f} s[/dim]"
    )


def register(app: typer.Typer) -> None:
    """Add the model commands to the ``expgraph`` app."""
    app.command("generate")(generate)
