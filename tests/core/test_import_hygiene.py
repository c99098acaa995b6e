"""`arcadia_core` must never pull in Textual."""

from __future__ import annotations

import subprocess
import sys


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys, pkgutil, importlib, arcadia_core\n"
        "for module in pkgutil.walk_packages(arcadia_core.__path__, 'arcadia_core.'):\n"
        "    if '.migrations' in module.name or module.name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(module.name)\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
        "assert 'rich' not in sys.modules, 'rich imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
