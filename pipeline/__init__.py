"""resgraph: intergovernmental resolutions as linked data.

The import package is ``pipeline``: one module per stage (parse, map, reason,
validate, publish, serve), wired together by the thin :mod:`pipeline.cli`.
"""

__version__ = "0.1.0"
