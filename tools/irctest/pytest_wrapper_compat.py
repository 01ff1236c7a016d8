"""Lets irctest's conftest.py load under Debian 12's pytest 7.2 / pluggy 1.0.

irctest's conftest.py declares a hook with ``@pytest.hookimpl(wrapper=True)``
("new-style" wrappers), which pluggy only understands from 1.2 on; Debian 12
ships pluggy 1.0, where that call raises TypeError and conftest.py fails to
import. PyPI is out of reach here, so instead of a newer pluggy this plugin,
loaded with ``-p pytest_wrapper_compat`` (before any conftest.py), turns such a
declaration into an old-style ``hookwrapper=True`` one around an adapter that
drives the new-style generator: the wrapped call's result is sent into it, or
its exception thrown into it, and whatever the generator then returns or raises
becomes the hook's outcome. That is what pluggy >= 1.2 does natively.

With a pluggy that already knows ``wrapper=True`` this plugin does nothing.
"""

from __future__ import annotations

import functools
import inspect

import pluggy
import pytest


def _accepts_wrapper() -> bool:
    try:
        pluggy.HookimplMarker("probe")(wrapper=True)
    except TypeError:
        return False
    return True


def _set_exception(outcome, exc: BaseException) -> None:
    # pluggy 1.0's _Result has no force_exception(); this is what it stores.
    outcome._excinfo = (type(exc), exc, exc.__traceback__)


def _adapt(func):
    """Wraps a new-style wrapper generator function as an old-style one."""

    @functools.wraps(func)
    def adapter(*args):
        gen = func(*args)
        try:
            next(gen)
        except StopIteration:
            raise RuntimeError(f"{func.__qualname__} did not yield") from None
        outcome = yield
        try:
            result = outcome.get_result()
        except BaseException as exc:  # noqa: B036 (the hook sees every outcome)
            step = functools.partial(gen.throw, exc)
        else:
            step = functools.partial(gen.send, result)
        try:
            step()
        except StopIteration as stop:
            outcome.force_result(stop.value)
        except BaseException as exc:  # noqa: B036
            _set_exception(outcome, exc)
        else:
            raise RuntimeError(f"{func.__qualname__} yielded twice")

    # pluggy 1.0 reads the hook's argument names with getfullargspec(), which
    # ignores __wrapped__ but honours __signature__.
    adapter.__signature__ = inspect.signature(func)
    return adapter


if not _accepts_wrapper():
    _original_hookimpl = pytest.hookimpl

    def _hookimpl(function=None, *, wrapper=False, **kwargs):
        if not wrapper:
            return _original_hookimpl(function, **kwargs)
        mark = _original_hookimpl(hookwrapper=True, **kwargs)
        if function is None:
            return lambda f: mark(_adapt(f))
        return mark(_adapt(function))

    pytest.hookimpl = _hookimpl
