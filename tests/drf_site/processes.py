"""Settings are read once, at start-up: tests of start-up run Python afresh, in a subprocess."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    """`python *args` in the project's directory with the environment `env`, its output
    captured as text (e.g. `run_python("manage.py", "check", env=...)`)."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
