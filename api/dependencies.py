"""Dependency providers: handlers receive the runtime and settings by injection."""

from __future__ import annotations

from litestar.datastructures import State

from api.errors import NotReady
from api.runtime import Runtime


def provide_runtime(state: State) -> Runtime:
    runtime = state.get("runtime")
    if runtime is None:
        raise NotReady("the service is still starting (database and models loading); retry in a few seconds")
    return runtime  # type: ignore[no-any-return]
