"""Notebooks in, executed notebooks out: parameters (papermill), and the reusable warm
Jupyter kernel that runs them (:class:`KernelWorker`)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

from trafficlib import i18n
from trafficlib.report.base import DEFAULT_TIMEOUT, ROOT, WARM_IMPORTS, ReportError

# --------------------------------------------------------------------------- notebooks


def _kernel_name() -> str:
    """The project's kernel if registered in this environment, else ``python3`` (which
    Jupyter resolves to the running interpreter)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return "trafficlib" if "trafficlib" in KernelSpecManager().find_kernel_specs() else "python3"


def notebook_parameters(nb) -> dict[str, Any]:
    """Names and default values declared in the notebook's ``parameters`` cell."""
    import ast

    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            found = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for t in targets:
                        if isinstance(t, ast.Name):
                            try:
                                found[t.id] = ast.literal_eval(node.value)
                            except ValueError:
                                found[t.id] = None
            return found
    return {}


def _title(nb, notebook: Path, lang: str, override: str | None) -> str:
    if override:
        return override
    meta = nb.metadata.get("trafficlib", {}).get("title")
    if isinstance(meta, Mapping):
        return meta.get(lang) or meta.get("en") or notebook.stem
    return meta or notebook.stem.replace("_", " ").capitalize()


def prepare(notebook: Path, parameters: Mapping[str, Any], lang: str) -> Any:
    """Read ``notebook`` and inject ``parameters`` (plus ``lang``) with papermill."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    if not notebook.exists():
        raise ReportError(f"{notebook}: notebook not found")
    nb = load_notebook_node(str(notebook))  # papermill's loader: adds the metadata it expects
    declared = notebook_parameters(nb)
    if not declared:
        raise ReportError(f"{notebook}: no cell tagged 'parameters'")
    params = dict(parameters)
    params.setdefault("lang", lang)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise ReportError(f"{notebook}: unknown parameter(s) {', '.join(unknown)} "
                          f"(the notebook declares: {', '.join(declared)})")
    i18n.check_lang(params["lang"])
    nb = parameterize_notebook(nb, params, kernel_name=_kernel_name(), language="python")
    for cell in nb.cells:  # papermill gives the injected cell a random id: make reruns identical
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    nb.metadata.setdefault("trafficlib", {})["resolved_parameters"] = {**declared, **params}
    return nb


def _check_setup(reply: dict) -> None:
    """Raise :class:`ReportError` when the reply to a set-up or reset request is an error."""
    c = reply["content"]
    if c["status"] != "ok":
        raise ReportError(f"kernel set-up failed: {c.get('ename')}: {c.get('evalue')}")


class KernelWorker:
    """One Jupyter kernel, started once and reused for many notebooks.

    ``run(nb, cwd)`` executes a prepared notebook in place. The namespace and process
    state are reset before each run; the kernel is restarted after a failure.
    """

    def __init__(self, kernel_name: str | None = None, warm: bool = True,
                 timeout: int = DEFAULT_TIMEOUT) -> None:
        self.kernel_name = kernel_name or _kernel_name()
        self.warm = warm
        self.timeout = timeout
        self.km = None
        self.kc = None
        self.akc = None
        self._warming: str | None = None

    def start(self, wait: bool = True) -> None:
        """Start the kernel and send the warm-up imports; with ``wait=False`` return as
        soon as they are sent (the first :meth:`run` waits for them), so the caller can
        do its own imports meanwhile."""
        from jupyter_client.manager import KernelManager

        # IPC (unix sockets) rather than TCP: local-only, no plain-TCP warning. Each
        # worker gets its own socket folder so parallel workers never share a socket.
        self._ipc_dir = tempfile.mkdtemp(prefix="trafficlib-kernel-")
        self.km = KernelManager(kernel_name=self.kernel_name, transport="ipc",
                                ip=os.path.join(self._ipc_dir, "k"))
        self.km.start_kernel(cwd=str(ROOT))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        # nbclient needs an asynchronous client: with a blocking one its output poller
        # blocks the event loop and cell timeouts never fire. The blocking client above
        # serves our own set-up and reset messages.
        from jupyter_client.asynchronous import AsyncKernelClient

        # Its own session (same key): replies are routed by session identity, so two
        # clients sharing one session would steal each other's replies.
        from jupyter_client.session import Session

        own = Session(key=self.km.session.key, signature_scheme=self.km.session.signature_scheme)
        info = {k: v for k, v in self.km.get_connection_info().items() if k not in ("key", "signature_scheme")}
        self.akc = AsyncKernelClient(**info, session=own, parent=self.km)
        self.akc.start_channels()
        imports = WARM_IMPORTS if self.warm else ["numpy", "matplotlib", "pandas", "trafficlib.display"]
        code = "\n".join(
            ["import importlib as _il"]
            + [f"_il.import_module({m!r})" for m in imports]
            + ["%matplotlib inline",
               # the imported libraries live as long as the kernel: freeze them out of the
               # garbage collector's scans, so the collection each namespace reset does
               # takes milliseconds instead of ~0.15 s
               "import gc as _gc", "_gc.collect()", "_gc.freeze()",
               # reports allocate many short-lived pandas objects: collect the youngest
               # generation every 20,000 allocations rather than 700, and the oldest
               # rarely (full scans of a heap of parsed exports took ~0.13 s each, ~5 %
               # of a batch's compute; measured with gc.callbacks on the demo batch)
               "_gc.set_threshold(20_000, 20, 20)",
               "import trafficlib._kernel_state as _ks", "_ks.snapshot()",
               "del _il, _ks, _gc"])
        self._warming = self.kc.execute(code, silent=True, store_history=False)
        if wait:
            self._await_warm()

    def _await_warm(self) -> None:
        msg_id, self._warming = self._warming, None
        if msg_id is None:
            return
        while True:
            reply = self.kc.get_shell_msg(timeout=300)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        _check_setup(reply)

    async def _asilent(self, code: str, timeout: float = 300) -> None:
        """Run ``code`` in the kernel without output and wait for its reply, on the
        asynchronous client (in the event loop: a blocking client on a thread spent
        ~30 ms of the driver's CPU per call). Its status messages are left on the
        output channel, where nbclient skips messages of other requests."""
        from queue import Empty

        msg_id = self.akc.execute(code, silent=True, store_history=False)
        try:
            while True:
                reply = await self.akc.get_shell_msg(timeout=timeout)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        except Empty:
            raise ReportError(f"kernel set-up timed out after {timeout:.0f} s") from None
        _check_setup(reply)

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def shutdown(self) -> None:
        for client in (self.kc, self.akc):
            if client is not None:
                client.stop_channels()
        if self.km is not None and self.km.has_kernel:
            self.km.shutdown_kernel(now=True)
        if getattr(self, "_ipc_dir", None):
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
        self.km = self.kc = self.akc = None

    def run(self, nb, cwd: Path) -> None:
        """Execute ``nb`` (modified in place); raises ReportError naming the failing cell."""
        from jupyter_core.utils import run_sync

        run_sync(self.arun)(nb, cwd)

    async def arun(self, nb, cwd: Path) -> None:
        """:meth:`run` as a coroutine, so one process can drive several kernels at once
        (:func:`trafficlib.report.batch.run_jobs`). The warm-up is awaited on a thread
        (blocking client); the reset and the cells go through the asynchronous client
        (the cells with nbclient)."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        if self.km is None:
            await _in_thread(self.start)
        await _in_thread(self._await_warm)
        # reset(new_session=False): clear the namespace without starting a new history
        # session (which costs ~0.25 s of SQLite writes per report)
        try:
            await self._asilent("get_ipython().reset(new_session=False)\n"
                                "import trafficlib._kernel_state as _ks\n"
                                f"_ks.restore({str(cwd)!r})\ndel _ks")
        except ReportError:
            await _in_thread(self.restart)  # a kernel that could not be reset is not reused
            raise
        client = NotebookClient(nb, km=self.km, kernel_name=self.kernel_name, timeout=self.timeout,
                                allow_errors=False, record_timing=False,
                                resources={"metadata": {"path": str(cwd)}})
        client.kc = self.akc
        client.reset_execution_trackers()
        count = 0  # execution counts as in a fresh kernel: 1, 2, 3...
        source_count = 0  # code cells of the source notebook (the injected cell excluded)
        try:
            async with client.async_setup_kernel():
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    count += 1
                    if "injected-parameters" not in cell.metadata.get("tags", []):
                        source_count += 1
                    try:
                        await client.async_execute_cell(cell, index, execution_count=count)
                    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
                        raise ReportError(_cell_error(exc, cell, source_count)) from None
        except ReportError:
            await _in_thread(self.restart)  # never reuse a kernel after an error or a timeout
            raise


async def _in_thread(fn, *args):
    """``fn(*args)`` on a worker thread, awaited. Not ``asyncio.to_thread``: that copies
    the caller's context, and with it jupyter_core's record of the running event loop,
    so jupyter_client's blocking calls in the thread would try to run that loop."""
    import asyncio
    import functools

    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args))


def _cell_error(exc: Exception, cell, count: int) -> str:
    first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
    where = f"code cell {count} ({first[:80]})"
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
    if type(exc).__name__ == "CellTimeoutError":
        return f"{where}: timed out"
    return f"{where}: {ename}: {evalue}"

