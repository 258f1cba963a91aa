"""The bridge's own behaviour: spaces, errors that name the problem and change nothing, the
vector and single-agent envs, and failures that end in a clear exception, never a hang."""

from __future__ import annotations

import time
import unittest
import warnings

import gymnasium
import msgpack
import numpy as np
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test

import buddy_gym
from buddy_gym import ActionError, BridgeTimeout, EnvClosed, EnvStateError, OptionError, ProtocolError, ServerExited

from .support import FAKE, tcp_server

SMALL = dict(users=2, goals=3, rounds=4)


def play(env, seed: int, actions_rng: np.random.Generator, bad=None):
    """One episode with random actions (the acting agents'); `bad(env, actions)` may try bad
    steps first. Returns every observation, reward and info seen."""
    seen = []
    obs, infos = env.reset(seed=seed)
    seen.append((obs, infos))
    while env.agents:
        actions = {a: _sample(env.action_space(a), actions_rng) for a in env.acting_agents}
        if bad is not None:
            bad(env, actions)
        seen.append(env.step(actions))
    return seen


def _sample(space, rng):
    if isinstance(space, buddy_gym.Subset):
        return rng.choice(space.n, size=space.k, replace=False)
    return rng.uniform(space.low, space.high).astype(np.float32)


def assert_same(test: unittest.TestCase, a, b, where=""):
    if isinstance(a, dict):
        test.assertEqual(list(a), list(b), where)
        for k in a:
            assert_same(test, a[k], b[k], f"{where}/{k}")
    elif isinstance(a, (list, tuple)):
        test.assertEqual(len(a), len(b), where)
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(test, x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        test.assertEqual((a.dtype, a.shape), (b.dtype, b.shape), where)
        test.assertEqual(a.tobytes(), b.tobytes(), where)
    else:
        test.assertEqual(type(a), type(b), where)
        test.assertEqual(a, b, where)


class Spaces(unittest.TestCase):
    def test_spaces_are_gymnasium_spaces_returned_by_identity_and_hold_every_observation(self):
        env = buddy_gym.parallel_env("attention-market-v0", **SMALL)
        self.addCleanup(env.close)
        self.assertEqual(env.options["users"], 2)
        self.assertEqual(env.options["dim"], 16)  # defaults filled in
        user = env.observation_space("user_0")
        self.assertIs(user, env.observation_space("user_0"))
        self.assertIsNot(user, env.observation_space("user_1"))  # each agent its own random stream
        self.assertEqual(list(user.spaces), ["pool", "owners", "estimate", "lastSelection", "lastFeedback", "progress"])
        self.assertEqual(user["pool"], gymnasium.spaces.Box(-1, 1, (6, 16), np.float32))
        self.assertEqual(user["owners"], gymnasium.spaces.MultiDiscrete([3] * 6))
        self.assertEqual(env.action_space("user_0"), buddy_gym.Subset(6, 3))
        self.assertEqual(env.action_space("goal_0"), gymnasium.spaces.Box(-1, 1, (2, 16), np.float32))
        for step in play(env, 3, np.random.default_rng(0)):
            for agent, o in step[0].items():
                self.assertIn(o, env.observation_space(agent), agent)

    def test_flatten_gives_the_flat_rows_in_a_box_and_the_same_values(self):
        flat = buddy_gym.parallel_env("trade-market-v0", flatten=True)
        nested = buddy_gym.parallel_env("trade-market-v0")
        self.addCleanup(flat.close)
        self.addCleanup(nested.close)
        a, _ = flat.reset(seed=2)
        b, _ = nested.reset(seed=2)
        for agent in flat.possible_agents:
            space = flat.observation_space(agent)
            self.assertIsInstance(space, gymnasium.spaces.Box)
            self.assertIn(a[agent], space)
            parts = [np.asarray(v, np.float32).reshape(-1) for v in b[agent].values()] if isinstance(b[agent], dict) else [np.asarray(b[agent], np.float32).reshape(-1)]
            self.assertEqual(a[agent].tobytes(), np.concatenate(parts).tobytes(), agent)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parallel_api_test(flat, num_cycles=100)

    def test_subset_samples_distinct_indices_and_seeds(self):
        s = buddy_gym.Subset(5, 3, seed=1)
        t = buddy_gym.Subset(5, 3, seed=1)
        for _ in range(50):
            x = s.sample()
            self.assertIn(x, s)
            np.testing.assert_array_equal(x, t.sample())
        self.assertNotIn(np.array([1, 1, 2]), s)
        self.assertNotIn(np.array([0, 1, 5]), s)
        self.assertNotIn(np.array([0.0, 1.0, 2.0]), s)


class Errors(unittest.TestCase):
    def test_a_bad_option_is_an_option_error_naming_it(self):
        with self.assertRaises(OptionError) as e:
            buddy_gym.parallel_env("attention-market-v0", users=0)
        self.assertRegex(str(e.exception), r'option "users" = 0 is not allowed: must be an integer in \[1, 1024\]')
        with self.assertRaises(OptionError) as e:
            buddy_gym.parallel_env("no-such-v0")
        self.assertRegex(str(e.exception), r'unknown env id "no-such-v0"; registered ids: attention-market-v0')
        with self.assertRaises(OptionError) as e:
            buddy_gym.parallel_env("trade-market-v0", preset="nope")
        self.assertRegex(str(e.exception), r'no preset "nope"; its presets are one-good')

    def test_bad_actions_name_the_agent_and_change_nothing(self):
        tried = []

        def bad(env, actions):
            acting = env.acting_agents
            first = acting[0]
            kinds = {
                "missing": {a: v for a, v in actions.items() if a != first},
                "unknown": {**actions, "user_9": actions[first]},
                "wrong shape": {**actions, first: np.zeros(5)},
            }
            if first.startswith("user"):
                kinds["out of range"] = {**actions, first: np.array([0, 1, 99])}
                kinds["duplicate"] = {**actions, first: np.array([2, 2, 1])}
                kinds["fractional"] = {**actions, first: np.array([0.5, 1, 2])}
            else:
                kinds["NaN"] = {**actions, first: np.full((2, 16), np.nan, np.float32)}
                kinds["out of the box"] = {**actions, first: np.full((2, 16), 2.0, np.float32)}
            for kind, wrong in kinds.items():
                with self.assertRaises(ActionError, msg=kind) as e:
                    env.step(wrong)
                self.assertIn("attention-market-v0: action of agent", str(e.exception), kind)
                tried.append(kind)

        clean = buddy_gym.parallel_env("attention-market-v0", **SMALL)
        dirty = buddy_gym.parallel_env("attention-market-v0", **SMALL)
        self.addCleanup(clean.close)
        self.addCleanup(dirty.close)
        a = play(clean, 5, np.random.default_rng(1))
        b = play(dirty, 5, np.random.default_rng(1), bad)
        assert_same(self, a, b)
        self.assertEqual(set(tried), {"missing", "unknown", "wrong shape", "out of range", "duplicate", "fractional", "NaN", "out of the box"})
        # The server's words for its own checks, with the agent named.
        with self.assertRaises(ActionError) as e:
            dirty.reset(seed=0)
            dirty.step({a: _sample(dirty.action_space(a), np.random.default_rng(0)) for a in dirty.acting_agents})
            dirty.step({"user_0": np.array([0, 0, 1]), "user_1": np.array([0, 1, 2])})
        self.assertEqual(e.exception.agent, "user_0 of copy 0")
        self.assertRegex(str(e.exception), r"index 0 appears twice \(positions 0 and 1\)")

    def test_step_before_reset_and_after_the_end_are_env_state_errors(self):
        env = buddy_gym.parallel_env("consensus-game-v0")
        self.addCleanup(env.close)
        with self.assertRaisesRegex(EnvStateError, r"step\(\) before reset\(\)"):
            env.step({})
        env.reset(seed=0)
        while env.agents:
            env.step({a: env.action_space(a).sample() for a in env.agents})
        with self.assertRaisesRegex(EnvStateError, r"after the episode ended; call reset\(\) first"):
            env.step({})

    def test_reset_options_reach_the_env_and_others_are_dropped_with_a_warning(self):
        env = buddy_gym.parallel_env("attention-market-v0", **SMALL)
        self.addCleanup(env.close)
        prefs = np.eye(16)[:2]
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            obs, _ = env.reset(seed=1, options={"preferences": prefs, "options": 1})
        self.assertEqual([str(x.message) for x in w], ["attention-market-v0: reset option(s) 'options' ignored; the env's reset options are: grounded, preferences"])
        with self.assertRaisesRegex(OptionError, r'"preferences" = .* must be 2 vectors of 16 finite numbers'):
            env.reset(seed=1, options={"preferences": [[1.0]]})
        with self.assertRaisesRegex(ValueError, r"seed must be None or an integer in \[0, 2\*\*53 - 1\], got -1"):
            env.reset(seed=-1)

    def test_closing_twice_is_harmless_and_using_a_closed_env_raises(self):
        env = buddy_gym.parallel_env("attention-market-v0", **SMALL)
        proc = env._conn._t.proc
        env.reset(seed=0)
        env.close()
        env.close()
        self.assertEqual(proc.wait(timeout=10), 0)
        with self.assertRaisesRegex(EnvClosed, "is closed"):
            env.reset(seed=0)

    def test_a_killed_server_is_a_clear_exception_not_a_hang(self):
        env = buddy_gym.parallel_env("attention-market-v0", **SMALL)
        env.reset(seed=0)
        env._conn._t.proc.kill()
        env._conn._t.proc.wait(timeout=10)
        start = time.monotonic()
        with self.assertRaisesRegex(ServerExited, r"the buddy-gym server \(pid \d+\) was killed by signal 9 during 'step'"):
            env.step({a: env.action_space(a).sample() for a in env.agents})
        self.assertLess(time.monotonic() - start, 10)
        with self.assertRaises(EnvClosed):
            env.reset(seed=0)
        env.close()  # still harmless

    def test_garbage_sent_to_the_server_is_refused_and_the_env_goes_on(self):
        env = buddy_gym.parallel_env("attention-market-v0", **SMALL)
        self.addCleanup(env.close)
        env.reset(seed=0)
        with self.assertRaisesRegex(ProtocolError, r"the frame is not valid msgpack"):
            env._conn.exchange(b"\x03\x00\x00\x00\xc1\xc1\xc1", "garbage")
        with self.assertRaisesRegex(ProtocolError, r'"op" must be one of "hello", "reset", "step", "close", got the integer 7'):
            env._conn.exchange(b"\x05\x00\x00\x00" + msgpack.packb({"op": 7}), "garbage")
        env.step({a: env.action_space(a).sample() for a in env.acting_agents})  # still fine
        proc = env._conn._t.proc
        # A length prefix beyond the limit cannot be resynchronised: the server says so and exits 1.
        with self.assertRaisesRegex(ProtocolError, r"frame length 2147483647 is outside \[1, 67108864\]"):
            env._conn.exchange(b"\xff\xff\xff\x7f", "garbage")
        self.assertEqual(proc.wait(timeout=10), 1)
        with self.assertRaises(EnvClosed):
            env.step({})

    def test_garbage_from_the_server_is_a_protocol_error(self):
        start = time.monotonic()
        with self.assertRaisesRegex(ProtocolError, r"frame length of 1684305250 bytes \(the first bytes: 'budd'\).*is it a buddy-gym server\?"):
            buddy_gym.parallel_env("attention-market-v0", cli=FAKE / "prints-text.js")
        self.assertLess(time.monotonic() - start, 20)

    def test_a_server_that_never_answers_times_out(self):
        start = time.monotonic()
        with self.assertRaisesRegex(BridgeTimeout, r"did not answer 'hello' in time; it has been stopped"):
            buddy_gym.parallel_env("attention-market-v0", cli=FAKE / "silent.js", startup_timeout=1.5)
        self.assertLess(time.monotonic() - start, 10)


class VectorEnv(unittest.TestCase):
    def test_copy_b_equals_a_parallel_env_seeded_seed_plus_b(self):
        B = 3
        vec = buddy_gym.vector_env("attention-market-v0", B, autoreset="disabled", **SMALL)
        singles = [buddy_gym.parallel_env("attention-market-v0", **SMALL) for _ in range(B)]
        self.addCleanup(vec.close)
        for s in singles:
            self.addCleanup(s.close)
        rows = vec.reset(seed=20)
        obs = [s.reset(seed=20 + b)[0] for b, s in enumerate(singles)]
        rng = np.random.default_rng(2)
        for t in range(2 * SMALL["rounds"]):
            for b in range(B):
                for r, role in enumerate(vec.roles):
                    for i, agent in enumerate(role.agents):
                        assert_same(self, role.decode(rows[r][b, i]), obs[b][agent], f"t={t} copy {b} {agent}")
            actions = vec.random_actions(rng)
            step = vec.step(actions)
            rows = step.observations
            for b, s in enumerate(singles):
                acting = vec.roles[vec.phase_roles[step.played_phase]]
                o, rew, term, trunc, _ = s.step({a: actions[b, i] for i, a in enumerate(acting.agents)})
                obs[b] = o
                for r, role in enumerate(vec.roles):
                    self.assertEqual(step.rewards[r][b].tolist(), [rew[a] for a in role.agents])
                self.assertEqual(bool(step.truncations[b]), trunc["user_0"])
        self.assertTrue(step.truncations.all() and step.round_end)

    def test_a_batched_step_with_the_wrong_shape_names_it(self):
        vec = buddy_gym.vector_env("attention-market-v0", 4, **SMALL)
        self.addCleanup(vec.close)
        vec.reset(seed=0)
        with self.assertRaisesRegex(ActionError, r"needs the goal role's actions, shape \(4, 3, 32\), got shape \(4, 3\)"):
            vec.step(np.zeros((4, 3)))
        vec.step(vec.random_actions(np.random.default_rng(0)))
        with self.assertRaisesRegex(ActionError, r"the user role's actions must be integers \(int32\)"):
            vec.step(np.full((4, 2, 3), 0.5))
        with self.assertRaisesRegex(ActionError, r"the user role's actions must fit in int32"):
            vec.step(np.full((4, 2, 3), 2**32, np.int64))
        with self.assertRaisesRegex(ActionError, r'action of agent "user_1 of copy 3": index \[0\] = 6 is out of range \[0, 5\]'):
            bad = np.tile(np.arange(3, dtype=np.int32), (4, 2, 1))
            bad[3, 1, 0] = 6
            vec.step(bad)
        self.assertEqual(vec.step(np.tile(np.arange(3, dtype=np.int32), (4, 2, 1))).played_phase, 1)  # unchanged: still the user phase


class SingleAgent(unittest.TestCase):
    def test_gymnasium_check_env_passes_for_a_user_and_a_goal(self):
        for agent in ("user_0", "goal_1"):
            env = buddy_gym.single_agent_env("attention-market-v0", agent, baselines={"goal": "honest"}, **SMALL)
            self.addCleanup(env.close)
            self.assertEqual(env.baselines, {"goal": "honest", "user": "greedy"})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # check_env warns that Subset is not a standard space
                check_env(env, skip_render_check=True)

    def test_an_episode_has_one_step_per_round_and_rewards_are_the_agents(self):
        env = buddy_gym.single_agent_env("attention-market-v0", "user_0", **SMALL)
        self.addCleanup(env.close)
        obs, info = env.reset(seed=4)
        self.assertIn(obs, env.observation_space)
        steps, done = 0, False
        while not done:
            obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
            steps += 1
            done = terminated or truncated
            self.assertLessEqual(reward, 0.0)  # minus the user's regret
        self.assertEqual(steps, SMALL["rounds"])
        with self.assertRaisesRegex(ActionError, r"action of agent 'user_0': expected 3 integers"):
            env.reset(seed=0)
            env.step(np.array([1, 2]))


class Tcp(unittest.TestCase):
    def test_an_env_over_tcp_plays_like_a_spawned_one(self):
        with tcp_server("trade-market-v0", "--num-envs", "1", "--autoreset", "disabled") as address:
            remote = buddy_gym.parallel_env("trade-market-v0", address=address)
            local = buddy_gym.parallel_env("trade-market-v0")
            try:
                assert_same(self, play(remote, 7, np.random.default_rng(3)), play(local, 7, np.random.default_rng(3)))
            finally:
                remote.close()
                local.close()
            with self.assertRaisesRegex(buddy_gym.BridgeError, "serves trade-market-v0, not attention-market-v0"):
                buddy_gym.parallel_env("attention-market-v0", address=address)


if __name__ == "__main__":
    unittest.main()
