"""Reading ArcadiaForge's old dot-directories into the database, and writing them back."""

from __future__ import annotations

from arcadia_core.legacy.exporter import export_legacy
from arcadia_core.legacy.importer import import_legacy
from arcadia_core.legacy.report import Counts, ImportReport, Rejection

__all__ = ["Counts", "ImportReport", "Rejection", "export_legacy", "import_legacy"]
