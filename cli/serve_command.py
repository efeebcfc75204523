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
        import os

        import uvicorn

        from config import Settings

        settings = Settings()
        if workers > 1 and not settings.database_url.startswith(("ws://", "wss://", "http://", "https://")):
            typer.echo(
                "error: the embedded database can be opened by one process only; use --workers 1, "
                "or point EXPGRAPH_DB_URL at a SurrealDB server (ws://host:8000) for several workers",
                err=True,
            )
            raise typer.Exit(2)
        if no_bootstrap:
            os.environ["EXPGRAPH_BOOTSTRAP_CORPUS"] = "false"  # read by the app factory's Settings()
        uvicorn.run(
            "api.app:create_app_from_env",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            log_level="info",
        )
