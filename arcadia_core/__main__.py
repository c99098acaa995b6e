"""`python -m arcadia_core`: the headless command line (no `tui` or `demo`)."""

from __future__ import annotations

import sys

from arcadia_core.cli.main import main

sys.exit(main())
