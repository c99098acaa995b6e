"""Blocking forms of async operations that work inside and outside a running event loop."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
S = TypeVar("S")



class _Portal:
    """A daemon thread running one event loop that executes every blocking call."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="arcadia-blocking", daemon=True
        )
        self.thread.start()


_portal_lock = threading.Lock()
_portal: _Portal | None = None


def _get_portal() -> _Portal:
    global _portal
    with _portal_lock:
        if _portal is None:
            _portal = _Portal()
        return _portal


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to completion and return its result, blocking the caller.

    The work runs on a long-lived event loop in a helper thread, so this behaves the same
    inside a running loop (an async agent calling the sync API) and outside one: the work
    is always done before this returns, never scheduled and forgotten. Interrupting the
    wait (Ctrl+C) cancels the work.
    """
    portal = _get_portal()
    if threading.current_thread() is portal.thread:
        coroutine.close()
        raise RuntimeError("a blocking Arcadia call was made from inside an async one; await it")
    future = asyncio.run_coroutine_threadsafe(coroutine, portal.loop)
    try:
        return future.result()
    except BaseException:
        future.cancel()
        raise


def blocking(
    async_method: Callable[Concatenate[S, P], Awaitable[T]],
) -> Callable[Concatenate[S, P], T]:
    """Make the synchronous twin of an async method (`check = blocking(check_async)`)."""

    @functools.wraps(async_method)
    def method(self: S, *args: P.args, **kwargs: P.kwargs) -> T:
        async def call() -> T:
            return await async_method(self, *args, **kwargs)

        return run_blocking(call())

    method.__doc__ = f"Blocking form of `{async_method.__name__}`. " + (async_method.__doc__ or "")
    method.__name__ = async_method.__name__.removesuffix("_async")
    return method
