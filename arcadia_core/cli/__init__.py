"""The `arcadia` command line, on Click (the TUI package adds `tui` and `demo`).

Nothing is imported here: `arcadia --version` and the per-tool-call commands must start
without SQLAlchemy, and each command module is loaded only when its command runs
(`arcadia_core.cli.registry.CORE_COMMANDS`). The entry point is `arcadia_core.cli.main.main`.
"""
