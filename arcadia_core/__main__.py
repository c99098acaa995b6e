"""`python -m arcadia_core`: the headless command line."""

from __future__ import annotations

import sys

from arcadia_core.cli import main

sys.exit(main())
