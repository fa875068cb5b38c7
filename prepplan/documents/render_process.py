"""Where WeasyPrint runs in a server: in a child process of each worker, at a lower CPU priority.

A render holds Python's GIL for a second or more. Run in the worker itself, it made every page
served by the worker's other threads wait behind it (page p95 over 1 s with 100 families on two
cores). In a child process it holds only its own GIL, and at ``nice`` 10 the kernel gives the
CPU to the processes serving pages first: renders take what the pages leave.

The children are started from a fork server that has imported WeasyPrint once, so they share
its memory, and each loads the fonts and print stylesheets once (``warm``). A child is replaced
after ``TASKS_PER_CHILD`` renders, which bounds any slow growth of its memory. The command line
and the tests render in their own process (``PDF_PROCESS`` off), exactly the same function.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from flask import current_app, has_app_context

Result = TypeVar("Result")

# Below the pages' processes (0): they get the CPU first. At 10 a render got so little of it
# under 100 families (0.30 PDFs/s, p50 17 s) that the queue timed out; at 5, 0.62 PDFs/s and
# page p95 0.38 s (./dev.sh load, 2 cores).
NICE = 5
TASKS_PER_CHILD = 500
_PRELOAD = ["prepplan.documents.pdf"]

_lock = threading.Lock()
# One pool per process: a pool made before a fork (gunicorn's master) is never used after it.
_pools: dict[int, ProcessPoolExecutor] = {}


def _start_child(nice: int) -> None:
    """In the child: lower its priority, scrub its logs as the server's, load fonts once."""
    with contextlib.suppress(OSError):  # a sandbox that forbids it: the render runs all the same
        os.nice(nice)
    from prepplan.documents import pdf
    from prepplan.security import scrub_logging

    scrub_logging()
    pdf.warm()


def _pool(children: int) -> ProcessPoolExecutor:
    with _lock:
        pool = _pools.get(os.getpid())
        if pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            pool = ProcessPoolExecutor(
                max_workers=children,
                mp_context=context,
                initializer=_start_child,
                initargs=(NICE,),
                max_tasks_per_child=TASKS_PER_CHILD,
            )
            _pools[os.getpid()] = pool
        return pool


def _discard(pool: ProcessPoolExecutor) -> None:
    with _lock:
        if _pools.get(os.getpid()) is pool:
            del _pools[os.getpid()]
    pool.shutdown(wait=False, cancel_futures=True)


def in_child_process() -> bool:
    """Whether renders go to a child process: in a running app that asks for it."""
    return has_app_context() and bool(current_app.config["PDF_PROCESS"])


def run(function: Callable[..., Result], *args: object) -> Result:
    """``function(*args)`` in a render child when the app asks for it, else here."""
    if not in_child_process():
        return function(*args)
    return run_in_child(function, *args, children=max(1, int(current_app.config["PDF_RENDERS"])))


def run_in_child(function: Callable[..., Result], *args: object, children: int = 1) -> Result:
    """``function(*args)`` in one of this process's render children. A child that died (killed
    for memory, say) is replaced, and the call tried once more."""
    for attempt in (1, 2):
        pool = _pool(children)
        try:
            return pool.submit(function, *args).result()
        except BrokenProcessPool:
            _discard(pool)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def start() -> None:
    """Start this process's render children now (gunicorn's post_worker_init), so the first
    family's PDF does not wait for WeasyPrint to load."""
    if in_child_process():
        children = max(1, int(current_app.config["PDF_RENDERS"]))
        pool = _pool(children)
        for future in [pool.submit(os.getpid) for _ in range(children)]:
            future.result()


def stop() -> None:
    """Stop this process's render children (tests; a worker's exit does it by itself)."""
    with _lock:
        pool = _pools.pop(os.getpid(), None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
