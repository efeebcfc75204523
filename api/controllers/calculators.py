"""``POST /api/calculators/{tool}/curve``: power curves around a design, for the ``/calculators`` page and answers."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, post

from api.errors import NotFound, Unprocessable
from api.power_curves import CurveUnavailable, power_curves, supports
from api.responses import PowerCurves
from api.security import require_read_access
from services.calculators import Calculators


class CurveController(Controller):
    path = "/api/calculators"
    tags = ["calculators"]
    guards = [require_read_access]

    @post(
        "/{tool:str}/curve",
        summary="Power against n, and n against the effect, around a design",
        status_code=200,
        sync_to_thread=False,
    )
    def curve(self, tool: str, data: dict[str, Any], calculators: Calculators) -> PowerCurves:
        """The calculation itself is included, so one request draws the result and its curves."""
        if tool not in calculators:
            raise NotFound(f"no calculator named {tool!r}; GET /calculate lists them")
        if not supports(tool):
            raise NotFound(f"{tool} has no power curve; sample-size, power and MDE calculators have one")
        if not isinstance(data, dict):
            raise Unprocessable("the body must be a JSON object of parameters", field="body")
        try:
            return msgspec.convert(power_curves(tool, data), PowerCurves)
        except CurveUnavailable as exc:
            raise Unprocessable(str(exc)) from exc
