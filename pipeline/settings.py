"""Settings shared by every stage: where the project lives, the data base URI, the store.

Each stage is a plain function ``stage(input, *, settings)``; this dataclass is the
``settings``.  Values come from (in order) explicit arguments, the environment
(``RESGRAPH_BASE``, ``RESGRAPH_DATA``, ``RESGRAPH_STORE``) and the defaults below.

The default base is the address ``resgraph serve`` listens on by default, so every URI
printed by a fresh build dereferences on the same machine (ARCHITECTURE.md, URI scheme).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

#: The repository root (``pipeline/`` lives directly under it; install with ``pip install -e .``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_BASE = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}/"


def _normalise_base(base: str) -> str:
    base = base.strip()
    if not (base.startswith("http://") or base.startswith("https://")):
        raise ValueError(f"base URI must start with http:// or https://, got {base!r}")
    return base if base.endswith("/") else base + "/"


@dataclass(frozen=True)
class Settings:
    """Where things are. Immutable: derive variants with :meth:`with_`."""

    base: str = field(default_factory=lambda: _normalise_base(os.environ.get("RESGRAPH_BASE", DEFAULT_BASE)))
    data_dir: Path = field(default_factory=lambda: Path(os.environ.get("RESGRAPH_DATA", PROJECT_ROOT / "data")))
    store_dir: Path | None = None
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    queries_dir: Path = PROJECT_ROOT / "queries"

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", _normalise_base(self.base))
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.store_dir is None:
            env = os.environ.get("RESGRAPH_STORE")
            object.__setattr__(self, "store_dir", Path(env) if env else self.data_dir / "store")
        else:
            object.__setattr__(self, "store_dir", Path(self.store_dir))

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "sources"

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
