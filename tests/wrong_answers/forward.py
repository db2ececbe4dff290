"""Wrong answers to chapter 3's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""


def _loop(X, layers, step):
    A = X
    for W, b, f in layers:
        A = step(A, W, b, f)
    return A


def _forward_feeding_x_every_time(X, layers):
    A = X
    for W, b, f in layers:
        A = f(X @ W + b)
    return A


def _forward_popping_layers(X, layers):
    A = X
    while layers:
        W, b, f = layers.pop(0)
        A = f(A @ W + b)
    return A


WRONG_ANSWERS = {
    "forward": [
        (lambda X, layers: [f(X @ W + b) for W, b, f in layers][-1], "Feed each layer"),
        (lambda X, layers: _loop(X, layers, lambda A, W, b, f: f(A @ W) + b), "not f(A @ W) + b"),
        (lambda X, layers: _loop(X, layers, lambda A, W, b, f: f(A @ W.T + b)), "A @ W"),
        (_forward_feeding_x_every_time, "Feed each layer the previous layer's output"),
        (_forward_popping_layers, "changed its input layers in place"),
    ],
    "collapse_linear": [
        (lambda W1, b1, W2, b2: (W1 @ W2, b1 + b2), "The first bias also passes through W2"),
        (lambda W1, b1, W2, b2: (W1 @ W2, b2), "the new bias is b1 @ W2 + b2"),
        (lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2), "Don't forget b2"),
        (lambda W1, b1, W2, b2: (W2 @ W1, b1 @ W2 + b2), "X meets W1 first"),
        (lambda W1, b1, W2, b2: ((W1 @ W2).T, b1 @ W2 + b2), "the transpose of W1 @ W2"),
    ],
}
