"""Wall time and peak memory of a command *and all its descendants* (Linux /proc), for benchmarks.

`marsad ... --jobs N` spawns worker processes, so the parent's ru_maxrss says little: what a
machine must hold is the sum over the process tree at the same instant. A sampler thread walks
the tree of the child every `interval` seconds and sums, per process,

- PSS (proportional set size, `/proc/PID/smaps_rollup`): pages shared between processes (the
  interpreter, numpy, mapped model files) are split between them, so the sum is what the tree
  really occupies;
- RSS (`/proc/PID/statm`) for a process whose PSS cannot be read (shared pages counted once per
  process: an upper bound); the result says which (`memory_kind`).

The peak is the largest sum seen; a peak shorter than the interval can be missed, so the
largest single process's ru_maxrss (from wait4, exact) is reported too as a floor.

    from _proc import run_measured
    seconds, peak_bytes, returncode, stderr_tail = run_measured(["marsad", "report", ...])
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measurement:
    """What one measured command did. Byte figures are peaks over the samples of its tree."""

    seconds: float
    returncode: int
    peak_bytes: int              # peak_pss_bytes when there were samples, else peak_rss_bytes
    memory_kind: str             # "pss", "pss+rss" (some process had no PSS) or "rss"
    peak_pss_bytes: int | None   # peak PSS sum (RSS for a process without PSS); None: no sample
    peak_rss_bytes: int          # peak of the RSS sum (shared pages counted per process)
    largest_process_bytes: int   # ru_maxrss of the largest single process (wait4), exact
    peak_processes: int          # most processes seen in the tree at once
    samples: int
    stderr_tail: str
    stderr_lines: tuple[str, ...]  # every stderr line (small for --quiet runs)


def _children_files(pid: int) -> list[int] | None:
    """Direct children of pid from /proc/PID/task/*/children; None when the kernel lacks it."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(part) for part in handle.read().split())
    except FileNotFoundError:
        return None if os.path.exists(f"/proc/{pid}") else []   # no such file, or pid gone
    except OSError:
        return []
    return found


def _parents() -> dict[int, int]:
    """pid -> ppid of every process, from /proc/*/stat."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        parents[int(name)] = int(fields[1])
    return parents


def process_tree(root: int) -> list[int]:
    """root and all its descendants alive now.

    The kernel's children lists are used when it has them (CONFIG_PROC_CHILDREN); otherwise
    one scan of /proc/*/stat (about 1 ms for 100 processes) gives every parent link at once.
    """
    tree, frontier = [root], [root]
    while frontier:
        listed = [_children_files(pid) for pid in frontier]
        if any(children is None for children in listed):
            break
        frontier = [child for children in listed for child in children]
        tree.extend(frontier)
    else:
        return tree
    by_parent: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        by_parent.setdefault(parent, []).append(pid)
    tree, frontier = [root], [root]
    while frontier:
        frontier = [child for pid in frontier for child in by_parent.get(pid, [])]
        tree.extend(frontier)
    return tree


def memory_of(pid: int) -> tuple[int | None, int | None]:
    """(PSS, RSS) of one process in bytes; PSS None when unreadable, both None when gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            pss = rss = None
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
            if rss is not None:
                return pss, rss
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return None, int(handle.read().split()[1]) * PAGE_SIZE
    except OSError:
        return None, None


class TreeSampler(threading.Thread):
    """Samples the summed memory of a process tree until stop() is called."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_pss = 0          # per process PSS, or its RSS when PSS is unreadable
        self.pss_complete = True   # whether PSS could be read for every process sampled
        self.peak_rss = 0
        self.peak_processes = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def sample(self) -> None:
        pss_sum = rss_sum = alive = 0
        for pid in process_tree(self.root):
            pss, rss = memory_of(pid)
            if not rss:
                continue           # exited between listing and reading, or a zombie
            alive += 1
            rss_sum += rss
            if pss is None:
                self.pss_complete = False
            pss_sum += rss if pss is None else pss
        if not alive:
            return
        self.samples += 1
        self.peak_rss = max(self.peak_rss, rss_sum)
        self.peak_pss = max(self.peak_pss, pss_sum)
        self.peak_processes = max(self.peak_processes, alive)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure(cmd: Sequence[str], *, interval: float = 0.2, env: dict[str, str] | None = None,
            cwd: str | None = None, tail_chars: int = 2000) -> Measurement:
    """Run cmd to completion (stdout discarded, stderr kept) and measure its process tree."""
    with tempfile.TemporaryFile(mode="w+b") as stderr_file:
        started = time.perf_counter()
        child = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=stderr_file,
                                 env=env, cwd=cwd)
        sampler = TreeSampler(child.pid, interval)
        sampler.start()
        # wait4 rather than Popen.wait: it also returns the child's rusage, whose ru_maxrss is
        # the largest resident size of the child or any descendant it reaped (exact, KiB).
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr_file.seek(0)
        stderr = stderr_file.read().decode("utf-8", errors="replace")
    largest = usage.ru_maxrss * 1024
    # A tree that lived less than one interval (or was only sampled after it exited) has no
    # sample: fall back on the exact single-process figure.
    peak_rss = max(sampler.peak_rss, largest if not sampler.samples else 0)
    peak_pss = sampler.peak_pss if sampler.samples else None
    kind = "rss" if peak_pss is None else "pss" if sampler.pss_complete else "pss+rss"
    return Measurement(
        seconds=seconds, returncode=child.returncode,
        peak_bytes=peak_rss if peak_pss is None else peak_pss, memory_kind=kind,
        peak_pss_bytes=peak_pss, peak_rss_bytes=peak_rss, largest_process_bytes=largest,
        peak_processes=sampler.peak_processes, samples=sampler.samples,
        stderr_tail=stderr[-tail_chars:], stderr_lines=tuple(stderr.splitlines()))


def run_measured(cmd: Sequence[str], **kwargs) -> tuple[float, int, int, str]:
    """(seconds, peak bytes of the whole process tree, return code, stderr tail) of cmd."""
    m = measure(cmd, **kwargs)
    return m.seconds, m.peak_bytes, m.returncode, m.stderr_tail
