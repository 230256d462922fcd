"""What crosses between the grader and a learner's kernel: data only, as JSON.

Both ends run this module. The grader encodes a check's arguments, the kernel (which gets
this file's source, not an import) decodes them, calls the learner's function and encodes
what came back. Nothing from the kernel is ever unpickled or evaluated: `decode` builds
only None, bool, int, float, str, lists, tuples, dicts, numpy arrays and scalars of plain
dtypes, and `Foreign` stand-ins for anything else (a generator object, a set), which carry
a repr. PyTorch tensors and JAX arrays travel as the numpy arrays they hold (detached from
autograd, copied to the CPU), so a learner may return them as they are; this module never
imports either library. Two more kinds travel only towards the kernel, because rebuilding them means
importing a module or choosing a class: numpy random Generators and frozen dataclasses
from course.checks modules (`decode_request`). A reply that names one is refused.
"""
import base64
import dataclasses
import importlib
import json
import linecache
import signal

import numpy as np

PLAIN_KINDS = "biufcUSmM"  # numpy dtype kinds that hold no Python objects
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
MAX_DEPTH = 64
MAX_REPLY = 16 << 20  # characters of JSON a reply may have


class Foreign:
    """A value the learner returned that is not data (a generator, a set): only its repr travels."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = str(type_name), str(text)

    def __repr__(self) -> str:
        return self.text


def _array(value, tag: str) -> dict:
    data = np.ascontiguousarray(value)
    if data.dtype.kind not in PLAIN_KINDS:
        raise TypeError(f"a numpy {tag} of dtype {data.dtype} (not plain data)")
    return {"t": tag, "dtype": data.dtype.str, "shape": list(data.shape),
            "b64": base64.b64encode(data.tobytes()).decode("ascii")}


def _framework_array(value):
    """Return a PyTorch tensor or a JAX array as a numpy array, None for anything else (neither is imported)."""
    module = type(value).__module__ or ""
    try:
        if module.startswith("torch") and hasattr(value, "detach"):
            tensor = value.detach().cpu()
            if str(tensor.dtype) == "torch.bfloat16":  # numpy has no bfloat16
                tensor = tensor.double()
            return tensor.resolve_conj().resolve_neg().numpy()
        if module.startswith(("jax", "jaxlib")) and hasattr(value, "__array__"):
            data = np.asarray(value)
            return data.astype(np.float64) if data.dtype.kind == "V" else data  # bfloat16 (ml_dtypes)
    except Exception as exc:  # a tensor on a device with no data (meta), say
        raise TypeError(f"a {type(value).__name__} that cannot be read as numbers ({type(exc).__name__})") from None
    return None


def encode(value):
    """Return a value the grader sends (an argument) as JSON-ready data; anything else raises TypeError."""
    return _encode(value, False, 0)


def encode_reply(value):
    """Return a value the kernel sends back as JSON-ready data, with Foreign for anything that is not plain data."""
    return _encode(value, True, 0)


def _encode(value, reply: bool, depth: int):
    if depth > MAX_DEPTH:
        raise TypeError("a value nested more than 64 levels deep")
    if value is None or isinstance(value, (bool, str)) or type(value) in (int, float):
        return value
    if isinstance(value, Foreign):
        return {"t": "foreign", "type": value.type_name, "repr": value.text}
    inner = (lambda item: _encode(item, reply, depth + 1))
    try:
        converted = _framework_array(value)
        if converted is not None:  # a 0-d tensor (a loss) as a numpy scalar: ascontiguousarray would make it 1-d
            return _array(converted[()], "scalar") if converted.ndim == 0 else _array(converted, "ndarray")
        if isinstance(value, (np.ndarray, np.generic)):
            return _array(value, "ndarray" if isinstance(value, np.ndarray) else "scalar")
        if isinstance(value, (int, float)):  # subclasses, e.g. an IntEnum
            return float(value) if isinstance(value, float) else int(value)
        if isinstance(value, (list, tuple)):
            return {"t": "tuple" if isinstance(value, tuple) else "list", "v": [inner(item) for item in value]}
        if isinstance(value, dict):
            return {"t": "dict", "v": [[inner(k), inner(v)] for k, v in value.items()]}
        if reply:
            raise TypeError(f"a {type(value).__name__}")
        return _towards_kernel(value, inner)
    except TypeError:
        if not reply:
            raise
        return {"t": "foreign", "type": type(value).__name__, "repr": _short_repr(value)}


def _towards_kernel(value, inner) -> dict:
    """Return a random Generator or a dataclass encoded (only the grader sends these); else TypeError."""
    if isinstance(value, np.random.Generator):
        return {"t": "generator", "state": inner(value.bit_generator.state)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = [[f.name, inner(getattr(value, f.name))] for f in dataclasses.fields(value) if f.init]
        return {"t": "dataclass", "module": cls.__module__, "name": cls.__qualname__, "fields": fields}
    raise TypeError(f"a {type(value).__name__}")


def _short_str(exc: BaseException) -> str:
    try:
        return str(exc)[:500]
    except Exception:  # an exception class of the learner's with a broken __str__
        return ""


def _short_repr(value) -> str:
    try:
        text = repr(value)
    except Exception:  # a learner's __repr__ may itself be broken
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= 200 else text[:197] + "..."


def _from_array(obj: dict):
    dtype = np.dtype(str(obj["dtype"]))
    if dtype.kind not in PLAIN_KINDS or dtype.hasobject:
        raise ValueError(f"dtype {dtype} is not plain data")
    shape = tuple(int(n) for n in obj["shape"])
    data = np.frombuffer(base64.b64decode(obj["b64"], validate=True), dtype=dtype)
    if obj["t"] == "scalar":
        return data.reshape(()).copy()[()]
    return data.reshape(shape).copy()


def _from_generator(state: dict):
    name = state.get("bit_generator")
    if name not in BIT_GENERATORS:
        raise ValueError(f"unknown bit generator {name!r}")
    bit_generator = getattr(np.random, name)()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def _from_dataclass(obj: dict, fields: dict):
    module, name = str(obj["module"]), str(obj["name"])
    # Only the course's own checker modules: a name from the kernel must not pick what we import.
    if not module.startswith("course.checks.") or not name.isidentifier():
        raise ValueError(f"{module}.{name} is not a dataclass from a course.checks module")
    cls = getattr(importlib.import_module(module), name)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"{module}.{name} is not a dataclass")
    return cls(**fields)


def decode(obj):
    """Return the value a reply from the kernel (`encode_reply`) stands for: data or Foreign; else ValueError."""
    return _decode_or_refuse(obj, False)


def decode_request(obj):
    """Return the value the grader sent (`encode`), Generators and checkers' dataclasses too; else ValueError."""
    return _decode_or_refuse(obj, True)


def loads(text: str):
    """Decode a reply's JSON text, with every failure as ValueError."""
    try:
        obj = json.loads(text)
    except (TypeError, RecursionError) as exc:  # not text, or nested past Python's own limit
        raise ValueError(f"{type(exc).__name__}: {exc}") from None
    return decode(obj)


def _decode_or_refuse(obj, request: bool):
    try:
        return _decode(obj, request, 0)
    except ValueError:
        raise
    except Exception as exc:  # whatever the data holds, callers get the one error they are promised
        raise ValueError(f"{type(exc).__name__}: {exc}") from None


def _decode(obj, request: bool, depth: int):
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if not isinstance(obj, dict) or not isinstance(obj.get("t"), str):
        raise ValueError(f"unexpected {type(obj).__name__} in the data")
    tag, inner = obj["t"], (lambda item: _decode(item, request, depth + 1))
    if tag in ("list", "tuple"):
        items = [inner(item) for item in obj["v"]]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        return {inner(k): inner(v) for k, v in obj["v"]}
    if tag in ("ndarray", "scalar"):
        return _from_array(obj)
    if tag == "foreign":
        return Foreign(obj["type"], obj["repr"])
    if tag in ("generator", "dataclass") and not request:
        # Rebuilding these imports a module or picks a class: the kernel must not choose either.
        raise ValueError(f"a reply carries a {tag}, which only the grader may send")
    if tag == "generator":
        return _from_generator(inner(obj["state"]))
    if tag == "dataclass":
        return _from_dataclass(obj, {str(k): inner(v) for k, v in obj["fields"]})
    raise ValueError(f"unknown tag {tag!r}")


# --- the kernel's end ---------------------------------------------------------------
# The grader sends `find(...)` and `call(...)` as code and reads `reply` afterwards.

reply = ""


class _TimeUp(BaseException):
    """Raised in learner code when its time is up (BaseException: `except Exception` cannot catch it)."""


def _namespace() -> dict:
    import __main__

    shell = getattr(__main__, "get_ipython", lambda: None)()
    return shell.user_ns if shell is not None else vars(__main__)


def _parameters(fn) -> list:
    import inspect

    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [[p.name, int(p.kind), p.default is not p.empty] for p in params]


def find(names_json: str) -> None:
    """Set `reply` to what the first defined name of `names_json` holds: a function or a value."""
    global reply
    found = {"kind": "missing"}
    for name in json.loads(names_json):
        if name in _namespace():
            value = _namespace()[name]
            found = ({"kind": "function", "name": name, "params": _parameters(value)} if callable(value)
                     else {"kind": "value", "name": name, "value": encode_reply(value)})
            break
    reply = _dump(found)


def _where(exc: BaseException, fn) -> str:
    filename = getattr(getattr(fn, "__code__", None), "co_filename", None)
    tb, found = exc.__traceback__, None
    while tb is not None:
        found = tb if tb.tb_frame.f_code.co_filename == filename else found
        tb = tb.tb_next
    if found is None:
        return ""
    line = linecache.getline(filename, found.tb_lineno).strip()
    return f" at line {found.tb_lineno}" + (f": `{line}`" if line else "")


def _on_alarm(signum, frame):
    raise _TimeUp()


def _run(fn, args, kwargs, seconds: float) -> dict:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return {"kind": "value", "value": encode_reply(fn(*args, **kwargs))}
    except NotImplementedError:
        return {"kind": "not_attempted"}
    except (_TimeUp, KeyboardInterrupt):
        return {"kind": "timeout"}
    except SystemExit as exc:
        return {"kind": "exit", "code": _short_repr(exc.code)}
    except BaseException as exc:
        return {"kind": "raised", "type": type(exc).__name__, "message": _short_str(exc), "where": _where(exc, fn)}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call(request_json: str) -> None:
    """Run one call the grader asked for; set `reply` to its result or what went wrong."""
    global reply
    request = json.loads(request_json)
    fn = _namespace().get(request["name"])
    if not callable(fn):
        reply = _dump({"kind": "missing"})
        return
    args, kwargs = decode_request(request["args"]), decode_request(request["kwargs"])
    reply = _dump(_run(fn, args, kwargs, float(request["seconds"])))


def _dump(result: dict) -> str:
    text = json.dumps(result)
    return text if len(text) <= MAX_REPLY else json.dumps({"kind": "too_big", "size": len(text)})


def origin(names_json: str) -> None:
    """Set `reply` to where the first defined callable of `names_json` comes from: its module and source."""
    global reply
    import inspect

    found = {"kind": "missing"}
    for name in json.loads(names_json):
        fn = _namespace().get(name)
        if callable(fn):
            try:
                source = inspect.getsource(fn)
            except (TypeError, OSError, ValueError):
                source = ""
            found = {"kind": "origin", "module": str(getattr(fn, "__module__", ""))[:200], "source": source[:200000]}
            break
    reply = _dump(found)
