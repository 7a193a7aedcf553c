"""Ctrl-C (SIGINT) as a normal event: worker processes leave it to the main process, and a
few steps that must not be cut in half (renaming a department's files into place) hold it
until they are done."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


def ignore_interrupts() -> None:
    """In a worker process: a terminal's Ctrl-C reaches the whole process group; the main
    process decides (cancels pending work), the worker finishes its department and ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def deferred_interrupt():
    """Hold a Ctrl-C that arrives inside the block until it ends, then act on it as usual
    (KeyboardInterrupt in the main process; nothing where it is ignored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received and callable(previous):
            previous(signal.SIGINT, None)
