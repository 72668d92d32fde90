"""What every ``resgraph`` command shares: the user-error type and the settings options.

A module of its own so that command modules (``commands``, ``server.command``,
``remote.command``) can import it without importing :mod:`pipeline.cli`, which imports
them.
"""
from __future__ import annotations

from pathlib import Path

import click

from .settings import Settings

EXIT_USAGE = 2


class UserError(click.ClickException):
    """A problem the user can fix; printed as one line."""

    exit_code = 1

    def show(self, file=None):
        click.echo(f"error: {self.format_message()}", err=True)


def settings_options(f):
    """Options shared by every command that touches data or the store."""
    f = click.option("--base", envvar="RESGRAPH_BASE", default=None, metavar="URI",
                     help="Base URI of every data URI (default: http://127.0.0.1:8000/, where `resgraph serve` listens).")(f)
    f = click.option("--store", "store_dir", envvar="RESGRAPH_STORE", default=None, type=click.Path(path_type=Path),
                     help="Directory of the embedded store (default: data/store).")(f)
    return f


def make_settings(base: str | None, store_dir: Path | None) -> Settings:
    kw = {}
    if base:
        kw["base"] = base
    if store_dir:
        kw["store_dir"] = store_dir
    try:
        return Settings(**kw)
    except ValueError as e:
        raise UserError(str(e)) from None
