"""Lesson 04's neural network: a one-hidden-layer ReLU MLP in numpy, reused by lessons 10 to 12.

    params = train(X_train, y_train, hidden=128, seed=0)   # about 97% on load_digits_split
    proba = predict_proba(params, X_test)

Parameters are a dict of arrays: W1 (inputs x hidden), b1 (hidden), W2 (hidden x classes),
b2 (classes). The lesson notebook writes every function out and explains it.
"""
from __future__ import annotations

import numpy as np


def init_params(sizes=(64, 128, 10), seed=0) -> dict:
    """Return W1, b1, W2, b2 for layer sizes (inputs, hidden, classes), drawn from `seed`."""
    n_in, n_hidden, n_out = sizes
    rng = np.random.default_rng(seed)
    return {
        # He initialisation keeps the ReLU layer's activations at a steady scale.
        "W1": rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        # Small output weights: every class starts near probability 1/classes.
        "W2": rng.normal(0.0, 0.01, (n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def softmax(logits):
    """Return row-wise softmax probabilities, stable for large logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def forward(params, X):
    """Return (class probabilities, cache of the intermediate arrays the backward pass needs)."""
    z = X @ params["W1"] + params["b1"]
    h = np.maximum(z, 0.0)
    logits = h @ params["W2"] + params["b2"]
    return softmax(logits), {"X": X, "z": z, "h": h, "logits": logits}


def softmax_xent_grad(logits, y):
    """Return (mean cross-entropy of softmax(logits) against labels y, its gradient wrt logits)."""
    n = len(y)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    grad = np.exp(log_probs)
    grad[np.arange(n), y] -= 1.0
    return loss, grad / n


def mlp_backward(params, X, y):
    """Return the gradients of the mean cross-entropy on (X, y) wrt W1, b1, W2, b2."""
    _, cache = forward(params, X)
    _, dlogits = softmax_xent_grad(cache["logits"], y)
    dh = dlogits @ params["W2"].T
    dz = dh * (cache["z"] > 0)
    return {"W1": X.T @ dz, "b1": dz.sum(axis=0), "W2": cache["h"].T @ dlogits, "b2": dlogits.sum(axis=0)}


def train(X, y, hidden=128, lr=0.5, epochs=30, batch_size=32, seed=0, classes=10, on_epoch=None):
    """Return params trained by minibatch SGD; `on_epoch(epoch, params)` runs after each epoch."""
    params = init_params((X.shape[1], hidden, classes), seed)
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(len(y))
        # Full batches only: a last batch of two images would make a noisy final step.
        for start in range(0, len(y) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            grads = mlp_backward(params, X[batch], y[batch])
            for name in params:
                params[name] -= lr * grads[name]
        if on_epoch is not None:
            on_epoch(epoch, params)
    return params


def predict_proba(params, X):
    """Return the network's class probabilities for each row of X."""
    return forward(params, X)[0]


def loss(params, X, y) -> float:
    """Return the mean cross-entropy of the network on (X, y)."""
    return float(softmax_xent_grad(forward(params, X)[1]["logits"], y)[0])


def accuracy(params, X, y) -> float:
    """Return the fraction of rows of X whose most probable class is y."""
    return float((predict_proba(params, X).argmax(axis=1) == y).mean())
