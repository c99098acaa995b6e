"""Entry point of benchmark child processes: `python -m bench.child module:function JSON`."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys


def main() -> None:
    role, raw = sys.argv[1], sys.argv[2]
    module_name, _, function_name = role.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    kwargs = json.loads(raw)
    if inspect.iscoroutinefunction(function):
        asyncio.run(function(**kwargs))
    else:
        function(**kwargs)


if __name__ == "__main__":
    main()
