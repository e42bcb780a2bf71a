"""`stockwise serve`: the HTTP service (web page, API, OpenAI-compatible endpoint)."""

from __future__ import annotations

from pathlib import Path

import typer


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    insecure_open: bool = typer.Option(
        False,
        "--insecure-open",
        help="Without API keys, listen on a non-loopback --host anyway (anonymous viewers; "
        "every request logs a warning).",
    ),
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
    from stockwise.assistant.service.exposure import ExposureRefused, exposure_notice

    try:
        notice = exposure_notice(host, settings.api_keys_file is not None, insecure_open)
    except ExposureRefused as refused:
        typer.echo(str(refused), err=True)
        raise typer.Exit(2) from None
    typer.echo(notice, err=True)
    # The dataset opens here first, so a refused one is the same one line and exit 1 as in
    # every other command, not a traceback from inside the server's startup. The app opens
    # it again from the process's memo, at no cost.
    from stockwise.assistant.startup import loading_notice, open_context

    if loaded := loading_notice(open_context(settings)):
        typer.echo(f"note: {loaded}", err=True)
    import uvicorn

    from stockwise.assistant.service.app import create_app

    _log_to_stderr()
    app = create_app(settings, insecure_open=insecure_open)
    uvicorn.run(app, host=host, port=port, log_level="info")


def _log_to_stderr() -> None:
    """The service's own messages (audit recovery, key created, insecure access) beside
    uvicorn's, in its format; other libraries' loggers stay as they are."""
    import logging

    logger = logging.getLogger("stockwise")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
