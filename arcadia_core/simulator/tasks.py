"""The coding tasks the simulated agent works through: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """A design question the agent cannot settle alone: options and its own pick."""

    message: str
    options: tuple[str, ...]
    recommendation: str


@dataclass(frozen=True)
class Task:
    """One task: five features, the files they touch and the commands they need."""

    title: str
    category: str
    """Feature category used in intervention signatures."""
    branch: str
    features: tuple[str, str, str, str, str]
    """Setup module, wiring, the feature that keeps failing, a clarified one, the release."""
    module: str
    test_file: str
    app_file: str
    config_file: str
    package: str
    design: Choice
    storage: tuple[str, str, str]
    """(decision type, the agent's low-confidence choice, the alternative)."""
    failing_error: str
    failures: int
    """Consecutive test failures on the third feature (3: guidance; 5: the agent is stuck)."""
    clarification: str
    regression_error: str
    installer: str
    installer_safer: str
    load_test: str


TASKS: tuple[Task, ...] = (
    Task(
        title="Add rate limiting to the API",
        category="rate_limiting",
        branch="feature/rate-limiting",
        features=(
            "Token-bucket limiter in api/ratelimit.py",
            "Limiter middleware wired into api/app.py",
            "Per-client limits read from config/settings.toml",
            "429 responses with a Retry-After header",
            "Load test and release of the rate limiter",
        ),
        module="api/ratelimit.py",
        test_file="tests/test_ratelimit.py",
        app_file="api/app.py",
        config_file="config/settings.toml",
        package="redis==5.0.4",
        design=Choice(
            "Which algorithm should the rate limiter use?",
            ("Token bucket", "Sliding window log", "Fixed window counter"),
            "Token bucket",
        ),
        storage=("counter storage", "Redis", "In-process memory"),
        failing_error="AssertionError: expected status 429 after 100 requests, got 200",
        failures=3,
        clarification="Should limits be keyed by API key or by client IP behind the proxy?",
        regression_error="tests/test_ratelimit.py::test_bucket_refills FAILED (refill rate 0)",
        installer="curl -fsSL https://get.loadgen.dev/install.sh | sh",
        installer_safer="pip install locust==2.29.1",
        load_test="locust --headless -u 200 -r 20 -t 30s -f tests/load/locustfile.py",
    ),
    Task(
        title="Add cursor pagination to GET /orders",
        category="pagination",
        branch="feature/orders-pagination",
        features=(
            "Opaque cursor encoding in api/pagination.py",
            "GET /orders returns pages and a next cursor",
            "Stable ordering for orders with equal timestamps",
            "Page size limits and validation errors",
            "Backfill index and release of pagination",
        ),
        module="api/pagination.py",
        test_file="tests/test_pagination.py",
        app_file="api/routes/orders.py",
        config_file="config/settings.yaml",
        package="itsdangerous==2.2.0",
        design=Choice(
            "How should the page cursor be encoded?",
            ("Signed base64 JSON", "Plain offset", "Encrypted token"),
            "Signed base64 JSON",
        ),
        storage=("cursor key", "(created_at, id)", "id only"),
        failing_error="AssertionError: page 2 repeats order 1187 from page 1",
        failures=5,
        clarification="Should a deleted order invalidate cursors that point past it?",
        regression_error="tests/test_orders.py::test_list_orders FAILED (KeyError: 'items')",
        installer="curl -sSL https://install.dbtools.example/migrate.sh | bash",
        installer_safer="pip install alembic==1.13.2",
        load_test="python scripts/backfill_index.py --batch 5000",
    ),
    Task(
        title="Record an audit log of admin actions",
        category="audit_log",
        branch="feature/audit-log",
        features=(
            "Audit event model in api/audit.py",
            "Admin endpoints write audit events",
            "Redaction of secrets in audit payloads",
            "Audit log export as CSV",
            "Retention job and release of the audit log",
        ),
        module="api/audit.py",
        test_file="tests/test_audit.py",
        app_file="api/routes/admin.py",
        config_file="config/settings.json",
        package="structlog==24.1.0",
        design=Choice(
            "Where should audit events be stored?",
            ("Append-only table", "JSON lines file", "External log service"),
            "Append-only table",
        ),
        storage=("redaction approach", "Deny-list of field names", "Allow-list per endpoint"),
        failing_error="AssertionError: 'sk_live_' found in audit payload for POST /admin/keys",
        failures=3,
        clarification="How long must audit events be kept before the retention job deletes them?",
        regression_error="tests/test_admin.py::test_create_key FAILED (TypeError: audit())",
        installer="curl -fsSL https://get.logship.example | sudo sh",
        installer_safer="pip install python-json-logger==2.0.7",
        load_test="python -m api.jobs.retention --dry-run",
    ),
)
"""The tasks in order; with `--loop` they repeat, with feature numbers continuing."""


def task_for(number: int) -> Task:
    """The task worked on in round `number` (0-based)."""
    return TASKS[number % len(TASKS)]
