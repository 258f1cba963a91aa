"""What can go wrong between Python and the buddy-gym server, as exceptions.

Every failure of the bridge or the server is a ``BridgeError`` (a wrong argument in Python,
such as a negative seed, is a plain ``ValueError``). The env refusing a request (a bad
action, a bad option, stepping a finished episode) is a ``ServerError`` that leaves the env as
it was; the others (the server died, did not answer in time, or spoke garbage) end the
connection, and the env is closed.
"""

from __future__ import annotations


class BridgeError(Exception):
    """Any failure of the buddy-gym bridge."""


class ServerError(BridgeError):
    """The server refused a request, naming why; the env is unchanged and still usable.

    ``type`` is the server's name for the problem (``ActionError``, ``OptionError``,
    ``EnvStateError``, ``ProtocolError``, ``ValueError``...).
    """

    def __init__(self, message: str, type: str = "ServerError", agent: str | None = None, option: str | None = None):
        super().__init__(message)
        self.type = type
        self.agent = agent
        self.option = option


class ActionError(ServerError, ValueError):
    """An action outside its agent's action space (or missing); names the agent."""


class OptionError(ServerError, ValueError):
    """An env option or reset option that is not allowed; names it and what is allowed."""


class EnvStateError(ServerError, RuntimeError):
    """A call the env cannot take now: step() before reset() or after the episode ended."""


class ProtocolError(BridgeError):
    """Bytes that are not the protocol: from the client (the server's complaint) or from the server."""


class ServerExited(BridgeError):
    """The server process ended (or the connection dropped) before answering."""


class BridgeTimeout(BridgeError, TimeoutError):
    """The server did not answer within the timeout; it has been stopped."""


class EnvClosed(BridgeError, RuntimeError):
    """The env was closed (by close(), or after the connection failed); make a new one."""


_BY_TYPE: dict[str, type[ServerError]] = {
    "ActionError": ActionError,
    "OptionError": OptionError,
    "EnvStateError": EnvStateError,
}


def server_error(body: dict) -> BridgeError:
    """The exception for an error reply's ``error`` map."""
    kind = str(body.get("type", "ServerError"))
    message = str(body.get("message", "(no message)"))
    if kind == "ProtocolError":
        return ProtocolError(f"the server refused the request: {message}")
    cls = _BY_TYPE.get(kind, ServerError)
    return cls(message, type=kind, agent=body.get("agent"), option=body.get("option"))
