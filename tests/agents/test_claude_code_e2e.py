"""End to end: the real Claude Code CLI with Arcadia's real hook (`arcadia hook claude-code`)
installed in the temp project's `.claude/settings.json`, against the scripted model."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from arcadia_core.agents.claude_code_install import install
from tests.agents.anthropic_server import AnthropicServer
from tests.agents.claude import Claude, ClaudeProject
from tests.agents.model_server import bash, say, use

pytestmark = pytest.mark.agents

ARCADIA = Path(sys.executable).parent / "arcadia"
ENV = {"ARCADIA_USER": "e2e-tester"}


def arcadia(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ARCADIA), *args], capture_output=True, text=True, timeout=60)


def pending(project: ClaudeProject) -> list[dict[str, Any]]:
    if not (project.dir / ".arcadia" / "project.db").exists():
        return []  # nothing recorded yet
    out = arcadia("pending", "--json", "--project-dir", str(project.dir))
    assert out.returncode == 0, out
    return json.loads(out.stdout or "[]")


def wait_for_point(project: ClaudeProject, process: Any, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        points = pending(project)
        if points:
            return points[0]
        assert process.running, process._finish().describe()
        time.sleep(0.3)
    raise AssertionError(f"no pending point within {timeout} s")


def installed(project: ClaudeProject) -> None:
    install(project.dir, executable=ARCADIA, blocking_timeout=120)


def test_allowed_echo_runs_without_a_point(
    claude: Claude, anthropic_server: AnthropicServer, claude_project: ClaudeProject
) -> None:
    installed(claude_project)
    result = claude.run("say hi", [use(bash("echo hi")), say("done")], env=ENV, timeout=90).check()
    assert result.result == "done"
    tool_result = anthropic_server.tool_result("toolu_00_00")
    assert (tool_result.text, tool_result.is_error) == ("hi", False)
    assert (claude_project.dir / ".arcadia" / "project.db").exists(), "the hook recorded nothing"
    assert pending(claude_project) == []


@pytest.mark.parametrize("answer", ["Allow", "Deny"])
def test_risky_rm_waits_for_an_answer(
    answer: str, claude: Claude, anthropic_server: AnthropicServer, claude_project: ClaudeProject
) -> None:
    installed(claude_project)
    build = claude_project.dir / "build"
    build.mkdir()
    (build / "x.o").write_text("obj")
    process = claude.start(
        "clean", [use(bash("rm -rf build")), say("cleaned")], env=ENV, timeout=120
    )
    with process:
        point = wait_for_point(claude_project, process)
        text = json.dumps(point)
        assert "rm -rf build" in text, point
        point_id = str(point.get("id", point.get("point_id")))
        out = arcadia("respond", point_id, answer, "--project-dir", str(claude_project.dir))
        assert out.returncode == 0, out
        result = process.wait(timeout=90).check()
    assert result.result == "cleaned"
    tool_result = anthropic_server.tool_result("toolu_00_00")
    if answer == "Allow":
        assert not build.exists()
        assert not tool_result.is_error
    else:
        assert build.exists()
        assert tool_result.is_error
        assert "den" in tool_result.text.lower(), tool_result.text
