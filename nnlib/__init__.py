"""nnlib — the teaching library of *Neural Networks from Scratch*.

Read the modules in the order the chapters use them:

====================  ===========  ==============================================================
module                chapter      idea
====================  ===========  ==============================================================
``activations``       2            sigmoid, tanh, ReLU, softmax and their derivatives
``layers``            1, 3, 6, 10  Dense, activations, Dropout, BatchNorm: forward and backward
``init``              3, 10        how weights start: Xavier, He
``network``           3, 5         Sequential: layers in order, parameters as one vector θ
``losses``            4            MSE, cross-entropy; from logits: softmax and binary forms
``optim``             5, 8, 10     SGD, momentum, RMSProp, Adam, AdamW, schedules
``autograd``          6            a tiny scalar autograd: the chain rule on a computation graph
``gradcheck``         6            backprop checked against finite differences
``data``, ``mnist``   7, 9         toy problems, the bundled digits, MNIST and Fashion-MNIST
``metrics``           7, 9         accuracy, confusion matrix, the most confident mistakes
``training``          7            fit, evaluate, predict, predict_proba
``io``                9, 10        save and load a trained network
``plots``             all          the book's figures and animations (imports matplotlib)
``exercises``         all          the checkers behind every exercise
====================  ===========  ==============================================================

``import nnlib`` loads everything except ``plots`` and ``exercises``, which you import when
you need them.
"""

__version__ = "0.2.0"

from nnlib import (  # noqa: E402  (after __version__, which pyproject.toml reads)
    activations,
    autograd,
    data,
    gradcheck,
    init,
    io,
    layers,
    losses,
    metrics,
    mnist,
    network,
    optim,
    training,
)
from nnlib.layers import Dense, Dropout, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh  # noqa: E402
from nnlib.network import Sequential, build_network  # noqa: E402
from nnlib.training import evaluate, fit, predict, predict_proba  # noqa: E402

__all__ = [
    "activations",
    "autograd",
    "data",
    "gradcheck",
    "init",
    "io",
    "layers",
    "losses",
    "metrics",
    "mnist",
    "network",
    "optim",
    "training",
    "Dense",
    "Dropout",
    "LeakyReLU",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "Sequential",
    "build_network",
    "fit",
    "evaluate",
    "predict",
    "predict_proba",
]
