#!/usr/bin/env python3
"""The Python bridge's speed: attention-market-v0 rounds/s through buddy_gym (PettingZoo env,
one round = two steps; and the batched vector env), next to the pure-Python PettingZoo
implementation of the same game (the peer in ../shared/peer, a measuring stick only).

Policies everywhere are the peer benchmark's: goals emit g + N(0, 0.1^2) per creation
(clipped to the action box [-1, 1], which the peer's unbounded box does not need), users take
the top N of the pool by q . e. Each figure is the median rounds/s over `--reps` chunks (one
episode each, after one warm-up chunk). The figures' chunks are interleaved (one chunk of each
in turn, `--reps` times), so that a change in the machine's load touches all of them alike
and their ratios stay fair. The last stdout line is one JSON object.

    python bench/bridge.py [--reps 5] [--batches 64,256,1024] [--peer ../shared/peer]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
import buddy_gym  # noqa: E402

GOAL_NOISE = 0.1
ID = "attention-market-v0"


def rates(chunks: dict, reps: int) -> dict:
    """chunks: name -> chunk(), which plays some rounds and returns how many. Each runs once to
    warm up, then reps times in turn with the others; the median rounds/s and [min, max] of each."""
    for chunk in chunks.values():
        chunk()
    samples: dict = {name: [] for name in chunks}
    for _ in range(reps):
        for name, chunk in chunks.items():
            t0 = time.perf_counter()
            n = chunk()
            samples[name].append(n / (time.perf_counter() - t0))
    return {name: (round(statistics.median(xs), 1), [round(min(xs), 1), round(max(xs), 1)]) for name, xs in samples.items()}


def parallel_chunk():
    env = buddy_gym.parallel_env(ID)
    rng = np.random.default_rng(1)
    T, M, N = env.options["rounds"], env.options["creationsPerGoal"], env.options["slots"]
    goals = [a for a in env.possible_agents if a.startswith("goal")]
    users = [a for a in env.possible_agents if a.startswith("user")]
    env.reset(seed=0)

    def chunk():
        obs, _ = env.reset()
        while env.agents:
            obs, *_ = env.step({a: np.clip(obs[a]["grounded"] + GOAL_NOISE * rng.standard_normal((M, obs[a]["grounded"].shape[0])), -1, 1) for a in goals})
            obs, *_ = env.step({a: np.argsort(-(obs[a]["pool"] @ obs[a]["estimate"]), kind="stable")[:N] for a in users})
        return T

    return chunk, env.close


def vector_chunk(B: int):
    vec = buddy_gym.vector_env(ID, B, autoreset="disabled")
    rng = np.random.default_rng(1)
    o = vec.options
    T, G, U, M, N, D = o["rounds"], o["goals"], o["users"], o["creationsPerGoal"], o["slots"], o["dim"]
    P = G * M
    goal, user = vec.roles
    grounded, pool, estimate = goal.observation_slice("grounded"), user.observation_slice("pool"), user.observation_slice("estimate")
    vec.reset(seed=0)

    def chunk():
        rows = vec.reset()
        for _ in range(T):
            g = rows[0][:, :, grounded]  # [B, G, D]
            e = g[:, :, None, :] + GOAL_NOISE * rng.standard_normal((B, G, M, D))
            rows = vec.step(np.clip(e, -1, 1).reshape(B, G, M * D)).observations
            u = rows[1]
            scores = np.einsum("bupd,bud->bup", u[:, :, pool].reshape(B, U, P, D), u[:, :, estimate])
            rows = vec.step(np.argpartition(-scores, N - 1, axis=-1)[..., :N]).observations
        return B * T

    return chunk, vec.close


def peer_chunks(peer: Path, B: int):
    sys.path.insert(0, str(peer))
    from attention_market import AttentionMarketParallelEnv, NumpyBatchedMarket, Params, np_goal_policy, np_user_policy, pz_goal_policy, pz_user_policy

    p = Params()
    env, rng = AttentionMarketParallelEnv(p), np.random.default_rng(1)
    env.reset(seed=0)

    def chunk():
        obs, _ = env.reset()
        while env.agents:
            obs, *_ = env.step({a: pz_goal_policy(obs[a], rng, p.M) for a in env.goals})
            obs, *_ = env.step({a: pz_user_policy(obs[a], p.N) for a in env.users})
        return p.T

    batched = NumpyBatchedMarket(B, p, seed=0)

    def chunk_numpy():
        obs = batched.reset()
        for _ in range(p.T):
            obs = batched.step_goals(np_goal_policy(obs, rng, p.M))
            obs, *_ = batched.step_users(np_user_policy(obs, p.N))
        return B * p.T

    return chunk, chunk_numpy


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--batches", default="64,256,1024")
    ap.add_argument("--peer", type=Path, default=None, help="folder of the peer's attention_market.py (../shared/peer)")
    a = ap.parse_args()
    batches = [int(b) for b in a.batches.split(",")]
    out: dict = {
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()[0]},
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "env": ID,
    }
    chunks, closers = {}, []
    chunks["parallel"], close = parallel_chunk()
    closers.append(close)
    for B in batches:
        chunks[str(B)], close = vector_chunk(B)
        closers.append(close)
    if a.peer is not None:
        chunks["peer"], chunks["peerNumpy"] = peer_chunks(a.peer, max(batches))
    try:
        r = rates(chunks, a.reps)
    finally:
        for close in closers:
            close()
    out["bridgeParallelRoundsPerSec"] = r["parallel"][0]
    print(f"bridge, parallel_env (PettingZoo API, 2 messages per round): {r['parallel'][0]:,.0f} rounds/s {r['parallel'][1]}", file=sys.stderr)
    out["bridgeVectorRoundsPerSec"] = {str(B): r[str(B)][0] for B in batches}
    for B in batches:
        print(f"bridge, vector_env B={B}: {r[str(B)][0]:,.0f} rounds/s {r[str(B)][1]}", file=sys.stderr)
    if a.peer is not None:
        pz, nb = r["peer"][0], r["peerNumpy"][0]
        out["peerPettingZooRoundsPerSec"] = pz
        out["peerNumpyBatchedRoundsPerSec"] = {str(max(batches)): nb}
        out["ratioToPeerPettingZoo"] = {"parallel": round(out["bridgeParallelRoundsPerSec"] / pz, 2), **{B: round(x / pz, 2) for B, x in out["bridgeVectorRoundsPerSec"].items()}}
        print(f"peer, pure-Python PettingZoo env: {pz:,.0f} rounds/s {r['peer'][1]}; peer NumPy batched B={max(batches)}: {nb:,.0f} rounds/s {r['peerNumpy'][1]}", file=sys.stderr)
    out["machine"]["loadAfter"] = os.getloadavg()[0]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
