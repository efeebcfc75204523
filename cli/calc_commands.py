"""``expgraph calc <tool> --param value``, ``calc list`` and ``calc ask "question"``: the statistics calculators."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tools.errors import CalculationInputError
from tools.registry import TOOLS, ToolSpec, run_tool
from tools.result import CalculationResult
from understanding import parse_calculation, run_steps

out = Console()
err = Console(stderr=True)
calc_app = typer.Typer(
    help="Exact A/B-testing calculations: sample size, power, MDE, duration, CIs, p-values, SRM, CUPED and more.",
    no_args_is_help=True,
)


def _fail(exc: CalculationInputError) -> None:
    err.print(f"[red]error:[/red] {exc.field}: {exc.reason}")
    raise typer.Exit(code=2)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def _pairs_table(title: str, values: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in values.items():
        if value is not None:
            table.add_row(key, _fmt(value))
    return table


def print_result(result: CalculationResult) -> None:
    """Readable rendering: method, formula, inputs, outputs, assumptions, alternatives."""
    out.print(f"[bold]{result.tool}[/bold] — {result.method}")
    out.print(f"[dim]formula:[/dim] {result.formula}")
    out.print(f"[dim]library:[/dim] {result.library}")
    out.print(_pairs_table("Inputs", result.inputs))
    out.print(_pairs_table("Result (rounded; sample sizes rounded up)", result.outputs_rounded))
    if result.assumptions:
        out.print("[bold]Assumptions[/bold]")
        for line in result.assumptions:
            out.print(f"  • {line}")
    for note in result.notes:
        out.print(f"[dim]note:[/dim] {note}")
    if result.alternatives:
        table = Table(title="Other methods (they disagree beyond rounding)", title_justify="left")
        table.add_column("method")
        table.add_column("result")
        for alt in result.alternatives:
            table.add_row(alt.method, ", ".join(f"{k}={_fmt(v)}" for k, v in alt.outputs_rounded.items()))
        out.print(table)


def _emit(result: CalculationResult, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_result(result)


def _tool_command(spec: ToolSpec) -> Callable[..., None]:
    def command(**kwargs: Any) -> None:
        as_json = bool(kwargs.pop("json_output", False))
        try:
            result = run_tool(spec.name, {k: v for k, v in kwargs.items() if v is not None})
        except CalculationInputError as exc:
            _fail(exc)
            return
        _emit(result, as_json)

    parameters = []
    for p in spec.params:
        flag = "--" + p.name.replace("_", "-")
        names = [flag] if "_" not in p.name else [flag, "--" + p.name]
        extra = f"; one of: {', '.join(p.choices)}" if p.choices else ""
        default = f"; default {p.default}" if p.default is not None else ""
        required = "; required" if p.required else ""
        option = typer.Option(
            None, *names, help=f"{p.description} ({p.type}{extra}{default}{required})", show_default=False
        )
        parameters.append(
            inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=str | None)
        )
    parameters.append(
        inspect.Parameter(
            "json_output",
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(False, "--json", help="print the result as JSON"),
            annotation=bool,
        )
    )
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__name__ = spec.name
    command.__doc__ = f"{spec.summary}."
    return command


for _spec in TOOLS.values():
    calc_app.command(name=_spec.name, help=f"{_spec.summary}.")(_tool_command(_spec))


@calc_app.command("list")
def list_tools(json_output: Annotated[bool, typer.Option("--json", help="print as JSON")] = False) -> None:
    """List every calculator with its parameters."""
    if json_output:
        typer.echo(json.dumps([spec.to_dict() for spec in TOOLS.values()], indent=2))
        return
    table = Table(title="Calculators: expgraph calc <name> --param value ...", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("what it answers")
    table.add_column("parameters (* required)")
    for spec in TOOLS.values():
        params = ", ".join(f"{p.name}{'*' if p.required else ''}" for p in spec.params)
        table.add_row(spec.name, spec.summary, params)
    out.print(table)


@calc_app.command("ask")
def ask(
    question: Annotated[str, typer.Argument(help="the question in plain English")],
    json_output: Annotated[bool, typer.Option("--json", help="print parse and result as JSON")] = False,
) -> None:
    """Parse a question, then run the calculator it asks for (exit 1 when inputs are missing)."""
    parsed = parse_calculation(question)
    if not parsed.calculable:
        if json_output:
            typer.echo(json.dumps({"parsed": parsed.to_dict(), "result": None}, ensure_ascii=False, indent=2))
        elif parsed.tool is None:
            err.print("No calculation recognised. Try e.g. 'sample size for a 5% lift on a 10% baseline'.")
        else:
            err.print(f"[bold]{parsed.tool}[/bold] needs more information:")
            for item in [*parsed.invalid, *parsed.missing]:
                err.print(f"  • {item.question}")
        raise typer.Exit(code=1)
    try:
        results = run_steps(parsed, parsed.assumptions)
    except CalculationInputError as exc:
        _fail(exc)
        return
    if json_output:
        payload = {
            "parsed": parsed.to_dict(),
            "result": results[-1].to_dict(),
            "steps": [r.to_dict() for r in results],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for result in results:
            print_result(result)


def register(app: typer.Typer) -> None:
    """Attach the ``calc`` group to the root app."""
    app.add_typer(calc_app, name="calc")
