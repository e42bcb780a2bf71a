"""`stockwise serve`: the HTTP service (web page, API, OpenAI-compatible endpoint)."""

from __future__ import annotations

from pathlib import Path

import typer


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    new_key: str | None = typer.Option(
        None,
        "--new-key",
        metavar="USER:ROLE",
        help="Add an API key for USER with ROLE (viewer, manager, auditor, admin) to the "
        "keys file, print it once and exit.",
    ),
) -> None:
    """Serve Stockwise over HTTP: the chat page at /, /api, /v1 (OpenAI-compatible), /docs."""
    from stockwise.tools.core.settings import get_settings

    settings = get_settings()
    if new_key is not None:
        from stockwise.assistant.service.auth import add_key

        user, _, role = new_key.partition(":")
        if not user or not role:
            raise typer.BadParameter("--new-key takes USER:ROLE, e.g. ana:manager")
        path = settings.api_keys_file or Path(settings.data_dir / "api_keys.json")
        try:
            key = add_key(path, user, role)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
        typer.echo(key)
        if settings.api_keys_file is None:
            typer.echo(
                f"Set STOCKWISE_API_KEYS_FILE={path} so the service asks for keys.", err=True
            )
        return
    import uvicorn

    from stockwise.assistant.service.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
