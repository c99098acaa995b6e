"""Blocking forms of async operations that work inside and outside a running event loop."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
S = TypeVar("S")

_executor_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _bridge_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="arcadia-sync")
        return _executor


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to completion and return its result, blocking the caller.

    Outside an event loop it runs on a fresh loop in this thread. Inside a running loop
    (an async agent calling the sync API) it runs on a fresh loop in a helper thread and
    this thread waits: the work is always done, never scheduled and forgotten.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    return _bridge_executor().submit(asyncio.run, coroutine).result()


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
