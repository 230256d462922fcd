"""Does only data cross between grader and kernel, and does the kernel's end report every outcome?"""
import dataclasses
import json
import sys
import types

import numpy as np
import pytest

from course.instructor import wire


def roundtrip(value):
    """Send `value` as the grader sends arguments, and decode it as the kernel does."""
    return wire.decode_request(json.loads(json.dumps(wire.encode(value))))


def reply_roundtrip(value):
    """Encode `value` as the kernel encodes a result, and read it back as the grader does."""
    return wire.loads(json.dumps(wire.encode_reply(value)))


@dataclasses.dataclass(frozen=True)
class Square:
    scale: float

    def __call__(self, x):
        return self.scale * x * x


@pytest.fixture
def checker_module(monkeypatch):
    """A stand-in course.checks module holding a frozen dataclass, as a checker would define one."""
    module = types.ModuleType("course.checks.nb99_fake")
    module.Square = Square
    monkeypatch.setattr(Square, "__module__", module.__name__)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), "text", [1, (2, 3)], {"a": [1.5], (1, 2): None},
    np.arange(6, dtype=np.int32).reshape(2, 3), np.array([True, False]), np.float32(1.5), np.int64(7),
    np.array(["ab", "c"]), np.zeros((0, 3)),
])
@pytest.mark.parametrize("travel", [roundtrip, reply_roundtrip], ids=["to-the-kernel", "back-from-it"])
def test_does_every_kind_of_data_come_back_equal_and_of_the_same_type(value, travel):
    back = travel(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value) and back.flags.writeable
    else:
        assert back == value


def test_does_a_random_generator_travel_as_its_state():
    rng = np.random.default_rng(5)
    back = roundtrip(rng)
    assert np.array_equal(back.random(4), rng.random(4))


def test_is_a_checkers_frozen_dataclass_rebuilt_from_its_class_and_fields(checker_module):
    back = roundtrip(Square(2.0))
    assert back == Square(2.0) and back(3.0) == 18.0


def test_is_a_dataclass_from_outside_course_checks_refused():
    payload = {"t": "dataclass", "module": "os", "name": "system", "fields": []}
    with pytest.raises(ValueError, match="not a dataclass from a course.checks module"):
        wire.decode_request(payload)


def test_does_a_reply_naming_a_missing_module_become_a_value_error():
    payload = {"t": "dataclass", "module": "course.checks.nb99_no_such_module", "name": "Square", "fields": []}
    with pytest.raises(ValueError):
        wire.loads(json.dumps(payload))


def test_does_a_request_naming_a_missing_module_become_a_value_error():
    payload = {"t": "dataclass", "module": "course.checks.nb99_no_such_module", "name": "Square", "fields": []}
    with pytest.raises(ValueError, match="ModuleNotFoundError"):
        wire.decode_request(payload)


@pytest.mark.parametrize("value", [Square(2.0), np.random.default_rng(1)], ids=["a class", "a random generator"])
def test_can_a_reply_from_the_kernel_not_name_a_class_or_a_generator(checker_module, value):
    with pytest.raises(ValueError, match="only the grader may send"):
        wire.loads(json.dumps(wire.encode(value)))


@pytest.mark.parametrize("value", [np.random.default_rng(1), Square(2.0)], ids=["a random generator", "a dataclass"])
def test_does_a_learner_returning_a_generator_or_a_dataclass_send_back_only_its_repr(checker_module, value):
    back = reply_roundtrip(value)
    assert isinstance(back, wire.Foreign) and repr(back) == repr(value)[:200]


@pytest.mark.parametrize("payload", [
    {"t": "ndarray", "dtype": "<f8", "shape": [float("inf")], "b64": ""},
    {"t": "dict", "v": [[{"t": "list", "v": []}, 1]]},
    {"t": "tuple"},
    {"t": "scalar", "dtype": 5, "shape": [], "b64": ""},
], ids=["an endless shape", "an unhashable key", "no items", "a number for a dtype"])
def test_does_decode_raise_only_value_error_whatever_the_reply(payload):
    with pytest.raises(ValueError):
        wire.decode(payload)


@pytest.mark.parametrize("payload, words", [
    ({"t": "ndarray", "dtype": "|O", "shape": [1], "b64": "AAAAAAAAAAA="}, "not plain data"),
    ({"t": "pickle", "v": "gASVAAAA"}, "unknown tag"),
    ([1, 2], "unexpected list"),
    ({"t": "ndarray", "dtype": "<f8", "shape": [3], "b64": "AAAA"}, "buffer size"),
])
def test_is_anything_but_plain_data_refused(payload, words):
    with pytest.raises(ValueError, match=words):
        wire.loads(json.dumps(payload))


def test_is_a_request_for_an_unknown_bit_generator_refused():
    payload = {"t": "generator", "state": {"t": "dict", "v": [["bit_generator", "os.system"]]}}
    with pytest.raises(ValueError, match="unknown bit generator"):
        wire.decode_request(payload)


def test_does_a_non_data_result_become_a_foreign_stand_in_with_its_repr():
    back = wire.decode(wire.encode_reply(x for x in []))
    assert isinstance(back, wire.Foreign) and repr(back).startswith("<generator object")


def test_does_the_grader_refuse_to_send_non_data():
    with pytest.raises(TypeError):
        wire.encode({1, 2})


# --- the kernel's end, run here with a plain dict as the learner's namespace ---------

@pytest.fixture
def namespace(monkeypatch):
    names = {}
    monkeypatch.setattr(wire, "_namespace", lambda: names)
    return names


def call(name, *args, seconds=1.0):
    wire.call(json.dumps({"name": name, "args": wire.encode(list(args)), "kwargs": wire.encode({}),
                          "seconds": seconds}))
    return json.loads(wire.reply)


def loop_forever(x):
    while True:
        pass


def stub(x):
    raise NotImplementedError()


def broken(x):
    return [1, 2][x]


@pytest.mark.parametrize("fn, kind", [
    (lambda x: x * 2, "value"), (stub, "not_attempted"), (loop_forever, "timeout"),
    (lambda x: sys.exit(2), "exit"), (broken, "raised"),
])
def test_does_each_outcome_of_a_learner_call_become_a_reply(namespace, fn, kind):
    namespace["answer"] = fn
    assert call("answer", 5, seconds=0.3)["kind"] == kind


def test_does_an_exception_reply_say_where_in_the_learners_code(namespace):
    namespace["answer"] = broken
    reply = call("answer", 5)
    assert reply["type"] == "IndexError" and "`return [1, 2][x]`" in reply["where"]


def test_is_a_missing_name_reported_and_the_first_defined_name_found(namespace):
    assert call("answer", 1)["kind"] == "missing"
    namespace["mine"] = lambda y_true, k=3: None
    wire.find(json.dumps(["answer", "mine"]))
    found = json.loads(wire.reply)
    assert found["kind"] == "function" and found["name"] == "mine"
    assert [p[0] for p in found["params"]] == ["y_true", "k"]


def test_is_an_oversized_reply_replaced_by_its_size(namespace, monkeypatch):
    monkeypatch.setattr(wire, "MAX_REPLY", 100)
    namespace["answer"] = lambda x: "x" * 1000
    assert call("answer", 1) == {"kind": "too_big", "size": pytest.approx(1030, abs=30)}


# --- PyTorch tensors and JAX arrays (lesson 15) cross as the numpy arrays they hold ---------

def test_does_a_torch_tensor_come_back_as_its_numbers_even_with_a_gradient_attached():
    torch = pytest.importorskip("torch")
    weights = torch.tensor([[1.5, -2.0], [0.25, 3.0]], dtype=torch.float64, requires_grad=True)
    got = reply_roundtrip({"out": weights * 2, "loss": (weights ** 2).sum(), "ints": torch.arange(3)})
    assert isinstance(got["out"], np.ndarray) and got["out"].dtype == np.float64
    np.testing.assert_array_equal(got["out"], [[3.0, -4.0], [0.5, 6.0]])
    assert isinstance(got["loss"], np.float64) and got["loss"] == 15.3125
    np.testing.assert_array_equal(got["ints"], [0, 1, 2])


def test_do_float32_and_bfloat16_tensors_keep_their_values():
    torch = pytest.importorskip("torch")
    assert reply_roundtrip(torch.tensor([0.5], dtype=torch.float32)).dtype == np.float32
    np.testing.assert_array_equal(reply_roundtrip(torch.tensor([0.5, 2.0], dtype=torch.bfloat16)), [0.5, 2.0])


def test_does_a_tensor_without_data_become_a_foreign_stand_in_not_a_crash():
    torch = pytest.importorskip("torch")
    got = reply_roundtrip(torch.empty(3, device="meta"))
    assert isinstance(got, wire.Foreign) and got.type_name == "Tensor"


def test_does_a_jax_array_come_back_as_a_numpy_array():
    jax = pytest.importorskip("jax")
    grads = {"W": jax.numpy.ones((2, 3)) * 0.5, "b": jax.numpy.arange(3)}
    got = reply_roundtrip(grads)
    assert all(isinstance(value, np.ndarray) for value in got.values())
    np.testing.assert_array_equal(got["W"], np.full((2, 3), 0.5))
    np.testing.assert_array_equal(got["b"], [0, 1, 2])


def test_does_a_tensor_argument_reach_the_kernel_as_a_numpy_array():
    torch = pytest.importorskip("torch")
    got = roundtrip([torch.tensor([1.0, 2.0], dtype=torch.float64)])
    assert isinstance(got[0], np.ndarray) and got[0].tolist() == [1.0, 2.0]
