"""Calling learner code safely: a time limit, and exceptions turned into messages.

`Guarded(fn)` is what a checker receives in place of the learner's function. Calling it
runs the learner's code, and anything that goes wrong becomes a `LearnerProblem` that
`Question.check` turns into feedback: never a traceback in the learner's notebook.
"""
from __future__ import annotations

import ctypes
import inspect
import linecache
import signal
import threading
from contextlib import contextmanager

import numpy as np


class LearnerProblem(Exception):
    """Learner code could not give an answer; `status` says how to report it."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class _TimeUp(BaseException):
    """Raised inside learner code when its time is up (BaseException so `except Exception` cannot swallow it)."""


def describe(value) -> str:
    """Return a short description of a value for messages: type, shape, dtype, a few items."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        head = ", ".join(repr(v) for v in value[:3])
        return f"{kind} of {len(value)} items [{head}{', ...' if len(value) > 3 else ''}]"
    if isinstance(value, np.random.Generator):
        # its repr carries a memory address, which would make messages differ run to run
        return f"np.random.Generator({type(value.bit_generator).__name__})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_call(fn, args, kwargs) -> str:
    """Return `name(a=..., b=...)` naming each argument, for messages."""
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
        parts = [f"{name}={describe(value)}" for name, value in bound.arguments.items()]
    except (TypeError, ValueError):
        parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{getattr(fn, '__name__', 'your function')}({', '.join(parts)})"


@contextmanager
def time_limit(seconds: float):
    """Stop the code in the block after `seconds` by raising _TimeUp in it.

    On Unix, in the main thread (where a Jupyter kernel runs cells), a real SIGALRM
    also interrupts sleeps and blocking calls. Elsewhere a watchdog thread raises
    _TimeUp asynchronously in this thread, which stops pure-Python loops.
    """
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        def on_alarm(signum, frame):
            raise _TimeUp()

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    target = ctypes.c_ulong(threading.get_ident())
    lock, running = threading.Lock(), [True]

    def interrupt():
        with lock:
            if running[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(_TimeUp))

    timer = threading.Timer(seconds, interrupt)
    timer.start()
    try:
        yield
    finally:
        with lock:
            running[0] = False
            # withdraw an exception that was sent but has not landed yet
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)
        timer.cancel()


def where(exc: BaseException, fn) -> str:
    """Return " at line N: `code`" for the deepest traceback line inside `fn`'s own file."""
    filename = getattr(getattr(fn, "__code__", None), "co_filename", None)
    tb, found = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            found = tb
        tb = tb.tb_next
    if found is None:
        return ""
    line = linecache.getline(filename, found.tb_lineno).strip()
    return f" at line {found.tb_lineno}" + (f": `{line}`" if line else "")


class Guarded:
    """The learner's callable, wrapped: a time limit per call, problems become LearnerProblem."""

    def __init__(self, fn, seconds: float = 10.0):
        self.fn, self.seconds = fn, seconds
        self.__name__ = getattr(fn, "__name__", "your function")
        self.last_call = ""

    def __call__(self, *args, **kwargs):
        call = self.last_call = describe_call(self.fn, args, kwargs)
        try:
            with time_limit(self.seconds):
                result = self.fn(*args, **kwargs)
        except NotImplementedError:
            raise LearnerProblem("not_attempted", f"`{self.__name__}` still raises NotImplementedError: "
                                 "replace that line with your code, run the cell, then check again.") from None
        except _TimeUp:
            raise LearnerProblem("error", f"`{call}` was still running after {self.seconds:g} s and was "
                                 "stopped. Look for a loop that never ends.") from None
        except SystemExit as exc:
            raise LearnerProblem("error", f"`{call}` called exit({exc.code!r}); return a value instead.") from None
        except Exception as exc:
            raise LearnerProblem("error", f"`{call}` raised {type(exc).__name__}: {exc}{where(exc, self.fn)}") from None
        if result is None:
            raise LearnerProblem("incorrect", f"`{call}` returned None: did you forget `return`?")
        return result
