"""The ``resgraph`` command line: thin wiring of the stages (ARCHITECTURE.md, "Command line").

Every user error ends in one line on stderr starting with ``error:`` and a non-zero
exit status; tracebacks are for bugs only.
"""
from __future__ import annotations

import sys

import click

from .cliutil import UserError, make_settings, settings_options  # noqa: F401  (re-exported)


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
        from .publish import publish
        main.add_command(publish)
    except ImportError:  # pragma: no cover
        pass


_register()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
