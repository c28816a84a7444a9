"""Output folders: never replace what the user did not make; one writer at a time.

:func:`check_out_dir` refuses an ``--out`` that is a file, or a non-empty folder that
is not a previous output of the same command (it lacks the command's ``marker`` file),
unless the user says ``--overwrite``. :func:`out_lock` makes a second command writing
the same ``--out`` at the same time fail at once instead of racing the first.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "thesis.tex").write_text("chapter 1")
9
>>> check_out_dir(d, marker="training_config.json", command="classify train")
Traceback (most recent call last):
labkit.outdir.OutputError: ...: a folder holding files that `classify train` did not write (thesis.tex); nothing was changed. Give another --out, or add --overwrite to replace the folder
>>> with out_lock(d / "model"):
...     with out_lock(d / "model"):
...         pass
Traceback (most recent call last):
labkit.outdir.OutputError: ...model: another command is writing this output now (pid ..., lock ....model.lock); wait for it to finish or give another --out
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import LabError


class OutputError(LabError):
    """An output path the command must not write (a user's file or folder, or busy)."""


def kind_of(path: str | Path) -> str | None:
    """What ``path`` is, in words, when it is not a plain folder or file; None otherwise.

    >>> kind_of("/dev/null"), kind_of("/"), kind_of("/tmp")
    ('a character device', 'the file-system root', None)
    """
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if os.path.realpath(path) == os.path.realpath(os.sep):
        return "the file-system root"
    for test, words in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return None


def refuse_special(path: str | Path, expected: str = "a new or regular file") -> None:
    """:class:`OutputError` when ``path`` is a device, FIFO, socket, link or the root: a
    writer never replaces one (``atomic_write`` and ``atomic_dir`` call this).

    >>> refuse_special("/dev/null")
    Traceback (most recent call last):
    labkit.outdir.OutputError: /dev/null: is a character device; expected a new or regular file; nothing was changed. Give another --out
    """
    kind = kind_of(path)
    if kind is not None:
        raise OutputError(f"{path}: is {kind}; expected {expected}; nothing was changed. "
                          "Give another --out")


def check_out_dir(path: str | Path, *, marker: str, command: str, overwrite: bool = False,
                  foreign: tuple[str, ...] = (), has_overwrite: bool = True) -> None:
    """Refuse to replace ``path`` unless it is absent, empty, an earlier output of
    ``command`` (it holds ``marker`` and none of the ``foreign`` files another command
    writes beside it), or ``overwrite`` is set; a file, a device, a FIFO, a link or the
    file-system root is always refused. ``has_overwrite``: the command has --overwrite."""
    path = Path(path)
    refuse_special(path, f"a folder for `{command}` to write")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is a file; expected a folder for `{command}` "
                          "to write; nothing was changed. Give another --out")
    ours = (path / marker).is_file() and not any((path / f).exists() for f in foreign)
    if not path.is_dir() or overwrite or ours:
        return
    names = sorted(p.name for p in path.iterdir())
    if names:
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        raise OutputError(f"{path}: a folder holding files that `{command}` did not write "
                          f"({shown}); nothing was changed. Give another --out"
                          + (", or add --overwrite to replace the folder" if has_overwrite else ""))


@contextlib.contextmanager
def claim_out_dir(path: str | Path, *, marker: str, command: str, overwrite: bool = False,
                  foreign: tuple[str, ...] = (), has_overwrite: bool = True) -> Iterator[Path]:
    """The one rule of every folder writer: :func:`check_out_dir`, then :func:`out_lock`
    while the block writes."""
    check_out_dir(path, marker=marker, command=command, overwrite=overwrite, foreign=foreign,
                  has_overwrite=has_overwrite)
    with out_lock(path) as lock:
        yield lock


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def out_lock(path: str | Path) -> Iterator[Path]:
    """Hold ``.NAME.lock`` beside ``path`` while the block runs (it holds the pid).

    A lock left by a process that no longer runs (killed) is taken over.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock_path(path)
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and pid != os.getpid() and not _alive(pid) or pid == 0:
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()  # stale: its writer was killed
                continue
            raise OutputError(f"{path}: another command is writing this output now (pid {pid}, "
                              f"lock {lock}); wait for it to finish or give another --out") from None
    else:
        raise OutputError(f"{path}: cannot take the lock {lock}; give another --out")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{os.getpid()}\n")
        yield lock
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()


def os_error_line(exc: OSError) -> str:
    """One line for an OSError met while writing or reading (full disk, read-only...).

    >>> os_error_line(OSError(errno.ENOSPC, "No space left on device", "/data/model"))
    '/data/model: No space left on device (ENOSPC); nothing was left half-written. Free some space or give another --out'
    """
    code = errno.errorcode.get(exc.errno or 0, "")
    where = exc.filename if exc.filename is not None else "<output>"
    what = exc.strerror or str(exc)
    hint = {errno.ENOSPC: "Free some space or give another --out",
            errno.EDQUOT: "Free some space or give another --out",
            errno.EROFS: "Give an --out on a writable file system",
            errno.EACCES: "Give an --out you may write to, or change its permissions",
            errno.EPERM: "Give an --out you may write to, or change its permissions"}.get(exc.errno or 0)
    line = f"{where}: {what}" + (f" ({code})" if code else "")
    if hint:
        line += f"; nothing was left half-written. {hint}"
    return line
