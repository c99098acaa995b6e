"""A simulated coding agent that uses `arcadia_core` exactly as a real agent would.

It works through plausible tasks ("Add rate limiting to the API", ...) with sessions, events,
risk assessments, autonomy checks, escalations and questions that block until answered, and
reacts to the answers. `arcadia simulate` runs it; `arcadia demo` runs it under the TUI.
"""

from __future__ import annotations

from arcadia_core.simulator.responder import CANCEL as CANCEL
from arcadia_core.simulator.responder import AutoResponder as AutoResponder
from arcadia_core.simulator.responder import DemoPolicy as DemoPolicy
from arcadia_core.simulator.responder import Policy as Policy
from arcadia_core.simulator.runner import SimulatorOptions as SimulatorOptions
from arcadia_core.simulator.runner import run_until_stopped as run_until_stopped
from arcadia_core.simulator.runner import simulate as simulate
from arcadia_core.simulator.tasks import TASKS as TASKS
