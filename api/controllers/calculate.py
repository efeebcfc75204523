"""Calculator endpoints: ``GET /calculate`` lists tools, ``POST /calculate/{tool}`` runs one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post

from api.errors import NotFound, Unprocessable
from api.security import require_read_access
from tools.registry import TOOLS, run_tool


def _describe(name: str) -> dict[str, Any]:
    spec = TOOLS[name]
    describe = getattr(spec, "describe", None)
    if callable(describe):
        return describe()  # type: ignore[no-any-return]
    return {"name": name, "description": getattr(spec, "description", "")}


class CalculateController(Controller):
    path = "/calculate"
    tags = ["calculators"]
    guards = [require_read_access]

    @get("/", summary="List the calculators and their parameters")
    async def list_tools(self) -> dict[str, Any]:
        return {"tools": [_describe(name) for name in sorted(TOOLS)]}

    @post("/{tool:str}", summary="Run a calculator", status_code=200, sync_to_thread=False)
    def calculate(self, tool: str, data: dict[str, Any]) -> dict[str, Any]:
        """Bad parameters answer 422 with the field and the reason."""
        if tool not in TOOLS:
            raise NotFound(
                f"no calculator named {tool!r}; GET /calculate lists them: {', '.join(sorted(TOOLS))}"
            )
        if not isinstance(data, dict):
            raise Unprocessable("the body must be a JSON object of parameters", field="body")
        return run_tool(tool, data).to_dict()
