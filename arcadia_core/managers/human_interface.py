"""ArcadiaForge's import path of the human interface; it lives in `managers.injection`."""

from __future__ import annotations

from arcadia_core.managers.injection.manager import *  # noqa: F403
from arcadia_core.managers.injection.manager import __all__ as __all__
