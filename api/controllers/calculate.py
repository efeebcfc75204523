"""Calculator endpoints: ``GET /calculate`` lists tools, ``POST /calculate/{tool}`` runs one."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post

from api.errors import NotFound, Unprocessable
from api.responses import Calculation, ToolList
from api.security import require_read_access
from services.calculators import Calculators


class CalculateController(Controller):
    path = "/calculate"
    tags = ["calculators"]
    guards = [require_read_access]

    @get("/", summary="List the calculators and their parameters")
    async def list_tools(self, calculators: Calculators) -> ToolList:
        return ToolList([calculators.describe(name) for name in calculators.names()])

    @post("/{tool:str}", summary="Run a calculator", status_code=200, sync_to_thread=False)
    def calculate(self, tool: str, data: dict[str, Any], calculators: Calculators) -> Calculation:
        """Bad parameters answer 422 with the field and the reason."""
        if tool not in calculators:
            raise NotFound(
                f"no calculator named {tool!r}; GET /calculate lists them: {', '.join(calculators.names())}"
            )
        if not isinstance(data, dict):
            raise Unprocessable("the body must be a JSON object of parameters", field="body")
        return msgspec.convert(calculators.run(tool, data).to_dict(), Calculation)
