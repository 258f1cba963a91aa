"""What the Python tests share: where the repository is, and the registered envs and presets."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import buddy_gym

ROOT = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).resolve().parent / "fake"
NODE = os.environ.get("BUDDY_GYM_NODE") or "node"


@lru_cache(maxsize=None)
def registered_ids() -> list[str]:
    """`buddy-gym list --json`: every registered env id."""
    out = subprocess.run([NODE, str(ROOT / "bin" / "buddy-gym.js"), "list", "--json"], capture_output=True, text=True, timeout=60, check=True)
    return [env["id"] for env in json.loads(out.stdout)]


@lru_cache(maxsize=None)
def configs() -> list[tuple[str, str | None]]:
    """(env id, preset or None) for every registered env, with its defaults and with each preset."""
    found: list[tuple[str, str | None]] = []
    for env_id in registered_ids():
        env = buddy_gym.parallel_env(env_id)
        found += [(env_id, None)] + [(env_id, p) for p in env.presets]
        env.close()
    return found


@contextlib.contextmanager
def tcp_server(env_id: str, *args: str) -> Iterator[tuple[str, int]]:
    """`buddy-gym serve <env_id> --port 0 <args>` for the duration of a with block: its address."""
    proc = subprocess.Popen([NODE, str(ROOT / "bin" / "buddy-gym.js"), "serve", env_id, "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()  # "listening on HOST:PORT", or nothing if it failed
        match = re.fullmatch(r"listening on (.+):(\d+)\n", line)
        if match is None:
            raise RuntimeError(f"buddy-gym serve {env_id} {' '.join(args)} did not start (exit code {proc.wait(timeout=30)})")
        yield match.group(1), int(match.group(2))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
