"""The protocol's frames over a pipe or a socket, every wait bounded (docs/protocol.md)."""

from __future__ import annotations

import collections
import os
import selectors
import socket
import struct
import subprocess
import threading
import time
import weakref
from typing import Any

import msgpack

from .errors import BridgeError, BridgeTimeout, EnvClosed, OptionError, ProtocolError, ServerExited, server_error

PROTOCOL_VERSION = 1
#: Largest reply accepted: a length beyond it is garbage on the wire, not a frame.
MAX_REPLY_BYTES = 1 << 30
_LENGTH = struct.Struct("<I")


def _printable(data: bytes) -> str:
    return repr(data.decode("latin-1")) if all(32 <= b < 127 or b in (9, 10, 13) for b in data) else data.hex(" ")


class _Child:
    """The server as a child process: frames on its stdin/stdout, its stderr kept for error messages."""

    def __init__(self, argv: list[str]):
        self.what = "the buddy-gym server"
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        except OSError as e:
            raise BridgeError(f"cannot start {' '.join(argv[:3])} ...: {e}") from e
        self.what = f"the buddy-gym server (pid {self.proc.pid})"
        self.stderr: collections.deque[str] = collections.deque(maxlen=40)
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr), daemon=True).start()
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        for fd in (self._in, self._out):
            os.set_blocking(fd, False)
            try:  # Linux: 1 MiB pipes move a batched step's arrays in far fewer rounds of select.
                import fcntl

                fcntl.fcntl(fd, 1031, 1 << 20)  # F_SETPIPE_SZ
            except (ImportError, OSError):
                pass
        self._readable = selectors.DefaultSelector()
        self._readable.register(self._out, selectors.EVENT_READ)
        self._writable = selectors.DefaultSelector()
        self._writable.register(self._in, selectors.EVENT_WRITE)
        self._finalizer = weakref.finalize(self, _stop, self.proc, (self._readable, self._writable))

    @staticmethod
    def _drain(stream, lines: collections.deque) -> None:
        for line in iter(stream.readline, b""):
            lines.append(line.decode("utf-8", "replace").rstrip())
        stream.close()

    def send(self, data: bytes | memoryview, deadline: float, op: str) -> None:
        view = memoryview(data)
        while len(view) > 0:
            try:  # non-blocking: writes what the pipe takes now
                view = view[os.write(self._in, view) :]
            except BlockingIOError:
                if not self._writable.select(max(0.0, deadline - time.monotonic())):
                    raise self.timed_out(op) from None
            except (BrokenPipeError, ConnectionResetError):
                raise self.exited(op) from None

    def recv_into(self, view: memoryview, deadline: float, op: str) -> None:
        n = len(view)
        got = 0
        while got < n:
            read = self.proc.stdout.readinto(view[got:])  # non-blocking: None when nothing is there yet
            if read is None:
                if not self._readable.select(max(0.0, deadline - time.monotonic())):
                    raise self.timed_out(op)
                continue
            if read == 0:
                raise self.exited(op, bytes(view[:got]))
            got += read

    def exited(self, op: str, partial: bytes = b"") -> ServerExited:
        try:
            code = self.proc.wait(timeout=2)
            how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        except subprocess.TimeoutExpired:
            how = "closed its output"
        time.sleep(0.05)  # let the stderr thread catch the last lines
        got = f" after {len(partial)} bytes of a frame ({_printable(partial[:32])})" if partial else ""
        return ServerExited(f"{self.what} {how} during {op!r}{got}{self.last_words()}")

    def timed_out(self, op: str) -> BridgeTimeout:
        self.kill()
        return BridgeTimeout(f"{self.what} did not answer {op!r} in time; it has been stopped{self.last_words()}")

    def last_words(self) -> str:
        lines = [line for line in self.stderr if line.strip()]
        return "; its stderr ended with:\n  " + "\n  ".join(lines[-12:]) if lines else ""

    def wait_closed(self, timeout: float) -> None:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        self._finalizer()


def _stop(proc: subprocess.Popen, selectors_: tuple[selectors.BaseSelector, ...]) -> None:
    """Ends the child (if it still runs) and reaps it; closes our ends of its pipes."""
    for selector in selectors_:
        selector.close()
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    for stream in (proc.stdin, proc.stdout):
        try:
            stream.close()
        except OSError:
            pass


class _Socket:
    """A server already listening (buddy-gym serve --port P) over TCP."""

    def __init__(self, host: str, port: int, timeout: float):
        self.what = f"the buddy-gym server at {host}:{port}"
        try:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as e:
            raise BridgeError(f"cannot connect to {self.what}: {e}") from e
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, data: bytes | memoryview, deadline: float, op: str) -> None:
        try:
            self.sock.settimeout(max(1e-3, deadline - time.monotonic()))
            self.sock.sendall(data)
        except socket.timeout:
            raise self.timed_out(op) from None
        except OSError:
            raise self.exited(op) from None

    def recv_into(self, view: memoryview, deadline: float, op: str) -> None:
        n = len(view)
        got = 0
        while got < n:
            try:
                self.sock.settimeout(max(1e-3, deadline - time.monotonic()))
                read = self.sock.recv_into(view[got:])
            except socket.timeout:
                raise self.timed_out(op) from None
            except OSError:
                raise self.exited(op) from None
            if read == 0:
                raise self.exited(op, bytes(view[:got]))
            got += read

    def exited(self, op: str, partial: bytes = b"") -> ServerExited:
        got = f" after {len(partial)} bytes of a frame" if partial else ""
        return ServerExited(f"{self.what} closed the connection during {op!r}{got}")

    def timed_out(self, op: str) -> BridgeTimeout:
        self.kill()
        return BridgeTimeout(f"{self.what} did not answer {op!r} in time; the connection was closed")

    def last_words(self) -> str:
        return ""

    def wait_closed(self, timeout: float) -> None:
        self.kill()

    def kill(self) -> None:
        self.sock.close()


class Connection:
    """One protocol connection: ``request`` sends a message and returns the reply's map, raising
    the matching ``BridgeError`` for an error reply. Any failure of the stream itself (the server
    died, timed out or sent garbage) closes the connection for good."""

    def __init__(self, transport: _Child | _Socket, timeout: float, startup_timeout: float):
        self._t = transport
        self.timeout = timeout
        self.closed = False
        # Replies are read into this buffer, grown when needed and reused: a batched step's reply is
        # megabytes, and fresh memory for each cost more than the step (page faults).
        self._buffer = bytearray(1 << 16)
        self.handshake: dict[str, Any] = self.request("hello", timeout=startup_timeout, protocol=PROTOCOL_VERSION)

    def request(self, op: str, timeout: float | None = None, **fields: Any) -> dict[str, Any]:
        payload = msgpack.packb({"op": op, **fields}, use_bin_type=True)
        return self.exchange(_LENGTH.pack(len(payload)) + payload, op, timeout)

    def exchange(self, frame: bytes, op: str, timeout: float | None = None) -> dict[str, Any]:
        """Sends raw frame bytes and reads one reply (``request`` builds the frame; tests send garbage)."""
        if self.closed:
            raise EnvClosed(f"the connection to {self._t.what} is closed; make a new env")
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        try:
            self._t.send(frame, deadline, op)
            self._t.recv_into(memoryview(self._buffer)[:4], deadline, op)
            (length,) = _LENGTH.unpack_from(self._buffer)
            if length == 0 or length > MAX_REPLY_BYTES:
                head = _LENGTH.pack(length)
                raise ProtocolError(
                    f"{self._t.what} answered {op!r} with a frame length of {length} bytes (the first bytes: {_printable(head)}), "
                    f"not a frame of [1, {MAX_REPLY_BYTES}] bytes: is it a buddy-gym server?{self._t.last_words()}"
                )
            if length > len(self._buffer):
                self._buffer = bytearray(max(length, 2 * len(self._buffer)))
            body = memoryview(self._buffer)[:length]
            self._t.recv_into(body, deadline, op)
            reply = msgpack.unpackb(body, raw=False)  # bins come out as bytes of their own
            if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
                raise ProtocolError(f"{self._t.what} answered {op!r} with {type(reply).__name__}, not a map with 'ok'")
        except (BridgeTimeout, ServerExited, ProtocolError):
            self._abandon()
            raise
        except (msgpack.exceptions.ExtraData, ValueError) as e:  # msgpack's decode errors are ValueErrors
            self._abandon()
            raise ProtocolError(f"{self._t.what} answered {op!r} with bytes that are not msgpack: {e}") from None
        if reply["ok"]:
            return reply
        error = reply.get("error")
        if not isinstance(error, dict):
            self._abandon()
            raise ProtocolError(f"{self._t.what} answered {op!r} with an error reply without an error map")
        if error.get("fatal"):  # the server ends the connection after this reply: let it exit
            self.closed = True
            self._t.wait_closed(5.0)
        raise server_error(error)

    def close(self, timeout: float = 5.0) -> None:
        """Sends ``close`` and waits for the server to end; harmless twice."""
        if self.closed:
            return
        try:
            self.request("close", timeout=timeout)
        except BridgeError:
            pass  # already gone: nothing to close
        self.closed = True
        self._t.wait_closed(timeout)

    def _abandon(self) -> None:
        self.closed = True
        self._t.kill()


def spawn(argv: list[str], timeout: float, startup_timeout: float) -> Connection:
    """Starts a server child process and greets it. A command line the CLI refuses (exit code 2:
    a bad option, preset or agent) is an OptionError carrying the CLI's one-line reason."""
    child = _Child(argv)
    try:
        return Connection(child, timeout, startup_timeout)
    except ServerExited:
        if child.proc.returncode != 2:
            raise
        reason = next((line for line in child.stderr if line.strip()), "(no reason given)")
        raise OptionError(reason.removeprefix("buddy-gym serve: "), type="UsageError") from None


def connect(host: str, port: int, timeout: float, startup_timeout: float) -> Connection:
    """Greets a server listening on host:port."""
    return Connection(_Socket(host, port, startup_timeout), timeout, startup_timeout)
