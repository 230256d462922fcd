"""Calling learner code safely: a time limit that holds, and exceptions turned into messages.

`Guarded(fn)` is what a checker receives in place of the learner's function. Calling it
runs the learner's code, and anything that goes wrong becomes a `LearnerProblem` that
`Question.check` turns into feedback: never a traceback in the learner's notebook.
"""
from __future__ import annotations

import contextvars
import ctypes
import inspect
import linecache
import re
import signal
import sys
import threading
import time

import numpy as np

REFIRE = 0.05    # seconds between repeated stops once the limit has passed
HARD_CAP = 5.0   # seconds after the limit when we stop trying to stop code that catches every stop
GRACE = 0.2      # seconds the thread path waits for a stopped call to end before it abandons it
LIBRARY_GRACE = 0.5   # seconds after the limit when a library's own code is left to reach the learner's next line


class LearnerProblem(Exception):
    """Learner code could not give an answer; `status` says how to report it."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class _TimeUp(BaseException):
    """Raised inside learner code when its time is up (BaseException so `except Exception` cannot swallow it).

    `caught` says the learner's code caught an earlier stop and went on.
    """

    def __init__(self, caught: bool = False):
        super().__init__()
        self.caught = caught


class Abandoned(Exception):
    """The call outlived its limit in a worker thread, which may still be running it."""


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


def _ours(frame) -> bool:
    """Return whether `frame` runs this module's code, where a stop must never land."""
    return frame.f_code.co_filename == __file__


class Alarm:
    """A time limit for the main thread that holds even when the learner's code catches the stop.

    At the limit SIGALRM raises _TimeUp in the running code. Code that catches BaseException
    would swallow it and go on, so the alarm then repeats every REFIRE s, and a trace
    function watches the learner's own lines (those run with `code_globals`): an `except`
    line reached while handling a stop raises a new one, which escapes that `try`. Python
    switches a trace function off when it raises, so a profile function, which sees every
    call and return, switches it back on for the frames the stop goes on into. All this
    ends with the block, or HARD_CAP after the limit.

    Cleanup is left to run: a stop lands in a library's own code (numpy's errstate, say) only
    when LIBRARY_GRACE has passed without the library returning to the learner's code, and
    never on the learner's `with` lines, where context managers are entered and exited.
    """

    def __init__(self, seconds: float, code_globals=None):
        self.seconds, self.code_globals = seconds, code_globals
        self.fired, self.stops, self.traced, self.pending = 0, 0, False, False

    def __enter__(self):
        self.deadline = time.monotonic() + self.seconds
        self.trace, self.profile = sys.gettrace(), sys.getprofile()
        self.handler = signal.signal(signal.SIGALRM, self._on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.seconds, REFIRE)
        return self

    def _on_alarm(self, signum, frame):
        """Stop the learner's code: now, or at its next line if a library is running."""
        if _ours(frame):   # the block has ended and we are tidying up
            return
        self.fired += 1
        if time.monotonic() > self.deadline + HARD_CAP:   # give up: the call ends when it ends
            signal.setitimer(signal.ITIMER_REAL, 0)
            self._untrace()
            return
        if self.code_globals is not None:
            self._watch(frame)
            if not self._learners(frame) and time.monotonic() < self.deadline + LIBRARY_GRACE:
                self.pending = True   # the learner's next line raises instead
                return
        self._stop()

    def _stop(self):
        """Raise a stop into the learner's code, counting it: needing two means the first was caught."""
        self.pending, self.stops = False, self.stops + 1
        raise _TimeUp()

    def _learners(self, frame) -> bool:
        """Return whether `frame` runs the learner's own code."""
        return frame.f_globals is self.code_globals

    def _tracer(self, frame, event, arg):
        """Raise _TimeUp at an `except` that is handling a stop, or at the first line after a deferred one."""
        if not self._learners(frame):
            return None
        if event == "line":
            line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).lstrip()
            handling = isinstance(sys.exc_info()[1], _TimeUp)
            # without its source (code made by exec) any line might be an `except`: stopping comes first
            if handling and (not line or line.startswith("except")):
                raise _TimeUp()   # the stop goes on; not counted, since an `except` may not match it
            if self.pending and not handling and not line.startswith(("with ", "async with ")):
                self._stop()
        return self._tracer

    def _watch(self, frame) -> None:
        """Trace the learner's frames from `frame` outwards, and keep tracing them (see the class docstring)."""
        while frame is not None and not _ours(frame):
            if self._learners(frame):
                frame.f_trace, frame.f_trace_lines = self._tracer, True
            frame = frame.f_back
        sys.settrace(self._tracer)
        sys.setprofile(self._rearm)
        self.traced = True

    def _rearm(self, frame, event, arg):
        """A profile function: switch the trace function back on after it raised."""
        if sys.gettrace() != self._tracer and not _ours(frame):
            self._watch(frame)

    def __exit__(self, *exc_info):
        signal.setitimer(signal.ITIMER_REAL, 0)
        self._untrace()
        signal.signal(signal.SIGALRM, self.handler)
        return False

    def _untrace(self):
        """Put back the trace and profile functions that were there before the learner's code was stopped."""
        if self.traced:
            sys.setprofile(self.profile)
            sys.settrace(self.trace)
            self.traced = False


def _stop_thread(thread: threading.Thread) -> None:
    """Raise _TimeUp in `thread` every REFIRE s until it ends or HARD_CAP has passed."""
    give_up = time.monotonic() + HARD_CAP
    while thread.is_alive() and time.monotonic() < give_up:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(_TimeUp))
        thread.join(REFIRE)


def run_in_thread(fn, args, kwargs, seconds: float):
    """Run fn in a daemon thread; return its result, raise its exception, or raise _TimeUp / Abandoned.

    Off the main thread there is no SIGALRM, and an exception sent to a thread cannot
    interrupt a sleep or a long numpy call. So we stop waiting at the limit, try to stop
    the call, and if it does not end at once we abandon it: it goes on in the background,
    and the notebook goes on too.
    """
    box = {}

    def run():
        """Run the call, keeping its result or its exception for the caller's thread."""
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:   # carried back to the caller's thread
            box["error"] = exc

    context = contextvars.copy_context()   # numpy's error settings and the like travel with the call
    worker = threading.Thread(target=context.run, args=(run,), daemon=True, name="course-check-call")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        threading.Thread(target=_stop_thread, args=(worker,), daemon=True, name="course-check-stop").start()
        worker.join(GRACE)
        if worker.is_alive():
            raise Abandoned()
        error = box.get("error")
        raise _TimeUp(caught=error.caught if isinstance(error, _TimeUp) else True)
    if "error" in box:
        raise box["error"]
    return box["value"]


def run_in_main_thread(fn, args, kwargs, seconds: float):
    """Run fn under an Alarm; a call that outlived the limit in any way raises _TimeUp."""
    alarm = Alarm(seconds, getattr(fn, "__globals__", None))
    try:
        with alarm:
            result = fn(*args, **kwargs)
    except _TimeUp:
        raise _TimeUp(caught=alarm.stops > 1) from None
    except BaseException:
        if alarm.fired:   # over the limit, then it failed some other way: it caught a stop, if one came
            raise _TimeUp(caught=alarm.stops > 0) from None
        raise
    if alarm.fired:       # over the limit, then it returned as if nothing had happened
        raise _TimeUp(caught=alarm.stops > 0)
    return result


def where(exc: BaseException, fn=None, code_globals=None) -> str:
    """Return " at line N: `code`" for the deepest traceback line in `fn`'s file or run with `code_globals`."""
    filename = getattr(getattr(fn, "__code__", None), "co_filename", None)
    tb, found = exc.__traceback__, None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename == filename or (code_globals is not None and frame.f_globals is code_globals):
            found = tb
        tb = tb.tb_next
    if found is None:
        return ""
    line = linecache.getline(found.tb_frame.f_code.co_filename, found.tb_lineno).strip()
    return f" at line {found.tb_lineno}" + (f": `{line}`" if line else "")


def _arrays(fn, args, kwargs) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Return (name, argument, copy) for every numpy array passed, also inside a dict (`params["W1"]`)."""
    try:
        named = inspect.signature(fn).bind(*args, **kwargs).arguments.items()
    except (TypeError, ValueError):
        named = [*((f"argument {i + 1}", a) for i, a in enumerate(args)), *kwargs.items()]
    found = []
    for name, value in named:
        items = ([(f'{name}["{key}"]', item) for key, item in value.items()] if isinstance(value, dict)
                 else [(name, value)])
        found += [(label, item, item.copy()) for label, item in items if isinstance(item, np.ndarray)]
    return found


_MATMUL = re.compile(r"matmul: Input operand 1 has a mismatch in its core dimension 0.*\(size (\d+) is different "
                     r"from (\d+)\)")
_DOT = re.compile(r"shapes \(([\d, ]*)\) and \(([\d, ]*)\) not aligned")
_RESHAPE = re.compile(r"cannot reshape array of size (\d+) into shape \(([\d, ]*)\)")
_BROADCAST = re.compile(r"operands could not be broadcast together with shapes \(([\d, ]*)\) \(([\d, ]*)\)")


def shape_advice(exc: BaseException) -> str:
    """Return numpy's shape errors in words ('' for any other exception)."""
    text = str(exc)
    if m := _MATMUL.search(text):
        rows, columns = m.groups()
        return (f"\nIn `A @ B` the columns of A must equal the rows of B: here A has {columns} columns and B has "
                f"{rows} rows. A (n, k) matrix times a (k, m) one gives (n, m): check which comes first, and "
                "whether one needs `.T`.")
    if m := _DOT.search(text):
        a, b = m.groups()
        return (f"\nThe product of shapes ({a}) and ({b}) needs the last size of the first to equal the first "
                "size of the second: check the order of the product, and whether one needs `.T`.")
    if m := _RESHAPE.search(text):
        size, shape = m.groups()
        return (f"\nreshape keeps every entry: {size} entries cannot fill shape ({shape}). Check the shape you "
                "ask for (one size may be -1, to be worked out).")
    if m := _BROADCAST.search(text):
        a, b = m.groups()
        return (f"\nShapes ({a}) and ({b}) cannot be combined elementwise: numpy lines them up from the right, "
                "and each pair of sizes must be equal or 1. Check the axis of a sum or mean (keepdims=True keeps "
                "it lined up).")
    return ""


class Guarded:
    """The learner's callable, wrapped: a time limit per call, problems become LearnerProblem.

    `changed_inputs` names the array arguments the last call changed in place (for
    `expect_inputs_unchanged`); a grader that calls the learner's code elsewhere cannot see
    that, and offers no such attribute.
    """

    def __init__(self, fn, seconds: float = 10.0):
        self.fn, self.seconds = fn, seconds
        self.__name__ = getattr(fn, "__name__", "your function")
        self.code_globals = getattr(fn, "__globals__", None)   # where the learner's own code lives
        self.last_call = ""
        self.changed_inputs: list[str] = []

    def __call__(self, *args, **kwargs):
        call = self.last_call = describe_call(self.fn, args, kwargs)
        before = _arrays(self.fn, args, kwargs)
        try:
            return self._call(call, args, kwargs)
        finally:
            self.changed_inputs = [name for name, now, then in before
                                   if now.shape != then.shape or not np.array_equal(now, then, equal_nan=True)]

    def _call(self, call, args, kwargs):
        main = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        try:
            result = (run_in_main_thread if main else run_in_thread)(self.fn, args, kwargs, self.seconds)
        except NotImplementedError:
            raise LearnerProblem("not_attempted", f"`{self.__name__}` still raises NotImplementedError: "
                                 "replace that line with your code, run the cell, then check again.") from None
        except _TimeUp as stop:
            raise LearnerProblem("error", self._timeout(call, stop.caught)) from None
        except Abandoned:
            raise LearnerProblem("error", f"`{call}` was still running after {self.seconds:g} s and could not be "
                                 "stopped, so the check stopped waiting: the call was abandoned and still runs in "
                                 "the background (restart the kernel if the notebook slows down). Look for a loop "
                                 "that never ends, or a long sleep.") from None
        except SystemExit as exc:
            raise LearnerProblem("error", f"`{call}` called exit({exc.code!r}); return a value instead.") from None
        except Exception as exc:
            raise LearnerProblem("error", f"`{call}` raised {type(exc).__name__}: {exc}{where(exc, self.fn)}"
                                 f"{shape_advice(exc)}") from None
        if result is None:
            raise LearnerProblem("incorrect", f"`{call}` returned None: did you forget `return`?")
        return result

    def _timeout(self, call: str, caught: bool) -> str:
        """Return the message for a call stopped at its limit; `caught`: it caught the stop and went on."""
        head = f"`{call}` was still running after {self.seconds:g} s and was stopped"
        if caught:
            return (f"{head}, but it caught the stop and went on: `except BaseException` or a bare `except:` "
                    "catches it. Catch `Exception` instead, and look for a loop that never ends.")
        return f"{head}. Look for a loop that never ends."
