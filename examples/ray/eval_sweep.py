#!/usr/bin/env python3
"""A seed sweep of attention-market-v0 evaluation cells as Ray tasks.

Every cell is (goal policy, user policy, block of seeds): it plays its episodes through
buddy_gym's vector env, in a buddy-gym server of its own (a Node.js child of the Ray worker
that runs it), and returns each episode's figures; the driver gathers the table. Episode e of
a block is seeded with the block's seed + e, and the policies' random draws with the cell, so
a cell gives the same numbers wherever it runs: the same cells in one process without Ray
(--no-ray) give the same table, bit for bit (--check runs both and compares).

    python examples/ray/eval_sweep.py                  # a local Ray instance on this machine
    python examples/ray/eval_sweep.py --address auto   # the Ray cluster this machine is part of
    python examples/ray/eval_sweep.py --no-ray         # one process, no Ray
    python examples/ray/eval_sweep.py --check          # both, compared

Needs buddy_gym (pip install ./python from the npm package) and Node.js on every node.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

import buddy_gym

ENV = "attention-market-v0"


# Goal policies: rows [B, G, obs_size] -> creations [B, G, M*D] in [-1, 1].
def honest(vec, rows, rng):
    g = rows[:, :, vec.roles[0].observation_slice("grounded")]
    return np.repeat(g, vec.options["creationsPerGoal"], axis=1).reshape(rows.shape[0], rows.shape[1], -1)


def noisy(vec, rows, rng):
    e = honest(vec, rows, rng)
    return np.clip(e + 0.1 * rng.standard_normal(e.shape), -1, 1)


def toward_signal(vec, rows, rng):
    """Every creation halfway from the grounded truth toward where attention went last round."""
    g = rows[:, :, vec.roles[0].observation_slice("grounded")]
    signal = rows[:, :, vec.roles[0].observation_slice("signal")]
    e = np.clip(g + 0.5 * (signal - g), -1, 1)
    return np.repeat(e, vec.options["creationsPerGoal"], axis=1).reshape(rows.shape[0], rows.shape[1], -1)


# User policies: rows [B, U, obs_size] -> N distinct pool indices [B, U, N].
def greedy(vec, rows, rng):
    o = vec.options
    P, D, N = o["goals"] * o["creationsPerGoal"], o["dim"], o["slots"]
    pool = rows[:, :, vec.roles[1].observation_slice("pool")].reshape(rows.shape[0], rows.shape[1], P, D)
    scores = np.einsum("bupd,bud->bup", pool, rows[:, :, vec.roles[1].observation_slice("estimate")])
    return np.argsort(-scores, axis=-1, kind="stable")[..., :N]


def random_user(vec, rows, rng):
    o = vec.options
    P = o["goals"] * o["creationsPerGoal"]
    return np.argsort(rng.random((rows.shape[0], rows.shape[1], P)), axis=-1)[..., : o["slots"]]


GOALS = {"honest": honest, "noisy": noisy, "toward-signal": toward_signal}
USERS = {"greedy": greedy, "random": random_user}


def play_cell(goal: str, user: str, seed: int, episodes: int, options: dict) -> dict:
    """`episodes` episodes (seeds seed .. seed + episodes - 1) of one goal policy against one user
    policy, batched in one vector env; each episode's mean regret and rewards per round."""
    rng = np.random.default_rng([seed, list(GOALS).index(goal), list(USERS).index(user)])
    with buddy_gym.vector_env(ENV, episodes, autoreset="disabled", **options) as vec:
        rounds = vec.options["rounds"]
        regret = vec.metric_names.index("meanRegret")
        totals = np.zeros((3, episodes))  # regret, goal reward, user reward
        rows = vec.reset(seed=seed)
        for _ in range(rounds):
            rows = vec.step(GOALS[goal](vec, rows[0], rng)).observations
            step = vec.step(USERS[user](vec, rows[1], rng))
            rows = step.observations
            totals += [step.metrics[:, regret], step.rewards[0].mean(1), step.rewards[1].mean(1)]
        assert step.truncations.all()
    per_round = totals / rounds
    return {"goal": goal, "user": user, "seed": seed, "regret": per_round[0].tolist(), "goalReward": per_round[1].tolist(), "userReward": per_round[2].tolist()}


def cells(blocks: int, episodes: int, seed: int) -> list[tuple[str, str, int]]:
    return [(g, u, seed + b * episodes) for g in GOALS for u in USERS for b in range(blocks)]


def run_local(todo, episodes: int, options: dict) -> list[dict]:
    return [play_cell(g, u, s, episodes, options) for g, u, s in todo]


def run_ray(todo, episodes: int, options: dict, address: str | None) -> list[dict]:
    import ray

    # The workers import this file from its folder, shipped to every node by Ray.
    ray.init(address=address, include_dashboard=False, log_to_driver=False, runtime_env={"working_dir": str(Path(__file__).resolve().parent)})
    try:
        task = ray.remote(num_cpus=1)(play_cell)  # one node child per task
        return ray.get([task.remote(g, u, s, episodes, options) for g, u, s in todo])
    finally:
        ray.shutdown()


def table(results: list[dict]) -> dict:
    """Per (goal, user): each figure's mean over episodes and its 95% half-width (1.96 s / sqrt(n))."""
    out: dict = {}
    for r in results:
        cell = out.setdefault(f"{r['goal']} vs {r['user']}", {"regret": [], "goalReward": [], "userReward": []})
        for k in cell:
            cell[k] += r[k]
    for cell in out.values():
        for k, xs in cell.items():
            x = np.asarray(xs)
            cell[k] = {"mean": float(x.mean()), "ci95": float(1.96 * x.std(ddof=1) / math.sqrt(x.size)), "n": int(x.size)}
    return out


def show(t: dict, how: str, seconds: float) -> None:
    print(f"{ENV}, {how}, {seconds:.1f} s")
    print(f"{'goals vs users':28s} {'regret per user per round':>28s} {'goal reward per round':>24s}")
    for name, c in t.items():
        print(f"{name:28s} {c['regret']['mean']:18.4f} ± {c['regret']['ci95']:.4f} {c['goalReward']['mean']:14.4f} ± {c['goalReward']['ci95']:.4f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--address", default=None, help="Ray cluster address (auto: the cluster this machine is part of); default a local Ray instance")
    ap.add_argument("--no-ray", action="store_true", help="play every cell in this process")
    ap.add_argument("--check", action="store_true", help="play the sweep with Ray and without, and compare")
    ap.add_argument("--blocks", type=int, default=4, help="seed blocks per (goal, user) pair: Ray tasks = 6 x blocks")
    ap.add_argument("--episodes", type=int, default=32, help="episodes per block (the copies of one vector env)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--option", action="append", default=[], metavar="KEY=JSON", help="an env option, e.g. --option rounds=8")
    a = ap.parse_args()
    options = {k: json.loads(v) for k, v in (o.split("=", 1) for o in a.option)}
    todo = cells(a.blocks, a.episodes, a.seed)
    runs = {}
    if a.no_ray or a.check:
        t0 = time.perf_counter()
        runs["one process"] = run_local(todo, a.episodes, options)
        show(table(runs["one process"]), f"{len(todo)} cells in one process", time.perf_counter() - t0)
    if not a.no_ray:
        t0 = time.perf_counter()
        runs["Ray"] = run_ray(todo, a.episodes, options, a.address)
        show(table(runs["Ray"]), f"{len(todo)} cells as Ray tasks", time.perf_counter() - t0)
    if a.check:
        same = runs["Ray"] == runs["one process"]  # every episode's figures, as exact floats
        print(f"Ray and one process: {'the same' if same else 'DIFFERENT'} ({len(todo)} cells, {len(todo) * a.episodes} episodes, every figure compared exactly)")
        if not same:
            return 1
    print(json.dumps({k: table(v) for k, v in runs.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
