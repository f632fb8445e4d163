"""The app's worker threads: Textual runs each ``@work(thread=True)`` job with
``loop.run_in_executor(None, …)``, on the event loop's default executor. Ours is the same
thread pool, which after every job hands the job's database connection back
(``Session.release_connection``): a pool thread lives on between jobs, and each had kept a
connection (and its 1.8 MB copy of the schema) for good."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class JobThreads(ThreadPoolExecutor):
    def __init__(self, after_job: Callable[[], None]) -> None:
        super().__init__(thread_name_prefix="worker")
        self._after_job = after_job

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        after = self._after_job

        def job() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                after()

        return super().submit(job)
