"""Background operations, after Anki's CollectionOp / QueryOp.

The UI thread never waits on the network or the database. Work is wrapped in
an `Op`, runs on a worker, and its outcome comes back to the UI thread through
a queued Qt signal, where the success or failure callback runs::

    def take_ticket(*, parent: QWidget, ticket_id: int) -> Op[Ticket]:
        return Op(parent, lambda api: api.take_ticket(ticket_id)).success(show_taken)

    take_ticket(parent=panel, ticket_id=17).run_in_background()

Lanes
    Each op runs on a lane, and its function receives that lane's resource.
    ``"network"`` is a thread pool (several requests at once; its resource is
    the API client, which is safe to share). ``"cache"`` is one dedicated
    thread that owns the local SQLite cache: it opens the cache in that thread,
    runs cache ops one at a time in submission order, and is the only writer.

Callbacks (Picard's rule: never touch a widget from a background thread)
    run on the UI thread, after the work. Exceptions are never lost: without a
    failure callback the runner logs the error and passes it to its error
    reporter (by default a non-modal message box); an exception raised by a
    callback goes the same way. When the op's parent (a widget, usually) has
    been destroyed meanwhile, no callback runs: a success is dropped, a failure
    is still logged.

Tests
    `synchronous_ops()` installs a runner that runs each op and its callbacks
    at once on the calling thread (Picard's FakeThreadPool), for tests that need
    determinism. With the threaded runner, wait with
    ``qtbot.waitUntil(lambda: op.is_finished)`` or ``runner.is_idle``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

__all__ = [
    "CACHE",
    "CollectingReporter",
    "NETWORK",
    "Lane",
    "LaneUnavailable",
    "Op",
    "OpRunner",
    "OpState",
    "PoolLane",
    "SyncLane",
    "WorkerLane",
    "op_runner",
    "set_op_runner",
    "show_error_message",
    "synchronous_ops",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

NETWORK = "network"
CACHE = "cache"

ErrorReporter = Callable[[QObject | None, BaseException], None]


class OpState(StrEnum):
    CREATED = "created"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"  # finished after its parent was destroyed: no callback ran


# -- lanes --------------------------------------------------------------------------------


class Lane:
    """Where ops run. `submit(work)` must run `work(resource)` exactly once, on some thread."""

    name: str = "lane"

    def submit(self, work: Callable[[Any], None]) -> None:
        raise NotImplementedError

    def shutdown(self, wait: bool = True) -> None:
        pass

    @property
    def threaded(self) -> bool:
        return True


class PoolLane(Lane):
    """A pool of threads (the network lane): ops run concurrently, in no set order."""

    def __init__(self, name: str = NETWORK, *, max_threads: int = 4, resource: Any = None) -> None:
        self.name = name
        self.resource = resource
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        self._closed = False

    def submit(self, work: Callable[[Any], None]) -> None:
        if self._closed:
            raise RuntimeError(f"the {self.name} lane is shut down")
        resource = self.resource
        self._pool.start(lambda: work(resource))

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
        self._pool.clear()  # ops not started yet never start
        if wait:
            self._pool.waitForDone()


_STOP = object()


class WorkerLane(Lane):
    """One dedicated thread that owns a resource (the cache lane: one SQLite writer).

    `open_resource` runs on that thread before the first op (a SQLite
    connection must be used on the thread that made it); `close_resource` runs
    there at shutdown. If opening fails, every op on the lane fails with that
    error. Ops run one at a time, in submission order.
    """

    def __init__(
        self,
        name: str = CACHE,
        *,
        open_resource: Callable[[], Any] | None = None,
        close_resource: Callable[[Any], None] | None = None,
    ) -> None:
        self.name = name
        self._open = open_resource
        self._close = close_resource
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def thread_ident(self) -> int | None:
        return self._thread.ident if self._thread is not None else None

    def submit(self, work: Callable[[Any], None]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the {self.name} lane is shut down")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"desk-{self.name}", daemon=True)
                self._thread.start()
        self._queue.put(work)

    def _run(self) -> None:
        resource: Any = None
        failure: BaseException | None = None
        if self._open is not None:
            try:
                resource = self._open()
            except BaseException as exc:  # every op will report it
                failure = exc
        while True:
            work = self._queue.get()
            if work is _STOP:
                break
            if failure is not None:
                work(_Unavailable(self.name, failure))
            else:
                work(resource)
        if self._close is not None and failure is None:
            try:
                self._close(resource)
            except Exception:
                log.exception("closing the %s lane's resource failed", self.name)

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            if wait:
                thread.join()


class _Unavailable:
    """Stands in for a lane resource that could not be opened; ops raise its error."""

    def __init__(self, lane: str, error: BaseException) -> None:
        self.lane = lane
        self.error = error


class LaneUnavailable(RuntimeError):
    """An op's lane could not open its resource (the cache file, say)."""


class SyncLane(Lane):
    """Runs each op at once on the calling thread (tests; Picard's FakeThreadPool)."""

    def __init__(self, name: str, *, resource: Any = None) -> None:
        self.name = name
        self.resource = resource

    def submit(self, work: Callable[[Any], None]) -> None:
        work(self.resource)

    @property
    def threaded(self) -> bool:
        return False


# -- the runner ---------------------------------------------------------------------------


class OpRunner(QObject):
    """Runs ops on lanes and delivers their outcomes on its own (the UI) thread."""

    #: After an op's callbacks ran (or were skipped): the Op.
    finished = Signal(object)
    _delivered = Signal(object)

    def __init__(
        self,
        lanes: Mapping[str, Lane] | None = None,
        *,
        error_reporter: ErrorReporter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if lanes is None:
            lanes = {NETWORK: PoolLane(NETWORK), CACHE: WorkerLane(CACHE)}
        self._lanes = dict(lanes)
        self._synchronous = not any(lane.threaded for lane in self._lanes.values())
        self.error_reporter: ErrorReporter = error_reporter or show_error_message
        self._pending = 0
        self._closed = False
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @classmethod
    def synchronous(cls, resources: Mapping[str, Any] | None = None, **kwargs: Any) -> OpRunner:
        resources = dict(resources or {})
        names = {NETWORK, CACHE} | set(resources)
        return cls({name: SyncLane(name, resource=resources.get(name)) for name in names}, **kwargs)

    @property
    def pending(self) -> int:
        """Ops submitted whose callbacks have not run yet."""
        return self._pending

    @property
    def is_idle(self) -> bool:
        return self._pending == 0

    def lane(self, name: str) -> Lane:
        try:
            return self._lanes[name]
        except KeyError:
            raise KeyError(f"no lane {name!r} (lanes: {', '.join(sorted(self._lanes))})") from None

    def submit(self, op: Op[Any]) -> None:
        if self._closed:
            raise RuntimeError("the operation runner is shut down")
        if QThread.currentThread() is not self.thread():
            raise RuntimeError("start operations from the UI thread (the runner's thread)")
        lane = self.lane(op.lane)
        self._pending += 1
        post = self._deliver if self._synchronous else self._post

        def work(resource: Any) -> None:
            try:
                if isinstance(resource, _Unavailable):
                    raise LaneUnavailable(f"the {resource.lane} lane could not start: {resource.error}") from resource.error
                outcome = (op, True, op.fn(resource))
            except BaseException as exc:  # noqa: BLE001 - delivered to the failure callback
                outcome = (op, False, exc)
            post(outcome)

        op._state = OpState.RUNNING
        try:
            lane.submit(work)
        except BaseException:
            self._pending -= 1
            op._state = OpState.CREATED
            raise

    def _post(self, outcome: tuple[Op[Any], bool, Any]) -> None:
        # On a worker thread: the queued connection carries the outcome to the UI thread.
        try:
            self._delivered.emit(outcome)
        except RuntimeError:  # the runner is gone (application shutting down)
            op, ok, value = outcome
            if not ok:
                log.error("operation %s failed after shutdown", op.label, exc_info=_exc_info(value))

    def _deliver(self, outcome: tuple[Op[Any], bool, Any]) -> None:
        op, ok, value = outcome
        self._pending -= 1
        try:
            op._finish(ok, value, self)
        finally:
            self.finished.emit(op)

    def report(self, parent: QObject | None, error: BaseException, what: str) -> None:
        """Log an error and show it through the error reporter (which must not raise)."""
        log.error("%s", what, exc_info=_exc_info(error))
        try:
            self.error_reporter(parent, error)
        except Exception:
            log.exception("the error reporter failed")

    def shutdown(self, wait: bool = True) -> None:
        """Stop the lanes (queued ops that have not started are dropped)."""
        self._closed = True
        for lane in self._lanes.values():
            lane.shutdown(wait)


def _exc_info(error: BaseException) -> tuple[type[BaseException], BaseException, Any]:
    return (type(error), error, error.__traceback__)


# -- operations ---------------------------------------------------------------------------


class Op(Generic[T]):
    """One background operation: `fn(resource)` on a lane, callbacks on the UI thread."""

    def __init__(
        self,
        parent: QObject | None,
        fn: Callable[[Any], T],
        *,
        lane: str = NETWORK,
        label: str | None = None,
        runner: OpRunner | None = None,
    ) -> None:
        self.parent = parent
        self.fn = fn
        self.lane = lane
        self.label = label or getattr(fn, "__qualname__", repr(fn))
        self._runner = runner
        self._on_success: Callable[[T], Any] | None = None
        self._on_failure: Callable[[BaseException], Any] | None = None
        self._state = OpState.CREATED
        self.result: T | None = None
        self.error: BaseException | None = None

    def success(self, callback: Callable[[T], Any]) -> Op[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], Any]) -> Op[T]:
        self._on_failure = callback
        return self

    @property
    def state(self) -> OpState:
        return self._state

    @property
    def is_finished(self) -> bool:
        return self._state in (OpState.SUCCEEDED, OpState.FAILED, OpState.ABANDONED)

    def run_in_background(self) -> Op[T]:
        if self._state is not OpState.CREATED:
            raise RuntimeError(f"operation {self.label} was already started")
        (self._runner or op_runner()).submit(self)
        return self

    def _finish(self, ok: bool, value: Any, runner: OpRunner) -> None:
        if ok:
            self.result = value
        else:
            self.error = value
        parent = self.parent
        if parent is not None and not shiboken6.isValid(parent):
            self._state = OpState.ABANDONED
            self.parent = None
            if not ok:
                log.warning("operation %s failed after its window closed", self.label, exc_info=_exc_info(value))
            return
        self._state = OpState.SUCCEEDED if ok else OpState.FAILED
        if ok:
            if self._on_success is not None:
                try:
                    self._on_success(value)
                except Exception as exc:
                    runner.report(parent, exc, f"the success callback of operation {self.label} failed")
            return
        if self._on_failure is not None:
            try:
                self._on_failure(value)
            except Exception as exc:
                runner.report(parent, exc, f"the failure callback of operation {self.label} failed")
            return
        runner.report(parent, value, f"operation {self.label} failed")


# -- the default runner and error reporter ------------------------------------------------

_runner: OpRunner | None = None


def op_runner() -> OpRunner:
    """The application's runner (network pool + cache worker), made on first use."""
    global _runner
    if _runner is None or not shiboken6.isValid(_runner):
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before running operations")
        _runner = OpRunner(parent=app)
        app.aboutToQuit.connect(_runner.shutdown)
    return _runner


def set_op_runner(runner: OpRunner | None) -> OpRunner | None:
    """Install the runner `Op.run_in_background` uses by default; returns the previous one."""
    global _runner
    previous, _runner = _runner, runner
    return previous


@contextmanager
def synchronous_ops(resources: Mapping[str, Any] | None = None, *, error_reporter: ErrorReporter | None = None) -> Iterator[OpRunner]:
    """Run every op (and its callbacks) at once on the calling thread while inside."""
    runner = OpRunner.synchronous(resources, error_reporter=error_reporter)
    previous = set_op_runner(runner)
    try:
        yield runner
    finally:
        set_op_runner(previous)
        runner.shutdown()
        runner.deleteLater()


class CollectingReporter:
    """An error reporter that keeps what it is given (tests, headless runs)."""

    def __init__(self) -> None:
        self.errors: list[tuple[QObject | None, BaseException]] = []

    def __call__(self, parent: QObject | None, error: BaseException) -> None:
        self.errors.append((parent, error))


def show_error_message(parent: QObject | None, error: BaseException) -> None:
    """The default error reporter: a non-modal message box over the parent's window."""
    if not isinstance(QCoreApplication.instance(), QApplication):
        return  # no widgets (a console run): the log has it
    window = parent.window() if isinstance(parent, QWidget) else None
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Ops", "Something went wrong"))
    box.setText(str(error) or type(error).__name__)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setModal(False)  # the agent can keep working; no nested event loop either
    box.show()
