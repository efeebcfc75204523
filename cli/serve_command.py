"""``expgraph serve``: the HTTP API and web page on the embedded database, bundled corpus ingested on first start."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str | None = typer.Option(
            None, help="Interface to bind (default: EXPGRAPH_HOST or 127.0.0.1)."
        ),
        port: int | None = typer.Option(None, help="Port (default: EXPGRAPH_PORT or 8000)."),
        workers: int = typer.Option(
            1,
            min=1,
            help="Worker processes. More than one needs a SurrealDB server (EXPGRAPH_DB_URL=ws://...).",
        ),
        no_bootstrap: bool = typer.Option(
            False, "--no-bootstrap", help="Do not ingest the bundled corpus when empty."
        ),
    ) -> None:
        """Serve the API and the web page. Ingests the bundled corpus into an empty database first."""
        import uvicorn

        from api.app import create_app
        from config import Settings

        settings = Settings()
        if "generator_in_subprocess" not in settings.model_fields_set:
            # Decoding in a child process keeps its own GIL while the planner threads answer other questions.
            settings = settings.model_copy(update={"generator_in_subprocess": True})
        if no_bootstrap:
            settings = settings.model_copy(update={"bootstrap_corpus": False})
        if workers > 1 and not settings.database_url.startswith(("ws://", "wss://", "http://", "https://")):
            typer.echo(
                "error: the embedded database can be opened by one process only; use --workers 1, "
                "or point EXPGRAPH_DB_URL at a SurrealDB server (ws://host:8000) for several workers",
                err=True,
            )
            raise typer.Exit(2)
        host, port = host or settings.host, port or settings.port
        if workers == 1:
            uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
            return
        if no_bootstrap:
            # Each worker is a new process that builds its app from an import string, so the environment is the
            # only way this setting reaches it.
            import os

            os.environ["EXPGRAPH_BOOTSTRAP_CORPUS"] = "false"
        uvicorn.run(
            "api.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )
