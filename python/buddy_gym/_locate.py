"""Where the buddy-gym CLI and Node.js are: the Python package runs ``node <cli> serve ...``."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .errors import BridgeError

_HERE = Path(__file__).resolve().parent
_CLI = Path("bin") / "buddy-gym.js"


def _candidates() -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    env = os.environ.get("BUDDY_GYM_CLI")
    if env:
        found.append(("BUDDY_GYM_CLI", Path(env)))
    # Imported from the npm package itself (a clone, node_modules/buddy-gym, or an editable install).
    found.append(("the npm package around this Python package", _HERE.parent.parent / _CLI))
    # Installed with pip from the npm package: setup.py recorded where that was.
    origin = _HERE / "_origin.json"
    if origin.is_file():
        try:
            found.append(("the npm package pip installed this from", Path(json.loads(origin.read_text())["npm_package"]) / _CLI))
        except (ValueError, KeyError, OSError):
            pass
    # A project with buddy-gym in its node_modules, at or above the working directory.
    for folder in [Path.cwd(), *Path.cwd().parents]:
        found.append((f"node_modules of {folder}", folder / "node_modules" / "buddy-gym" / _CLI))
    return found


def find_cli(cli: str | os.PathLike | None = None) -> Path:
    """The buddy-gym CLI script (bin/buddy-gym.js): ``cli`` if given, else the first that exists of
    $BUDDY_GYM_CLI, the npm package this Python package sits in or was installed from, and
    node_modules/buddy-gym at or above the working directory."""
    if cli is not None:
        path = Path(cli)
        if not path.is_file():
            raise BridgeError(f"cli={str(cli)!r} is not a file; give the path of buddy-gym's bin/buddy-gym.js")
        return path
    tried = _candidates()
    for _, path in tried:
        if path.is_file():
            return path
    lines = "\n".join(f"  {path} ({why})" for why, path in tried[:4])
    raise BridgeError(
        "cannot find the buddy-gym CLI (bin/buddy-gym.js); looked at\n"
        f"{lines}\n  and node_modules/buddy-gym in the working directory and its parents.\n"
        "Install the npm package (npm install buddy-gym) and this package from it "
        "(pip install ./node_modules/buddy-gym/python), or set BUDDY_GYM_CLI to bin/buddy-gym.js."
    )


def find_node(node: str | os.PathLike | None = None) -> str:
    """The Node.js executable: ``node`` if given, else $BUDDY_GYM_NODE, else ``node`` on PATH."""
    chosen = str(node) if node is not None else os.environ.get("BUDDY_GYM_NODE") or shutil.which("node")
    if not chosen or (os.sep in chosen and not os.path.isfile(chosen)):
        raise BridgeError(
            "cannot find Node.js (>= 20), which runs the buddy-gym server: put node on PATH, "
            "or set BUDDY_GYM_NODE to its path"
        )
    return chosen
