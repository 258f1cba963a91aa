"""buddy-gym's environments in Python: PettingZoo, Gymnasium and a batched vector env.

Each env runs in a ``buddy-gym serve`` Node.js child process (the npm package's own CLI) and is
driven over a small stepped protocol (docs/protocol.md in the npm package)::

    import buddy_gym
    env = buddy_gym.parallel_env("attention-market-v0", users=2, goals=4)   # pettingzoo.ParallelEnv
    vec = buddy_gym.vector_env("attention-market-v0", num_envs=256)          # B copies over numpy arrays
    gym = buddy_gym.single_agent_env("attention-market-v0", agent="user_0")  # gymnasium.Env, others played by baselines
"""

from .errors import (
    ActionError,
    BridgeError,
    BridgeTimeout,
    EnvClosed,
    EnvStateError,
    OptionError,
    ProtocolError,
    ServerError,
    ServerExited,
)
from .parallel import BuddyParallelEnv, parallel_env
from .single_agent import BuddySingleAgentEnv, single_agent_env
from .spaces import Subset
from .vector import BuddyVectorEnv, VectorStep, vector_env
from ._wire import PROTOCOL_VERSION

__version__ = "0.1.0"

__all__ = [
    "parallel_env",
    "vector_env",
    "single_agent_env",
    "BuddyParallelEnv",
    "BuddyVectorEnv",
    "BuddySingleAgentEnv",
    "VectorStep",
    "Subset",
    "BridgeError",
    "ServerError",
    "ActionError",
    "OptionError",
    "EnvStateError",
    "ProtocolError",
    "ServerExited",
    "BridgeTimeout",
    "EnvClosed",
    "PROTOCOL_VERSION",
]
