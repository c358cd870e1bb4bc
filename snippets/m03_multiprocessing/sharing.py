"""Five ways to get data to worker processes and results back, on the same task.

The task: each of two long-lived workers adds up its part of a list of numbers, and the parent
gets the total. What differs is only how the numbers travel:

* inside the job message on a ``Pipe``, or through a ``Queue``: pickled, copied through the
  operating system, unpickled;
* through a shared ``Array`` (the total coming back in a ``Value``, under its lock) or a
  ``shared_memory`` block: copied once into memory that every process maps, then read in place;
* through a ``Manager``: kept in a server process, where every access is a request.
"""

from __future__ import annotations

import multiprocessing as mp
from array import array
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.managers import ListProxy, SyncManager
from multiprocessing.queues import Queue
from multiprocessing.shared_memory import SharedMemory
from typing import Any

# forkserver (POSIX; the Linux default from 3.14) or spawn: children inherit nothing by accident.
CTX = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
TIMEOUT = 60  # seconds: no get, recv, poll or join in this file waits forever


def bounds(size: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous (start, stop) ranges covering ``range(size)``; some may be empty."""
    return [(size * i // parts, size * (i + 1) // parts) for i in range(parts)]


# --8<-- [start:workers]
def serve(inbox: Connection, shared: dict[str, Any]) -> None:
    """A worker's loop: run each job ``(function, *args)`` as ``function(shared, *args)`` and send
    back the result, until ``None`` arrives. ``shared`` holds what a process can only be given
    as it starts: a Queue, a shared Array, a Value."""
    with inbox:
        while (job := inbox.recv()) is not None:
            function, *args = job
            inbox.send(function(shared, *args))


class Workers:
    """``count`` long-lived worker processes, each with its own pipe for jobs and answers."""

    def __init__(self, count: int, shared: dict[str, Any]) -> None:
        self.shared = shared
        self.pipes: list[Connection] = []
        self.processes: list[Any] = []
        for _ in range(count):
            ours, theirs = CTX.Pipe()
            # daemon: if the parent exits without closing them (an exception, say), the workers
            # are terminated instead of being waited for forever
            process = CTX.Process(target=serve, args=(theirs, shared), daemon=True)
            process.start()
            theirs.close()  # the child has its own copy; now ours sees EOF if the child dies
            self.pipes.append(ours)
            self.processes.append(process)

    def parts(self, size: int) -> list[tuple[int, int]]:
        return bounds(size, len(self.pipes))

    def ask(self, jobs: list[tuple[Any, ...]]) -> list[Any]:
        """Send one job to each worker; return their answers."""
        for pipe, job in zip(self.pipes, jobs, strict=True):
            pipe.send(job)
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(TIMEOUT):  # recv() has no timeout of its own
                raise TimeoutError("a worker did not answer")
            answers.append(pipe.recv())
        return answers

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for pipe in self.pipes:
            pipe.send(None)
            pipe.close()
        for process in self.processes:
            process.join(timeout=TIMEOUT)
        for resource in self.shared.values():
            if isinstance(resource, Queue):
                resource.close()  # no more puts from this process...
                resource.join_thread()  # ...and its feeder thread has flushed and ended
    # --8<-- [end:workers]


def start_workers(count: int, size: int) -> Workers:
    """Workers for every way below; the Array and Value are sized now, once, for good."""
    return Workers(
        count,
        {
            "tasks": CTX.Queue(),
            "numbers": CTX.Array("q", size, lock=False),  # only read by workers: no lock needed
            "total": CTX.Value("q", 0),  # written by every worker: comes with a lock
        },
    )


# --8<-- [start:pipe]
def sum_sent(shared: dict[str, Any], numbers: array) -> int:
    return sum(numbers)


def via_pipe(workers: Workers, data: array) -> int:
    # The numbers travel inside each job message: pickled, copied through the pipe, unpickled.
    parts = workers.parts(len(data))
    return sum(workers.ask([(sum_sent, data[start:stop]) for start, stop in parts]))
    # --8<-- [end:pipe]


# --8<-- [start:queue]
def sum_queued(shared: dict[str, Any]) -> int:
    return sum(shared["tasks"].get(timeout=TIMEOUT))


def via_queue(workers: Workers, data: array) -> int:
    for start, stop in workers.parts(len(data)):
        workers.shared["tasks"].put(data[start:stop])  # a feeder thread pickles and sends it
    # Whichever worker is free takes the next part: one queue, many readers (behind a lock).
    return sum(workers.ask([(sum_queued,)] * len(workers.pipes)))
    # --8<-- [end:queue]


# --8<-- [start:value_array]
def as_int64(buffer: Any) -> memoryview:
    return memoryview(buffer).cast("B").cast("q")


def sum_in_array(shared: dict[str, Any], start: int, stop: int) -> None:
    part = sum(as_int64(shared["numbers"])[start:stop])  # reads in place: nothing copied
    with shared["total"].get_lock():  # += is a read, an add and a write: lock all three
        shared["total"].value += part


def via_value_array(workers: Workers, data: array) -> int:
    as_int64(workers.shared["numbers"])[: len(data)] = data  # one copy into shared memory
    workers.shared["total"].value = 0
    workers.ask([(sum_in_array, start, stop) for start, stop in workers.parts(len(data))])
    return workers.shared["total"].value
    # --8<-- [end:value_array]


# --8<-- [start:shared_memory]
def sum_in_shared_memory(shared: dict[str, Any], name: str, start: int, stop: int) -> int:
    block = SharedMemory(name=name)  # attach by name: any process that knows it can
    try:
        with block.buf.cast("q") as numbers:  # release the view before close(), or BufferError
            return sum(numbers[start:stop])
    finally:
        block.close()


def via_shared_memory(workers: Workers, data: array) -> int:
    # At least one number: a block cannot be empty. (It may come out bigger, in whole pages.)
    block = SharedMemory(create=True, size=max(1, len(data)) * data.itemsize)
    try:
        with block.buf.cast("q") as numbers:
            numbers[: len(data)] = data  # one copy in; workers then read in place
        parts = workers.parts(len(data))
        return sum(workers.ask([(sum_in_shared_memory, block.name, *part) for part in parts]))
    finally:
        block.close()
        block.unlink()  # the creator frees it, or it stays allocated until the program ends
    # --8<-- [end:shared_memory]


# --8<-- [start:manager]
def sum_from_manager(shared: dict[str, Any], numbers: ListProxy, start: int, stop: int) -> int:
    return sum(numbers[start:stop])  # one request; the slice comes back pickled


def via_manager(workers: Workers, data: array, manager: SyncManager) -> int:
    numbers = manager.list(data)  # the whole list is pickled to the manager's server process
    parts = workers.parts(len(data))
    return sum(workers.ask([(sum_from_manager, numbers, *part) for part in parts]))
    # --8<-- [end:manager]


def ways(manager: SyncManager) -> dict[str, Callable[[Workers, array], int]]:
    return {
        "pipe": via_pipe,
        "queue": via_queue,
        "value_array": via_value_array,
        "shared_memory": via_shared_memory,
        "manager": lambda workers, data: via_manager(workers, data, manager),
    }


# How many numbers: "test" keeps the test suite quick, "bench" is the published figure.
SIZES = {"test": 500_000, "bench": 5_000_000}


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    # Imported here, not at the top: every worker imports this module, and coursecode.measure
    # brings SQLAlchemy, which the workers do not need.
    from coursecode.measure import best_of_interleaved

    data = array("q", range(SIZES[size]))
    with CTX.Manager() as manager, start_workers(2, len(data)) as workers:
        # Workers already running: the figures are the cost of moving data, not of starting.
        runs = {name: (lambda way=way: way(workers, data)) for name, way in ways(manager).items()}
        runs["in_process"] = lambda: sum(data)
        best = best_of_interleaved(runs)
    return {
        **{f"{name}_s": seconds for name, seconds in best.items()},
        "manager_vs_shared_memory_x": best["manager"] / best["shared_memory"],
        "pipe_vs_shared_memory_x": best["pipe"] / best["shared_memory"],
        "numbers_n": len(data),
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    data = array("q", range(100_000))
    with CTX.Manager() as manager, start_workers(2, len(data)) as workers:
        # Which ways give the right total?
        print([name for name, way in ways(manager).items() if way(workers, data) == sum(data)])
        #> ['pipe', 'queue', 'value_array', 'shared_memory', 'manager']
        with CTX.Pool(processes=1) as pool:  # a Queue, Array or Value as a Pool task's argument:
            try:
                pool.apply_async(sum_in_array, (workers.shared, 0, 1)).get(timeout=TIMEOUT)
            except RuntimeError as exc:
                print("through inheritance" in str(exc))
                #> True
            pool.close()
            pool.join()
    # --8<-- [end:demo]
