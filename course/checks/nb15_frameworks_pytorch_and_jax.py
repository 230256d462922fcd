"""Checks for exercises/15-frameworks-pytorch-and-jax.ipynb: research code in PyTorch and JAX.

q1  train_epoch(model, loader, optimizer, loss_fn): one epoch of training, returning the mean loss per example
    (checked through the exercise's `run_epoch(seed, n, batch_size)`, which builds the four objects with
    `epoch_setup` and calls the learner's train_epoch: only numbers cross to the grader)
q2  per_example_grads(loss_fn, params, X, y): one gradient per example, jax.vmap(jax.grad(...))
q3  CausalSelfAttention.forward: lesson 06's causal self-attention as a torch.nn.Module
    (checked through the exercise's `attend(x, Wq, Wk, Wv)`, which loads the weights and runs the module)

Learners return torch tensors and JAX arrays (on any device, with gradients attached); `plain`
turns them into numpy arrays before anything is compared, and a value that cannot be read
(a tensor on a device this machine lacks, a dtype numpy does not know) is a message, not a crash.
"""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from functools import lru_cache

import jax
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from course.checks import Incorrect, Question, expect_array, expect_close, expect_inputs_unchanged, expect_number
from course.checks.guard import describe

NOTEBOOK = "15-frameworks-pytorch-and-jax"
jax.config.update("jax_enable_x64", True)   # the references compute in float64, like numpy


# --- reading what learners return ------------------------------------------------

def plain(value, call: str):
    """Return `value` with torch tensors and JAX arrays (also inside lists, tuples and dicts) as numpy arrays."""
    module = type(value).__module__ or ""
    if isinstance(value, torch.Tensor):
        try:
            tensor = value.detach().to("cpu")
            if tensor.dtype in (torch.bfloat16, torch.float16):
                tensor = tensor.double()
            return tensor.resolve_conj().resolve_neg().numpy()
        except Exception as exc:   # a meta tensor, say: it holds no numbers
            raise Incorrect(f"`{call}` returned a tensor ({value.dtype}, on {value.device}) that cannot be read as "
                            f"numbers ({type(exc).__name__}). Return a tensor on the CPU.") from None
    if module.startswith(("jax", "jaxlib")) and hasattr(value, "__array__"):
        return np.asarray(value)
    if isinstance(value, dict):
        return {key: plain(item, call) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(item, call) for item in value)
    return value


# --- q1: one training epoch ----------------------------------------------------------

def train_epoch(model, loader, optimizer, loss_fn):
    """Train `model` for one pass over `loader`; return the mean loss per example over the epoch."""
    model.train()                      # training mode: batch norm uses the batch's statistics, dropout drops
    total, count = 0.0, 0
    for X, y in loader:
        optimizer.zero_grad()          # .grad adds up across backward() calls: clear it first
        loss = loss_fn(model(X), y)    # the mean loss over this batch
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)  # weighted by the batch's size: the last batch may be smaller
        count += len(y)
    return total / count


@lru_cache(maxsize=1)
def _digits():
    from course.data import load_digits_split

    X_train, _, y_train, _ = load_digits_split(test_size=0.5, seed=0)
    return X_train, y_train


def epoch_setup(seed: int, n: int = 200, batch_size: int = 32, lr: float = 0.1):
    """Return (model, loader, optimizer, loss_fn) for one epoch on n training digits, all drawn from `seed`.

    The model has batch normalisation, which behaves differently in training and evaluation
    mode, and it arrives in evaluation mode, as a model does after it was evaluated.
    """
    torch.manual_seed(seed)
    X, y = _digits()
    pick = np.random.default_rng(seed).permutation(len(y))[:n]
    data = TensorDataset(torch.tensor(X[pick]), torch.tensor(y[pick]))
    model = nn.Sequential(nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 10)).double()
    model.eval()
    loader = DataLoader(data, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    return model, loader, optimizer, nn.CrossEntropyLoss()


def _epoch_variant(seed, n, batch_size, *, zero_grad=True, step=True, train=True, reduce="weighted"):
    """Return what one slip in train_epoch would return, to name it in a message."""
    model, loader, optimizer, loss_fn = epoch_setup(seed, n, batch_size)
    if train:
        model.train()
    losses, sizes = [], []
    for X, y in loader:
        if zero_grad:
            optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        if step:
            optimizer.step()
        losses.append(loss.item())
        sizes.append(len(y))
    losses, sizes = np.array(losses), np.array(sizes)
    return {"weighted": (losses * sizes).sum() / sizes.sum(), "batches": losses.mean(), "last": losses[-1],
            "sum": losses.sum(), "first": losses[0]}[reduce]


EPOCH_SLIPS = [
    (dict(zero_grad=False), "the loss of an epoch without `optimizer.zero_grad()`: each backward() then adds "
     "to the gradients of all earlier batches. Call `optimizer.zero_grad()` before `loss.backward()` in every batch"),
    (dict(step=False), "the loss of an epoch in which the weights never change: call `optimizer.step()` after "
     "`loss.backward()` (a step before it finds the gradients that `zero_grad()` just cleared)"),
    (dict(train=False), "the loss of an epoch run in evaluation mode: the model arrives in `eval()` mode, so batch "
     "normalisation uses its stored statistics instead of the batch's. Call `model.train()` first"),
    (dict(reduce="batches"), "the mean of the batches' losses: the last batch is smaller, so weight each batch's "
     "loss by its size (`loss.item() * len(y)`) and divide by the number of examples"),
    (dict(reduce="last"), "the loss of the last batch only: add up the loss over the whole epoch"),
    (dict(reduce="first"), "the loss of the first batch only: add up the loss over the whole epoch"),
    (dict(reduce="sum"), "the sum of the batches' losses: divide by the number of examples (weighting each "
     "batch by its size)"),
]


def _epoch_cases():
    """(seed, n, batch_size): a smaller last batch first (8 of 200), then equal batches, then a tiny last one."""
    return [(0, 200, 32), (1, 150, 50), (2, 100, 24)]


def check_train_epoch(fn):
    for seed, n, batch_size in _epoch_cases():
        got = fn(seed, n, batch_size)
        call = fn.last_call
        value = expect_number(plain(got, call), call, "the mean loss per example over the epoch (one number)",
                              why_many=" Return one number: the epoch's mean loss, e.g. `total / count`.")
        expected = train_epoch(*epoch_setup(seed, n, batch_size))
        if math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12):
            continue
        for slip, meaning in EPOCH_SLIPS:
            if math.isclose(value, _epoch_variant(seed, n, batch_size, **slip), rel_tol=1e-9, abs_tol=1e-12):
                raise Incorrect(f"`{call}` returned {value:.6f}: {meaning}. The mean loss of a correct epoch is "
                                f"{expected:.6f}.")
        raise Incorrect(f"`{call}` returned {value:.6f}; one correct epoch gives a mean loss of {expected:.6f} "
                        f"({n} examples in batches of {batch_size}). In each batch: zero the gradients, compute "
                        "the loss, backward, step; start with `model.train()`.")
    return ("Matches the reference on 3 epochs (batches of 32, 50 and 24, with a smaller last batch), from a "
            "model handed over in evaluation mode.")


# --- q2: per-example gradients with JAX ----------------------------------------------

@dataclass(frozen=True)
class SoftmaxLoss:
    """The cross-entropy of ONE example (x a vector, y a class) under a small network; called as loss(params, x, y).

    hidden=0 is a linear model (params W, b); otherwise an MLP with one ReLU layer (W1, b1, W2, b2).
    """

    hidden: int = 0

    def __call__(self, params, x, y):
        if self.hidden:
            x = jax.nn.relu(x @ params["W1"] + params["b1"])
            logits = x @ params["W2"] + params["b2"]
        else:
            logits = x @ params["W"] + params["b"]
        return -jax.nn.log_softmax(logits)[y]


def per_example_grads(loss_fn, params, X, y):
    """Return the gradient of loss_fn(params, X[i], y[i]) wrt params for every i, stacked: {name: (n, *shape)}."""
    return jax.vmap(jax.grad(loss_fn), in_axes=(None, 0, 0))(params, X, y)


def _gradient_cases():
    """(loss_fn, params, X, y): a linear model on 5 examples, an MLP on 7, and one example alone."""
    rng = np.random.default_rng(15)
    for hidden, n, d, classes in [(0, 5, 4, 3), (6, 7, 5, 4), (3, 1, 3, 2)]:
        if hidden:
            params = {"W1": rng.normal(size=(d, hidden)), "b1": rng.normal(size=hidden),
                      "W2": rng.normal(size=(hidden, classes)), "b2": rng.normal(size=classes)}
        else:
            params = {"W": rng.normal(size=(d, classes)), "b": rng.normal(size=classes)}
        yield SoftmaxLoss(hidden), params, rng.normal(size=(n, d)), rng.integers(0, classes, n)


def _as_gradient_dict(got, params, X, call):
    n = len(X)
    got = plain(got, call)
    if not isinstance(got, dict):
        if isinstance(got, np.ndarray) and got.shape == X.shape:
            raise Incorrect(f"`{call}` returned an array of shape {got.shape}, the shape of X: gradients with "
                            "respect to the inputs, not the parameters. `jax.grad(loss_fn)` differentiates with "
                            "respect to the first argument, params, and returns a dict like params.")
        raise Incorrect(f"`{call}` returned {describe(got)}; expected a dict like params, {{name: array}}, each "
                        f"array with one row per example: `jax.grad` of a function of a dict returns a dict.")
    if set(got) != set(params):
        raise Incorrect(f"`{call}` returned a dict with keys {sorted(map(str, got))}; expected the keys of params, "
                        f"{sorted(params)}.")
    arrays = {}
    for name, value in params.items():
        arr = expect_array(got[name], call, kind="f")
        if arr.shape == value.shape:
            raise Incorrect(f"`{call}` returned {name} of shape {arr.shape}, the shape of the parameter itself: "
                            f"one gradient for the whole batch. Expected ({n}, {', '.join(map(str, value.shape))}): "
                            f"one gradient per example. Differentiate the loss of ONE example and map it over "
                            f"the batch with `jax.vmap(jax.grad(loss_fn), in_axes=(None, 0, 0))`.")
        if arr.shape != (n, *value.shape):
            raise Incorrect(f"`{call}` returned {name} of shape {arr.shape}; expected ({n}, "
                            f"{', '.join(map(str, value.shape))}): one gradient per example, stacked on a new "
                            "first axis.")
        arrays[name] = arr
    return arrays


def check_per_example_grads(fn):
    for loss_fn, params, X, y in _gradient_cases():
        n = len(y)
        got = fn(loss_fn, {k: v.copy() for k, v in params.items()}, X.copy(), y.copy())
        call = fn.last_call
        arrays = _as_gradient_dict(got, params, X, call)
        expected = {k: np.asarray(v) for k, v in per_example_grads(loss_fn, params, X, y).items()}
        for name in params:
            if n > 1 and np.allclose(arrays[name], expected[name].mean(axis=0), rtol=1e-6, atol=1e-9) and not \
                    np.allclose(arrays[name], expected[name], rtol=1e-6, atol=1e-9):
                raise Incorrect(f"`{call}` gives every example the same gradient for {name}: the batch's mean "
                                "gradient, repeated. Each row should be the gradient of that one example's loss.")
            expect_close(arrays[name], expected[name], call, rtol=1e-6, atol=1e-9, what=f"gradients of {name}")
        expect_inputs_unchanged(fn, "The batch and the parameters are used again for the next step.")
    return ("Matches jax.vmap(jax.grad(loss)) on 3 batches (a linear model, an MLP, a single example); every "
            "row is one example's own gradient.")


# --- q3: causal self-attention as a torch.nn.Module -----------------------------------

def causal_attention(q, k, v):
    """Lesson 06's causal self-attention in numpy, on the last two axes: softmax(q k^T / sqrt(d), masked) v."""
    T, d = q.shape[-2], q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(d)
    future = np.triu(np.ones((T, T), dtype=bool), k=1)
    scores = np.where(future, -np.inf, scores)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True) @ v


def reference_attend(x, Wq, Wk, Wv):
    """What `attend(x, Wq, Wk, Wv)` should return: causal attention with queries x Wq, keys x Wk, values x Wv."""
    return causal_attention(x @ Wq, x @ Wk, x @ Wv)


class CausalSelfAttention(nn.Module):
    """One head of causal self-attention, with learned query, key and value maps of size d_model."""

    def __init__(self, d_model):
        super().__init__()
        self.query = nn.Linear(d_model, d_model, bias=False)
        self.key = nn.Linear(d_model, d_model, bias=False)
        self.value = nn.Linear(d_model, d_model, bias=False)

    def forward(self, x):
        q, k, v = self.query(x), self.key(x), self.value(x)            # (batch, T, d) each
        T, d = x.shape[-2], x.shape[-1]
        scores = q @ k.transpose(-2, -1) / math.sqrt(d)                 # (batch, T, T)
        future = torch.triu(torch.ones(T, T, dtype=torch.bool, device=x.device), diagonal=1)
        scores = scores.masked_fill(future, float("-inf"))               # position t sees 0..t only
        return torch.softmax(scores, dim=-1) @ v


def attend(x, Wq, Wk, Wv):
    """The exercise's runner: CausalSelfAttention with weights Wq, Wk, Wv (applied as x @ W), run on x."""
    module = CausalSelfAttention(x.shape[-1]).double()
    with torch.no_grad():
        for linear, W in ((module.query, Wq), (module.key, Wk), (module.value, Wv)):
            linear.weight.copy_(torch.from_numpy(W).T)   # nn.Linear computes x @ weight.T
    return module(torch.from_numpy(x))


def _attention_cases():
    """(x, Wq, Wk, Wv): a batch of 2 sequences of 5, one sequence of 1, and a batch of 3 of 7 with large scores."""
    rng = np.random.default_rng(6)
    for batch, T, d, scale in [(2, 5, 4, 1.0), (1, 1, 3, 1.0), (3, 7, 8, 3.0)]:
        yield (rng.normal(size=(batch, T, d)), *(scale * rng.normal(size=(d, d)) / math.sqrt(d) for _ in range(3)))


ATTENTION_SLIPS = [
    (lambda x, Wq, Wk, Wv: causal_attention(x @ Wq * math.sqrt(x.shape[-1]), x @ Wk, x @ Wv),
     "attention without the scale: divide the scores q k^T by sqrt(d_model) before the softmax"),
    (lambda x, Wq, Wk, Wv: causal_attention(x @ Wq / math.sqrt(x.shape[-1]), x @ Wk, x @ Wv),
     "attention with the scores divided by d_model: divide by sqrt(d_model), `math.sqrt(d)`"),
    (lambda x, Wq, Wk, Wv: causal_attention(x @ Wq.T, x @ Wk.T, x @ Wv.T),
     "attention computed with the transposed weights: call the layers, `self.query(x)`, rather than "
     "`x @ self.query.weight` (nn.Linear stores its weight as (out, in) and computes x @ weight.T)"),
    (lambda x, Wq, Wk, Wv: causal_attention(x @ Wk, x @ Wq, x @ Wv),
     "attention with the scores transposed, k q^T: row t of the scores must hold query t against every key, "
     "`q @ k.transpose(-2, -1)`"),
]


def _check_attention_once(fn, x, Wq, Wk, Wv):
    batch, T, d = x.shape
    got = fn(x.copy(), Wq.copy(), Wk.copy(), Wv.copy())
    call = fn.last_call
    out = expect_array(plain(got, call), call, kind="f", finite=False)
    if out.shape != (batch, T, d):
        raise Incorrect(f"`{call}` returned shape {out.shape}; expected {(batch, T, d)}: one output vector per "
                        "position, for every sequence of the batch. Use `k.transpose(-2, -1)` (not `.T`, which "
                        "reverses every axis of a 3-D tensor) and a softmax over the last axis.")
    if not np.all(np.isfinite(out)):
        raise Incorrect(f"`{call}` returned NaN or inf. Is a whole row of scores masked? Mask only the future, "
                        "column > row (`torch.triu(..., diagonal=1)`), so position 0 still sees itself.")
    expect_inputs_unchanged(fn, "The same sequence goes through the other layers of the transformer afterwards.")
    expected = reference_attend(x, Wq, Wk, Wv)
    if np.allclose(out, expected, rtol=1e-6, atol=1e-9):
        return out
    for slip, meaning in ATTENTION_SLIPS:
        if np.allclose(out, slip(x, Wq, Wk, Wv), rtol=1e-6, atol=1e-9):
            raise Incorrect(f"`{call}` matches {meaning}.")
    if not np.allclose(out[:, 0], x[:, 0] @ Wv, rtol=1e-6, atol=1e-9):
        raise Incorrect(f"`{call}` gave position 0 an output other than its own value vector x[:, 0] @ Wv: "
                        "position 0 may only look at itself. Is the future masked with -inf before the softmax "
                        "(`scores.masked_fill(future, float('-inf'))`), and the softmax taken over the last axis "
                        "(`dim=-1`)?")
    expect_close(out, expected, call, rtol=1e-6, atol=1e-9, what="outputs")
    return out


def _check_no_peeking(fn, x, Wq, Wk, Wv, first):
    """Changing the last position must leave every earlier output as it was."""
    later = x.copy()
    later[:, -1] = 5.0
    got = expect_array(plain(fn(later, Wq.copy(), Wk.copy(), Wv.copy()), fn.last_call), fn.last_call, kind="f")
    if got.shape == first.shape and not np.allclose(got[:, :-1], first[:, :-1], rtol=1e-6, atol=1e-9):
        raise Incorrect(f"In `{fn.last_call}`, changing only the last position changed the outputs before it: "
                        "earlier positions see the future. Mask every score with column > row with -inf before the "
                        "softmax, and take the softmax over the last axis (`dim=-1`), along each row.")


def check_attention(fn):
    for x, Wq, Wk, Wv in _attention_cases():
        if x.shape[1] > 1:
            # first a probe for the future, so a leak is named as one rather than as wrong numbers
            first = expect_array(plain(fn(x.copy(), Wq.copy(), Wk.copy(), Wv.copy()), fn.last_call), fn.last_call,
                                 kind="f", finite=False)
            if first.shape == x.shape and np.all(np.isfinite(first)):
                _check_no_peeking(fn, x, Wq, Wk, Wv, first)
        _check_attention_once(fn, x, Wq, Wk, Wv)
    return ("Matches lesson 06's numpy attention on 3 batches (one sequence of length 1), and no position sees "
            "a later one.")


q1 = Question(
    check_train_epoch,
    hints=[
        "Start with `model.train()`: the model arrives in evaluation mode, and batch normalisation behaves "
        "differently in the two. Then loop `for X, y in loader:`.",
        "In every batch, in this order: `optimizer.zero_grad()`, `loss = loss_fn(model(X), y)`, "
        "`loss.backward()`, `optimizer.step()`.",
        "Keep a running total `total += loss.item() * len(y)` and `count += len(y)`; return `total / count`, "
        "the mean loss per example (the last batch may be smaller than the others).",
    ],
    solution=inspect.getsource(train_epoch),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_per_example_grads,
    hints=[
        "`jax.grad(loss_fn)` is a new function: called as `(params, x, y)` with ONE example, it returns a dict "
        "shaped like params.",
        "`jax.vmap(f, in_axes=(None, 0, 0))` maps f over the first axis of X and y while every call shares the "
        "same params (None: not mapped).",
        "`return jax.vmap(jax.grad(loss_fn), in_axes=(None, 0, 0))(params, X, y)`: one line, a dict of arrays "
        "with a leading axis of length len(y).",
    ],
    solution=inspect.getsource(per_example_grads),
    name="q2",
    notebook=NOTEBOOK,
)

q3 = Question(
    check_attention,
    hints=[
        "Call the layers: `q, k, v = self.query(x), self.key(x), self.value(x)`, each (batch, T, d). Scores are "
        "`q @ k.transpose(-2, -1) / math.sqrt(d)`, shape (batch, T, T).",
        "The future is `torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)`; "
        "`scores.masked_fill(future, float('-inf'))` gives those entries weight 0 after the softmax.",
        "`torch.softmax(scores, dim=-1) @ v`: a softmax along each row, then the weighted average of the values.",
    ],
    solution=inspect.getsource(CausalSelfAttention.forward),
    name="q3",
    notebook=NOTEBOOK,
)
