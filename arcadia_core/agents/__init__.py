"""Adapters between real agents (Claude Code, the Claude Agent SDK, ...) and the gate.

Nothing here is imported eagerly: a hook process loads only the adapter it runs.
"""
