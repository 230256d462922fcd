"""Do the lesson 15 checks pass the reference, fail realistic mistakes with their reason, and read tensors?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import math

import jax
import numpy as np
import pytest
import torch

from course.checks.expect import Incorrect
from course.checks.nb15_frameworks_pytorch_and_jax import (
    CausalSelfAttention,
    attend,
    causal_attention,
    epoch_setup,
    per_example_grads,
    plain,
    q1,
    q2,
    q3,
    train_epoch,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}


# --- q1: train_epoch, through the exercise's run_epoch --------------------------------

def runner(epoch):
    """The exercise's run_epoch cell, around one version of train_epoch."""
    def run_epoch(seed, n, batch_size):
        return epoch(*epoch_setup(seed, n, batch_size))
    return run_epoch


def epoch_loop(model, loader, optimizer, loss_fn, *, zero=True, step=True, train=True, backward_first=True):
    if train:
        model.train()
    total, count = 0.0, 0
    for X, y in loader:
        if zero:
            optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        if backward_first:
            loss.backward()
            if step:
                optimizer.step()
        else:
            optimizer.step()   # the step before the gradient of this batch exists
            loss.backward()
        total += loss.item() * len(y)
        count += len(y)
    return total / count


def no_zero_grad(model, loader, optimizer, loss_fn):
    return epoch_loop(model, loader, optimizer, loss_fn, zero=False)


def no_step(model, loader, optimizer, loss_fn):
    return epoch_loop(model, loader, optimizer, loss_fn, step=False)


def left_in_eval_mode(model, loader, optimizer, loss_fn):
    return epoch_loop(model, loader, optimizer, loss_fn, train=False)


def step_before_backward(model, loader, optimizer, loss_fn):
    return epoch_loop(model, loader, optimizer, loss_fn, backward_first=False)


def mean_of_batch_means(model, loader, optimizer, loss_fn):
    model.train()
    losses = []
    for X, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def last_batch_only(model, loader, optimizer, loss_fn):
    model.train()
    for X, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
    return loss.item()


def under_no_grad(model, loader, optimizer, loss_fn):
    with torch.no_grad():
        return epoch_loop(model, loader, optimizer, loss_fn)


def moved_to_cuda(model, loader, optimizer, loss_fn):
    model.to("cuda")   # a device this machine does not have
    return epoch_loop(model, loader, optimizer, loss_fn)


def returns_the_loss_tensor(model, loader, optimizer, loss_fn):
    """Valid: zero_grad at the end of each batch (grads start empty), the mean returned as a 0-d tensor."""
    model.train()
    total, count = torch.zeros((), dtype=torch.float64), 0
    for X, y in loader:
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        total = total + loss.detach() * len(y)
        count += len(y)
    return total / count


WRONG["q1"] = [
    (runner(no_zero_grad), "without `optimizer.zero_grad()`"),
    (runner(no_step), "the weights never change"),
    (runner(left_in_eval_mode), "Call `model.train()` first"),
    (runner(mean_of_batch_means), "weight each batch's loss by its size"),
    (runner(last_batch_only), "the loss of the last batch only"),
    (runner(step_before_backward), "a step before it finds the gradients"),
]
VALID["q1"] = [runner(returns_the_loss_tensor)]


def test_does_the_reference_pass_q1():
    assert q1.check(runner(train_epoch)).status == "correct"


def test_is_training_under_no_grad_the_learners_error_q1():
    result = q1.check(runner(under_no_grad))
    assert result.status == "error" and "RuntimeError" in result.message and "does not require grad" in result.message


def test_is_a_device_mistake_a_message_not_a_crash_q1():
    result = q1.check(runner(moved_to_cuda))
    assert result.status == "error" and "run_epoch" in result.message and "CUDA" in result.message


def test_does_the_model_arrive_in_eval_mode_with_a_smaller_last_batch():
    model, loader, _, _ = epoch_setup(0, 200, 32)
    assert not model.training and [len(y) for _, y in loader][-1] == 8


# --- q2: per-example gradients ----------------------------------------------------------

def grad_of_the_batch_mean(loss_fn, params, X, y):
    return jax.grad(lambda p: jax.numpy.mean(jax.vmap(loss_fn, in_axes=(None, 0, 0))(p, X, y)))(params)


def grad_wrt_inputs(loss_fn, params, X, y):
    return jax.vmap(jax.grad(loss_fn, argnums=1), in_axes=(None, 0, 0))(params, X, y)


def mean_repeated(loss_fn, params, X, y):
    grads = per_example_grads(loss_fn, params, X, y)
    return {name: jax.numpy.broadcast_to(g.mean(axis=0), g.shape) for name, g in grads.items()}


def divided_by_batch_size(loss_fn, params, X, y):
    return jax.vmap(jax.grad(lambda p, x, t: loss_fn(p, x, t) / len(y)), in_axes=(None, 0, 0))(params, X, y)


def gradient_ascent_sign(loss_fn, params, X, y):
    return jax.vmap(jax.grad(lambda p, x, t: -loss_fn(p, x, t)), in_axes=(None, 0, 0))(params, X, y)


def as_a_list(loss_fn, params, X, y):
    return [jax.grad(loss_fn)(params, X[i], y[i]) for i in range(len(y))]


def scales_inputs_in_place(loss_fn, params, X, y):
    X /= 2   # changes the caller's batch
    return per_example_grads(loss_fn, params, X * 2, y)


def python_loop(loss_fn, params, X, y):
    """Valid: one jax.grad call per example, stacked with numpy."""
    rows = [jax.grad(loss_fn)(params, X[i], y[i]) for i in range(len(y))]
    return {name: np.stack([np.asarray(row[name]) for row in rows]) for name in params}


def jitted_vmap(loss_fn, params, X, y):
    return jax.jit(jax.vmap(jax.grad(loss_fn), in_axes=(None, 0, 0)), static_argnums=())(params, X, y)


WRONG["q2"] = [
    (grad_of_the_batch_mean, "one gradient for the whole batch"),
    (grad_wrt_inputs, "not the parameters"),
    (mean_repeated, "the batch's mean gradient, repeated"),
    (divided_by_batch_size, "times smaller than the answer"),
    (gradient_ascent_sign, "opposite sign"),
    (as_a_list, "expected a dict like params"),
    (scales_inputs_in_place, "changed its input `X` in place"),
]
VALID["q2"] = [python_loop, jitted_vmap]


def test_does_the_reference_pass_q2():
    assert q2.check(per_example_grads).status == "correct"


def test_is_mapping_over_the_parameters_the_learners_error_q2():
    result = q2.check(lambda loss_fn, params, X, y: jax.vmap(jax.grad(loss_fn))(params, X, y))
    assert result.status == "error" and "ValueError" in result.message


# --- q3: causal self-attention as a module, through the exercise's attend ---------------

def module_runner(forward):
    """The exercise's attend cell, around a CausalSelfAttention whose forward is `forward`."""
    class Attention(CausalSelfAttention):
        pass

    Attention.forward = forward

    def run(x, Wq, Wk, Wv):
        module = Attention(x.shape[-1]).double()
        with torch.no_grad():
            for linear, W in ((module.query, Wq), (module.key, Wk), (module.value, Wv)):
                linear.weight.copy_(torch.from_numpy(W).T)
        return module(torch.from_numpy(x))
    return run


def attention(self, x, *, scale=None, offset=1, dim=-1, fill=float("-inf"), weights=False, transposed=False):
    if weights:
        q, k, v = x @ self.query.weight, x @ self.key.weight, x @ self.value.weight
    else:
        q, k, v = self.query(x), self.key(x), self.value(x)
    T, d = x.shape[-2], x.shape[-1]
    scores = (k @ q.transpose(-2, -1) if transposed else q @ k.transpose(-2, -1)) / (math.sqrt(d) if scale is None
                                                                                    else scale)
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=offset)
    return torch.softmax(scores.masked_fill(future, fill), dim=dim) @ v


WRONG["q3"] = [
    (module_runner(lambda self, x: attention(self, x, scale=1.0)), "without the scale"),
    (module_runner(lambda self, x: attention(self, x, scale=x.shape[-1])), "divided by d_model"),
    (module_runner(lambda self, x: attention(self, x, weights=True)), "transposed weights"),
    (module_runner(lambda self, x: attention(self, x, offset=0)), "Is a whole row of scores masked"),
    (module_runner(lambda self, x: attention(self, x, fill=0.0)), "earlier positions see the future"),
    (module_runner(lambda self, x: attention(self, x, dim=-2)), "the softmax over the last axis"),
    (module_runner(lambda self, x: attention(self, x, transposed=True)), "the scores transposed"),
]


def batch_first_with_einsum(self, x):
    """Valid: einsum, the mask built with tril, and scores scaled before the product."""
    q, k, v = self.query(x), self.key(x), self.value(x)
    T = x.shape[1]
    scores = torch.einsum("btd,bsd->bts", q / x.shape[-1] ** 0.5, k)
    scores = scores.masked_fill(torch.tril(torch.ones(T, T)) == 0, -torch.inf)
    return scores.softmax(-1) @ v


def scaled_dot_product(self, x):
    """Valid: PyTorch's own fused attention."""
    return torch.nn.functional.scaled_dot_product_attention(self.query(x), self.key(x), self.value(x), is_causal=True)


VALID["q3"] = [module_runner(batch_first_with_einsum), module_runner(scaled_dot_product)]


def test_does_the_reference_pass_q3():
    assert q3.check(attend).status == "correct"


def test_is_an_in_place_change_of_the_input_named_q3():
    def scales_x(self, x):
        x.mul_(1.0)   # harmless in value, but in place: the numpy array behind it is the caller's
        x.add_(0.0)
        out = attention(self, x)
        x[:, -1] = 0.0
        return out

    result = q3.check(module_runner(scales_x))
    assert result.status == "incorrect" and "in place" in result.message


@pytest.mark.filterwarnings("ignore:The use of `x.T`:UserWarning")  # the mistake itself: torch warns the learner
def test_does_a_transpose_of_every_axis_get_a_message_not_a_crash_q3():
    def uses_T(self, x):
        q, k, v = self.query(x), self.key(x), self.value(x)
        return torch.softmax(q @ k.T / math.sqrt(x.shape[-1]), dim=-1) @ v

    result = q3.check(module_runner(uses_T))
    assert result.status in ("error", "incorrect") and result.message


def test_does_the_reference_module_match_lesson_06s_numpy_attention():
    rng = np.random.default_rng(0)
    x, W = rng.normal(size=(2, 6, 4)), rng.normal(size=(3, 4, 4))
    out = attend(x, *W).detach().numpy()
    np.testing.assert_allclose(out, causal_attention(x @ W[0], x @ W[1], x @ W[2]), rtol=1e-12)


# --- reading tensors and arrays ----------------------------------------------------------

def test_are_tensors_with_gradients_and_jax_arrays_read_as_numpy():
    weights = torch.ones(2, requires_grad=True)
    got = plain({"t": weights * 3, "j": jax.numpy.arange(3), "pair": (torch.tensor(1.5), 2)}, "f()")
    assert isinstance(got["t"], np.ndarray) and got["t"].tolist() == [3.0, 3.0]
    assert isinstance(got["j"], np.ndarray) and got["pair"][0] == 1.5 and got["pair"][1] == 2


def test_is_a_tensor_without_numbers_a_message():
    with pytest.raises(Incorrect, match="cannot be read as numbers"):
        plain(torch.empty(2, device="meta"), "f()")


@pytest.mark.parametrize("question, wrong, words",
                         [(question, wrong, words) for question, name in ((q1, "q1"), (q2, "q2"), (q3, "q3"))
                          for wrong, words in WRONG[name]],
                         ids=lambda value: getattr(value, "__name__", None) or getattr(value, "name", None))
def test_does_each_realistic_mistake_fail_with_its_reason(question, wrong, words):
    result = question.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message
