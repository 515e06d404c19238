"""Issue 8's proof for the core loaders: every crafted file loads or is refused in plain words, none
hangs, and the whole corpus runs in well under 1.5 GB (measured in a child process of its own)."""
import json
import os
import subprocess
import sys

import pytest

from ..conftest import ROOT

MEMORY_LIMIT = 1.5 * 2**30
SECONDS_PER_FILE = 2.0


def run_in_child(folder):
    """The corpus through the loaders in a fresh interpreter; its peak memory from the kernel."""
    child = subprocess.Popen([sys.executable, "-m", "tests.corpus", str(folder)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.stdout.read(), child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, err.decode()
    summary = json.loads(out)
    return summary["results"], usage.ru_maxrss * 1024  # Linux: KiB


def test_the_corpus_is_large_and_varied(corpus):
    folder, paths = corpus
    suffixes = [p.suffix for p in paths]
    assert len(paths) >= 150
    assert min(suffixes.count(s) for s in (".npz", ".json", ".nnpsession")) >= 40
    assert sum(p.name.startswith("ok-") for p in paths) >= 20


def test_every_file_loads_or_is_refused_in_plain_words_quickly_and_in_little_memory(corpus):
    folder, paths = corpus
    results, peak = run_in_child(folder)
    assert len(results) == len(paths)
    escaped = [(r["file"], r["message"]) for r in results if r["outcome"] == "escaped"]
    hung = [r["file"] for r in results if r["outcome"] == "hung"]
    assert not escaped and not hung
    wrong = [r["file"] for r in results if r["file"].startswith("ok-") != (r["outcome"] == "loaded")]
    assert not wrong, "files named ok-* must load, and only they"
    unnamed = [(r["file"], r["message"]) for r in results if r["outcome"] == "clear" and r["file"] not in r["message"]]
    assert not unnamed, "each refusal names the file"
    one_line = [r["file"] for r in results if "\n" in r["message"] or len(r["message"]) > 400]
    assert not one_line
    slow = [(r["file"], r["seconds"]) for r in results if r["seconds"] > SECONDS_PER_FILE]
    assert not slow
    assert peak < MEMORY_LIMIT, f"peak memory {peak / 2**20:.0f} MiB"
    assert not (folder / "pwned").exists(), "a pickle was unpickled"


@pytest.mark.parametrize("name, words", [
    ("special-fifo.npz", "not a regular file"),
    ("special-dev-zero.json", "not a regular file"),
    ("special-loop-a.nnpsession", "loop of symbolic links"),
    ("special-folder.json", "it is a folder"),
    ("empty.nnpsession", "damaged or not a session file"),
    ("zip-encrypted.npz", "encrypted"),
    ("zip-method-99.npz", "compression method"),
    ("bomb-2gib.npz", "would inflate to 2 GB"),
    ("session-history-billion.nnpsession", "history declares 7 GB"),
    ("json-deep-100000.json", "nested more than 16 levels"),
    ("json-10-to-400.json", "too large"),
    ("json-infinity.json", "Infinity is not a finite number"),
    ("npy-pickle.npz", "damaged or not a weights file"),
    ("array-object.npz", "pickled Python objects"),
    ("record-bias-text.json", "use_bias must be true or false, got 'false'"),
    ("values-bool.json", "hold something other than numbers"),
    ("array-complex.npz", "complex numbers"),
    ("session-config-seed-float.nnpsession", "seed: a whole number"),
    ("record-version-3.json", "has format version 3; this app reads versions 1 and 2"),
    ("record-version-2-no-encoding.npz", "format 2 records the encoding (or null); it has none"),
    ("encoding-scale-zero.json", "an input of the encoding has a bad name, mean or scale"),
    ("encoding-classes-three.npz", "the encoding's classes or target scaling do not fit a binary problem"),
    ("encoding-one-hot-too-wide.npz", "its encoding makes 4 inputs (from 'x1', 'x2', 'c') and 1 output (target 'y'); "
                                      "the layers take 3 and give 1"),
    ("encoding-too-many-outputs.json", "3 outputs (classes 'a', 'b', 'c'); the layers take 3 and give 1"),
])
def test_refusals_say_what_is_wrong(corpus, name, words):
    from ..corpus import ERRORS, LOADERS

    folder, _ = corpus
    path = folder / name
    with pytest.raises(ERRORS[path.suffix]) as info:
        LOADERS[path.suffix](path)
    assert words in str(info.value) and name in str(info.value)
