"""``resgraph validate --baseline FILE``: the content fingerprints of a saved report.

A saved report is what ``resgraph validate`` wrote before: ``--format json`` (a list of results,
each with its ``fingerprint``) or ``--format sarif`` (``partialFingerprints``).  A published
store generation is the other kind of baseline; it is opened by :mod:`pipeline.commands` and
located like the run itself (:mod:`.locate`).  Every problem is a :class:`BaselineError`, one line.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import sarif


class BaselineError(Exception):
    """The baseline cannot be read (one line for the user)."""


def file_fingerprints(path: Path) -> set[str]:
    """The fingerprints of a saved JSON report or SARIF log."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise BaselineError(f"cannot read baseline {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"baseline {path} is not UTF-8 text; give a report of resgraph validate "
                            "--format json or sarif") from None
    except ValueError as e:
        raise BaselineError(f"baseline {path} is not JSON ({e}); give a report of resgraph validate "
                            "--format json or sarif") from None
    if isinstance(data, list):
        if not all(isinstance(r, dict) for r in data):
            raise BaselineError(f"baseline {path} is not a report of resgraph validate --format json")
        fps = [r.get("fingerprint") for r in data]
        if data and not any(isinstance(f, str) for f in fps):
            raise BaselineError(f"baseline {path} has no fingerprints (written by an older resgraph?); "
                                "write it again with resgraph validate --format json")
        return {f for f in fps if isinstance(f, str)}
    fps = sarif.fingerprints(data)
    if fps is None:
        raise BaselineError(f"baseline {path} is neither a JSON report nor a SARIF log of resgraph validate")
    if not fps and any(run.get("results") for run in data["runs"] if isinstance(run, dict)):
        raise BaselineError(f"baseline {path} is a SARIF log without resgraph fingerprints")
    return set(fps)
