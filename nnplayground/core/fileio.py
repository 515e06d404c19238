"""Every user file goes through here: written atomically, read only when it is safe to read.

Writing: a temporary file in the target's folder is filled, flushed and fsynced, then replaces the
target in one ``os.replace``; on any failure the temporary file is removed and the old target is
left byte for byte as it was. Failures raise :class:`SaveError` in plain words.

Reading: only regular files (a FIFO would block for ever, ``/dev/zero`` never ends), sized before
they are read; ``.npz`` members checked from their zip entry and ``.npy`` header (type, shape, size)
before a byte is inflated; JSON parsed with a depth limit and only finite numbers. Problems raise
:class:`FileReadError`, which each loader turns into its own error type.
"""
from __future__ import annotations

import errno
import json
import math
import os
import re
import secrets
import stat
import struct
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, NamedTuple, Sequence

import numpy as np

MAX_PARAMETERS = 1 << 26  # weights and biases in one file: 512 MiB as float64
MAX_JSON_DEPTH = 16  # our records nest 4 deep; json itself recurses about 1000 deep before failing
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_DIRECTORY_BYTES = 1 << 20  # zipfile builds an object per entry: bound it before it reads them
MAX_NPY_HEADER = 10_000  # numpy's own default
READ_CHUNK = 16 << 20


class SaveError(OSError):
    """A file could not be saved; the old file, if any, is untouched. ``str()`` is one plain sentence."""

    def __init__(self, path: str | os.PathLike, cause: OSError | str | None = None):
        if cause is None:  # SaveError("cannot save x.png: the picture could not be written")
            super().__init__(None, str(path))
            self.message = str(path)
            return
        reason = cause if isinstance(cause, str) else describe_os_error(cause, writing=True)
        super().__init__(getattr(cause, "errno", None), reason)
        self.filename = os.fspath(path)
        self.message = f"cannot save {Path(path).name}: {reason}"

    def __str__(self) -> str:
        return self.message


class FileReadError(ValueError):
    """A file that cannot be read safely; loaders re-raise it as their own error type."""


_WRITE_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "a folder has that name",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EFBIG: "the file is too large for the disk",
    errno.EIO: "the disk reported an input/output error",
    errno.ELOOP: "the path has a loop of symbolic links",
}
_READ_REASONS = {**_WRITE_REASONS, errno.ENOENT: "no such file", errno.EISDIR: "it is a folder, not a file"}


def describe_os_error(exc: OSError, writing: bool = False) -> str:
    """The cause of ``exc`` in plain words, without the path (the caller names the file)."""
    reasons = _WRITE_REASONS if writing else _READ_REASONS
    return reasons.get(exc.errno) or (exc.strerror or str(exc) or type(exc).__name__).lower()


# -- writing ----------------------------------------------------------------------------------------
def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(fh)`` on a temporary file beside ``path``, then put it in place in one step.

    OSErrors become :class:`SaveError`; anything else (a bug, KeyboardInterrupt) is re-raised as
    it was. Either way the temporary file is gone and the old ``path`` is unchanged.
    """
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        write(fh)


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    data = text.encode(encoding)
    atomic_write(path, lambda fh: fh.write(data))


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix) for writers that want a file name; when the
    block ends without an exception it is synced and replaces ``path``."""
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path  # keep a link, write where it points
    tmp = _create_temporary(path, target)
    try:
        yield tmp
        _sync_file(tmp)
        _keep_mode(tmp, target)
        os.replace(tmp, target)
    except BaseException as exc:
        _remove_quietly(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, SaveError):
            raise SaveError(path, exc) from exc
        raise
    _sync_folder(target.parent)


def _create_temporary(path: Path, target: Path) -> Path:
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp{target.suffix}")
        try:  # mode 0o666 so the umask applies, as for any new file the user makes
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666))
            return tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise SaveError(path, exc) from exc
    raise SaveError(path, "no free temporary name in its folder")


def _sync_file(tmp: Path) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_mode(tmp: Path, target: Path) -> None:
    """A file the user already had keeps its permissions."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return
    os.chmod(tmp, mode)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every file system can, and the file is saved either way."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(tmp: Path) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


# -- reading ----------------------------------------------------------------------------------------
def _human_size(n: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            return f"{n / scale:.0f} {unit}"
    return f"{n} bytes"


def check_regular_file(path: str | os.PathLike, max_bytes: int, what: str = "files") -> int:
    """The size of ``path`` if it is a regular file of at most ``max_bytes``; else FileReadError."""
    name = Path(path).name
    try:
        st = os.stat(path)  # follows links: a link to /dev/zero is judged by what it points to
    except OSError as exc:
        raise FileReadError(f"cannot read {name}: {describe_os_error(exc)}") from None
    except ValueError:  # a NUL byte in the path
        raise FileReadError(f"cannot read {name}: the name is not a valid path") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileReadError(f"cannot read {name}: it is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise FileReadError(f"cannot read {name}: it is not a regular file (a device, pipe or socket)")
    if st.st_size > max_bytes:
        size, limit = _human_size(st.st_size), _human_size(max_bytes)
        raise FileReadError(f"{name} is {'more than ' if size == limit else ''}{size}; {what} up to {limit} "
                            f"can be opened")
    return st.st_size


def open_regular_file(path: str | os.PathLike, max_bytes: int, what: str = "files") -> BinaryIO:
    """Open ``path`` for reading in binary, refusing anything but a regular file of at most ``max_bytes``.

    O_NONBLOCK keeps a FIFO swapped in after the check from blocking the open; fstat then refuses it.
    """
    name = Path(path).name
    check_regular_file(path, max_bytes, what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileReadError(f"cannot read {name}: {describe_os_error(exc)}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
        os.close(fd)
        raise FileReadError(f"cannot read {name}: it changed while it was being opened")
    return os.fdopen(fd, "rb")


def read_regular_file(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (one still growing is cut off and refused)."""
    name = Path(path).name
    with open_regular_file(path, max_bytes) as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise FileReadError(f"cannot read {name}: {describe_os_error(exc)}") from None
    if len(data) > max_bytes:
        raise FileReadError(f"{name} grew beyond {_human_size(max_bytes)} while it was read")
    return data


# -- JSON -------------------------------------------------------------------------------------------
_JSON_ESCAPE = re.compile(r"\\.", re.DOTALL)
_JSON_STRING = re.compile(r'"[^"]*(?:"|\Z)')  # once escapes are gone; an unterminated one runs to the end
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_INT_DIGITS = 19  # ±9.2e18 fits an int64; longer integers are not a size, a seed or a count


class _BadNumber(Exception):
    pass


def _refuse_constant(text: str):
    raise _BadNumber(f"{text} is not a finite number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(f"the number {text[:20]}{'…' if len(text) > 20 else ''} is too large")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _JSON_INT_DIGITS:
        raise _BadNumber(f"the whole number {text[:20]}… is too large")
    return int(text)


def _nesting_within(text: str, limit: int) -> bool | None:
    """Whether JSON ``text`` nests at most ``limit`` deep (up to twice that may pass); None if its
    brackets do not match. Strips strings, keeps the brackets, and removes innermost pairs one level
    per step: a few C-speed passes instead of a Python loop over the characters."""
    # Simple patterns only: a string pattern that had to handle escapes itself would keep state per
    # escape (hundreds of MB for a few million) or, written otherwise, retry at every escaped quote.
    skeleton = _NOT_BRACKET.sub("", _JSON_STRING.sub("", _JSON_ESCAPE.sub("", text)))
    for step in range(2 * limit + 1):
        if not skeleton:
            return True
        shorter = skeleton.replace("[]" if step % 2 else "{}", "")
        if shorter == skeleton and skeleton.replace("{}" if step % 2 else "[]", "") == skeleton:
            return None
        skeleton = shorter
    return False


def parse_json(text: str, name: str, max_depth: int = MAX_JSON_DEPTH):
    """``json.loads`` that cannot recurse without bound and accepts only finite numbers."""
    fits = _nesting_within(text, max_depth)
    if fits is None:
        raise FileReadError(f"{name} is not valid JSON: its brackets do not match (is it cut short?)")
    if not fits:
        raise FileReadError(f"{name} is nested more than {max_depth} levels deep; it is not a file this app wrote")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except _BadNumber as exc:
        raise FileReadError(f"{name} holds a number that cannot be used: {exc}") from None
    except json.JSONDecodeError as exc:
        raise FileReadError(f"{name} is not valid JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:  # defensive: the depth check should have caught it
        raise FileReadError(f"{name} is not valid JSON: {exc}") from None


# -- .npz archives ----------------------------------------------------------------------------------
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = b"PK\x06\x07"
# What zipfile raises on a damaged archive (OSError too: an offset before the file's start is EINVAL).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error, zlib.error, OSError,
               NotImplementedError, RuntimeError, OverflowError, UnicodeDecodeError, KeyError, IndexError)


def _end_of_central_directory(fh: BinaryIO, name: str, kind: str) -> tuple[int, int]:
    """(entries, directory bytes) from the zip's end record, found the way zipfile finds it."""
    size = fh.seek(0, os.SEEK_END)
    tail_start = max(size - (1 << 16) - _EOCD.size, 0)
    fh.seek(tail_start)
    tail = fh.read()
    if len(tail) >= _EOCD.size and tail[-_EOCD.size:][:4] == b"PK\x05\x06" and tail[-2:] == b"\0\0":
        start = len(tail) - _EOCD.size
    else:
        start = tail.rfind(b"PK\x05\x06")
        if start < 0 or len(tail) - start < _EOCD.size:
            raise FileReadError(f"{name} is damaged or not {kind}")
    record = _EOCD.unpack(tail[start : start + _EOCD.size])
    entries, directory = record[4], record[5]
    if entries == 0xFFFF or directory == 0xFFFFFFFF or tail[max(start - 20, 0) : start][:4] == _ZIP64_LOCATOR:
        raise FileReadError(f"{name} is a very large (zip64) archive, which nnplayground never writes")
    return entries, directory


class NpzArchive:
    """The ``.npy`` members of a zip, read only after their zip entry and header are checked.

    ``budget`` bounds the bytes inflated in all; every read states the shape (or the largest size)
    it expects, and the member's declared size is checked against it before its data is read.
    """

    def __init__(self, fh: BinaryIO, name: str, budget: int, kind: str = "a NumPy archive"):
        self.name, self.left = name, budget
        entries, directory = _end_of_central_directory(fh, name, kind)
        if entries > MAX_ZIP_MEMBERS or directory > MAX_ZIP_DIRECTORY_BYTES:
            raise FileReadError(f"{name} lists {entries:,} entries; it is not a file this app wrote")
        try:
            fh.seek(0)
            self._zip = zipfile.ZipFile(fh)
            infos = self._zip.infolist()
        except _ZIP_ERRORS as exc:
            raise FileReadError(f"{name} is damaged or truncated ({_plain(exc)})") from None
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.flag_bits & 0x41:
                raise FileReadError(f"{name} has an encrypted part ({info.filename}); nnplayground never encrypts")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise FileReadError(f"{name} uses a compression method nnplayground does not read "
                                    f"(method {info.compress_type} in {info.filename})")
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            if key in self._members:
                raise FileReadError(f"{name} is damaged: it holds {info.filename} twice")
            self._members[key] = info

    def __enter__(self) -> "NpzArchive":
        return self

    def __exit__(self, *exc) -> None:
        self._zip.close()

    @property
    def names(self) -> set[str]:
        return set(self._members)

    def shape(self, member: str) -> tuple[int, ...]:
        """The member's declared shape, from its header alone."""
        with self._open(member) as fp:
            header = self._header(fp, member)
        self.left += header.nbytes  # not read after all
        return header.shape

    def text(self, member: str, max_chars: int) -> str:
        """A 0-d unicode array (how ``np.savez`` stores a string), at most ``max_chars`` long."""
        with self._open(member) as fp:
            header = self._header(fp, member)
            if header.dtype.kind != "U" or header.shape != ():
                raise FileReadError(f"{self.name}: its {member} is not text")
            if header.dtype.itemsize // 4 > max_chars:
                raise FileReadError(f"{self.name}: its {member} is {header.dtype.itemsize // 4:,} characters long; "
                                    f"at most {max_chars:,} are read")
            return str(self._data(fp, member, header)[()])

    def array(self, member: str, shape: Sequence[int] | None = None, max_size: int | None = None,
              ndim: int | None = None) -> np.ndarray:
        """A float64 copy of a real-number member whose shape is ``shape`` (or any shape of ``ndim``
        dimensions and at most ``max_size`` elements); its declared shape and type are checked before
        its data is inflated."""
        with self._open(member) as fp:
            header = self._header(fp, member)
            dtype, declared = header.dtype, header.shape
            if dtype.kind not in "fiu" or dtype.fields is not None or dtype.subdtype is not None:
                raise FileReadError(f"{self.name}: {member} holds {_dtype_words(dtype)}, not real numbers")
            if shape is not None and declared != tuple(shape):
                raise FileReadError(f"{self.name}: {member} is {_shape_words(declared)}; "
                                    f"{_shape_words(tuple(shape))} was expected")
            if ndim is not None and len(declared) != ndim:
                raise FileReadError(f"{self.name}: {member} has {len(declared)} dimensions; {ndim} were expected")
            if max_size is not None and math.prod(declared) > max_size:
                raise FileReadError(f"{self.name}: {member} holds {math.prod(declared):,} numbers; "
                                    f"at most {max_size:,} are read")
            data = self._data(fp, member, header)
        with np.errstate(over="ignore"):  # a long double beyond float64 becomes inf: the finite check says so
            return data.astype(np.float64)

    # -- helpers --
    @contextmanager
    def _open(self, member: str):
        info = self._members.get(member)
        if info is None:
            raise FileReadError(f"{self.name} is missing the array {member}")
        if info.file_size > self.left:
            raise FileReadError(f"{self.name}: {member} would inflate to {_human_size(info.file_size)}, "
                                f"more than such a file can hold")
        try:
            fp = self._zip.open(info)
        except _ZIP_ERRORS as exc:
            raise FileReadError(f"{self.name} is damaged or truncated ({_plain(exc)})") from None
        try:
            with fp:
                yield fp
        except FileReadError:
            raise
        except _ZIP_ERRORS as exc:
            raise FileReadError(f"{self.name} is damaged or truncated ({_plain(exc)})") from None

    def _header(self, fp, member: str) -> "_Header":
        """The member's ``.npy`` header, checked: no objects, a real shape, exactly the bytes it holds."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a Python 2 header is parsed with a warning: no matter here
                version = np.lib.format.read_magic(fp)
                read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
                if version not in read:
                    raise FileReadError(f"{self.name}: {member} is not a NumPy array this app reads "
                                        f"(format {version})")
                shape, fortran, dtype = read[version](fp, MAX_NPY_HEADER)
                data_bytes = self._members[member].file_size - fp.tell()
        except FileReadError:
            raise
        except (Exception, RecursionError, MemoryError) as exc:  # numpy's parser (ast, tokenize) meets any text
            raise FileReadError(f"{self.name}: {member} is damaged ({_plain(exc)})") from None
        if any(type(n) is not int or n < 0 for n in shape):
            raise FileReadError(f"{self.name}: {member} has an impossible shape {shape}")
        if dtype.hasobject:
            raise FileReadError(f"{self.name} holds pickled Python objects in {member}, which are never "
                                f"loaded (they can run code)")
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes > self.left:
            raise FileReadError(f"{self.name}: {member} declares {_human_size(nbytes)} of data, more than "
                                f"such a file can hold")
        if nbytes != data_bytes:
            raise FileReadError(f"{self.name}: {member} is damaged: its header declares {nbytes:,} bytes of "
                                f"data and it holds {data_bytes:,}")
        self.left -= nbytes
        return _Header(tuple(shape), dtype, fortran, nbytes)

    def _data(self, fp, member: str, header: "_Header") -> np.ndarray:
        shape = header.shape[::-1] if header.fortran else header.shape
        out = np.empty(shape, dtype=header.dtype)
        view = memoryview(out.reshape(-1).view(np.uint8))
        done = 0
        while done < header.nbytes:
            n = fp.readinto(view[done : done + READ_CHUNK])
            if not n:
                raise FileReadError(f"{self.name}: {member} is truncated")
            done += n
        return out.T if header.fortran else out


class _Header(NamedTuple):
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran: bool
    nbytes: int


def _plain(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


def _shape_words(shape: tuple) -> str:
    return "×".join(str(n) for n in shape) if shape else "a single number"


def _dtype_words(dtype: np.dtype) -> str:
    words = {"b": "true/false values", "c": "complex numbers", "U": "text", "S": "bytes", "O": "Python objects",
             "M": "dates", "m": "durations"}
    if dtype.fields is not None:
        return "records with named fields"
    if dtype.subdtype is not None:
        return "nested arrays"
    return words.get(dtype.kind, f"values of type {dtype}")


# -- layers -----------------------------------------------------------------------------------------
def check_layers(name: str, sizes: Sequence[int], weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> None:
    """Each layer ``l`` has weights ``(sizes[l], sizes[l+1])`` and biases ``(sizes[l+1],)``, all finite."""
    n = len(sizes) - 1
    if len(weights) != n or len(biases) != n:
        raise FileReadError(f"{name}: expected {n} weight matrices and bias vectors for layer sizes "
                            f"{list(sizes)}, found {len(weights)} and {len(biases)}")
    for l, (w, b) in enumerate(zip(weights, biases)):
        want_w, want_b = (sizes[l], sizes[l + 1]), (sizes[l + 1],)
        if w.shape != want_w or b.shape != want_b:
            raise FileReadError(f"{name}: layer {l + 1} has weights {w.shape} and biases {b.shape}; "
                                f"layer sizes {list(sizes)} need {want_w} and {want_b}")
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise FileReadError(f"{name}: layer {l + 1} contains NaN or infinity")


def layer_shapes(sizes: Sequence[int]) -> list[tuple[tuple[int, int], tuple[int]]]:
    return [((i, o), (o,)) for i, o in zip(sizes[:-1], sizes[1:])]
