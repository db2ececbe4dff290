"""Shared fixtures for the nnlib tests.

Two rules of CONTRIBUTING.md are enforced here for every test: no test reaches the internet
(connections to anything but this machine fail), and Hypothesis keeps no example database (it
would otherwise write a ``.hypothesis`` folder into the working directory).
"""

import socket

import numpy as np
import pytest
from hypothesis import settings

from nnlib import activations

settings.register_profile("nnlib", database=None)
settings.load_profile("nnlib")

_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Let sockets connect only to this machine (the local HTTP server of test_mnist)."""
    real_connect = socket.socket.connect

    def connect_locally(sock, address):
        if isinstance(address, tuple) and address[0] not in _LOCAL_HOSTS:
            raise OSError(f"a test tried to connect to {address}; tests must stay offline")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect_locally)


@pytest.fixture
def rng():
    """A fresh seeded generator, so every test that draws random numbers is repeatable."""
    return np.random.default_rng(0)


@pytest.fixture
def activation_registry():
    """Give a test the activation table and put it back as it was afterwards, so an activation
    registered in one test is not visible in another."""
    saved = dict(activations.ACTIVATIONS)
    yield activations.ACTIVATIONS
    activations.ACTIVATIONS.clear()
    activations.ACTIVATIONS.update(saved)


def _central_difference(f, x, h=1e-6):
    """Our own finite-difference gradient of the scalar f() with respect to the float64 array x,
    written independently of nnlib.gradcheck so that a bug there cannot hide a bug elsewhere."""
    assert x.dtype == np.float64
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        upper = f()
        x[index] = saved - h
        lower = f()
        x[index] = saved
        grad[index] = (upper - lower) / (2 * h)
    return grad


@pytest.fixture
def central_difference():
    """The function central_difference(f, x, h=1e-6) → finite-difference gradient of f at x."""
    return _central_difference
