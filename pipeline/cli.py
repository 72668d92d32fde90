"""The ``resgraph`` command line: thin wiring of the stages (ARCHITECTURE.md, "Command line").

Every user error ends in one line on stderr starting with ``error:`` and a non-zero
exit status; tracebacks are for bugs only.
"""
from __future__ import annotations

import sys
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="resgraph")
def main():
    """resgraph — intergovernmental resolutions as linked data.

    Parse resolution documents, map them to an OWL ontology, validate with SHACL,
    publish to a triple store, and answer SPARQL.  Start with `resgraph build`,
    then `resgraph query cites -p target="UNGA 70/1"` or `resgraph serve`.
    """


def _register() -> None:
    from .commands import build, export, query, restore, validate

    for cmd in (build, validate, query, export, restore):
        main.add_command(cmd)
    try:
        from .server.command import serve
        main.add_command(serve)
    except ImportError:  # pragma: no cover - only while the server is being written
        pass
    try:
        from .remote import publish
        main.add_command(publish)
    except ImportError:  # pragma: no cover
        pass


_register()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
