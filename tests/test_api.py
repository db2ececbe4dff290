"""Properties of nnlib's public API as a whole: everything public is documented, and the
package imports without matplotlib's plotting module."""

import importlib
import inspect
import pkgutil
import subprocess
import sys

import nnlib

MODULES = ["nnlib"] + [
    f"nnlib.{m.name}" for m in pkgutil.walk_packages(nnlib.__path__) if not m.name.startswith("_")
]


def inherits_docstring(cls, name):
    return any(getattr(getattr(base, name, None), "__doc__", None) for base in cls.__mro__[1:])


def public_objects():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        yield module_name, module
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{module_name}.{name}", obj
            if inspect.isclass(obj):
                for method_name, method in vars(obj).items():
                    if method_name.startswith("_") or not inspect.isfunction(method):
                        continue
                    if not method.__doc__ and inherits_docstring(obj, method_name):
                        continue  # the base class documents it (and Sphinx shows that text)
                    yield f"{module_name}.{name}.{method_name}", method


def test_every_public_name_has_a_docstring():
    undocumented = [name for name, obj in public_objects() if not (obj.__doc__ or "").strip()]
    assert undocumented == []


def test_version_is_set():
    assert nnlib.__version__.count(".") == 2


def test_import_nnlib_does_not_import_pyplot():
    code = "import sys, nnlib; print('matplotlib.pyplot' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"
