import json
import errno
import subprocess
import sys
import types

import numpy as np
import pytest

from nnplayground import cli
from nnplayground.cli import main
from nnplayground.core import Network, Trainer, TrainingConfig, TrainingTable, load_weights, save_weights
from nnplayground.core.session import Session, save_session
from nnplayground.core.table import format_number

from .conftest import EXAMPLES, ROOT

ARTICLE = str(EXAMPLES / "article.csv")


def test_train_prints_loss_and_predictions_and_exports(tmp_path, capsys):
    out_file = tmp_path / "w.json"
    assert main(["train", ARTICLE, "--no-bias", "--seed", "0", "--export", str(out_file)]) == 0
    out = capsys.readouterr().out
    table = TrainingTable.from_csv(ARTICLE)
    trainer = Trainer(Network([3, 4, 1], use_bias=False, seed=0), table.X, table.y)
    trainer.run(1500)
    assert f"loss in iteration 1500: {trainer.history[-1]:.6g}" in out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["row", "x1"])
    predicted = [float(lines[header + 1 + r].split()[6]) for r in range(4)]  # P(1), beside the class
    np.testing.assert_allclose(predicted, trainer.network.predict(table.X).ravel(), atol=5e-5)
    np.testing.assert_array_equal(load_weights(out_file).to_network().parameters, trainer.network.parameters)


def test_layers_activations_and_targets_are_passed_through(tmp_path, capsys):
    csv = tmp_path / "t.csv"
    csv.write_text("t,a,b\n0,0,0\n1,0,1\n1,1,0\n0,1,1\n")
    assert main(["train", str(csv), "--target", "t", "--hidden", "5", "--hidden", "3",
                 "--activation", "tanh,relu", "--output-activation", "sigmoid", "--iterations", "10",
                 "--export", str(tmp_path / "w.npz")]) == 0
    assert "Network([2, 5, 3, 1], activations=['tanh', 'relu', 'sigmoid'], use_bias=True)" in capsys.readouterr().out
    assert load_weights(tmp_path / "w.npz").layer_sizes == (2, 5, 3, 1)


@pytest.mark.parametrize(
    "args, words",
    [
        (["train", "missing.csv"], "cannot read"),
        (["train", ARTICLE, "--iterations", "0"], "iterations: a whole number from 1 to 100,000,000, got 0"),
        (["train", ARTICLE, "--iterations", "100000001"], "iterations: a whole number from 1 to 100,000,000"),
        (["train", ARTICLE, "--iterations", "1.5"], "'1.5' is not a whole number"),
        (["train", ARTICLE, "--lr", "nan"], "learning rate: a number from 1e-06 to 1000, got nan"),
        (["train", ARTICLE, "--lr", "1001"], "learning rate: a number from 1e-06 to 1000, got 1001.0"),
        (["train", ARTICLE, "--seed", "-1"], "seed: a whole number from 0 to 2,147,483,647, got -1"),
        (["train", ARTICLE, "--hidden", "100000", "--hidden", "100000"],
         "hidden layers: at most 32 layers of at most 4096 units, got 100000"),
        (["train", ARTICLE, *["--hidden", "2"] * 33], "hidden layers: at most 32 layers of at most 4096 units, got 33"),
        (["train", ARTICLE, "--hidden", "0"], "hidden layers: each layer needs at least one unit, got 0"),
        (["train", ARTICLE, "--activation", "swish"], "activation: unknown activation 'swish'"),
        (["train", ARTICLE, "--activation", "tanh,relu,relu"], "3 activations named; the network has 1 hidden layer"),
        (["train", ARTICLE, "--output-activation", "tanh", "--loss", "bce"], "loss: bce needs a sigmoid output"),
        (["train", ARTICLE, "--problem", "regression", "--output-activation", "sigmoid", "--scaling"],
         "a sigmoid output gives values from 0 to 1, but the targets, scaled, go from"),
        # one of output and loss given: the other follows it, and the refusal names the real conflict
        (["train", ARTICLE, "--problem", "regression", "--loss", "cross_entropy"], "loss: cross_entropy needs"),
        (["train", ARTICLE, "--loss", "cross_entropy"], "loss: cross_entropy needs a softmax output"),  # not "softmax…"
        (["train", ARTICLE, "--output-activation", "softmax"], "it needs the multiclass problem, not binary"),
        (["train", ARTICLE, "--problem", "regression", "--output-activation", "softmax"],
         "output activation: softmax gives one probability per class; it needs the multiclass problem, not regression"),
        (["train", ARTICLE, "--output-activation", "softmax", "--loss", "mse"],
         "a softmax output is trained with the cross_entropy"),
        (["train", ARTICLE, "--loss", "bce", "--output-activation", "tanh"], "loss: bce needs a sigmoid output"),
        (["train", ARTICLE, "--problem", "sorting"], "problem: unknown problem 'sorting'"),
        (["train", ARTICLE, "--loss", "hinge"], "loss: unknown loss 'hinge'; choose from sse, mse, bce, cross_entropy"),
        (["train", ARTICLE, "--init", "zeros"], "initial weights: unknown init 'zeros'"),
        (["train", ARTICLE, "--optimizer", "adam", "--eps", "0"], "eps: a number from 1e-12 to 1, got 0.0"),
        (["train", ARTICLE, "--split", "0.1", "--patience", "5"],
         "--patience: early stopping watches the validation loss, and --split 0.1 of 4 rows keeps none apart"),
        (["train", ARTICLE, "--patience", "5"], "--split 0 of 4 rows keeps none apart: raise --split"),
        (["train", ARTICLE, "--export", "w.pkl"], "--export must end in .npz, .json, .onnx"),
        (["train", ARTICLE, "--export", "nowhere/w.npz"], "the folder nowhere does not exist"),
        (["train", ARTICLE, "--target", "nope"], "no column named 'nope'"),
        (["train"], "required"),
        (["fly"], "cannot open fly: no such file (the commands are train, predict)"),
        (["fly", "away"], "unknown command 'fly'"),
        (["missing.nnpsession"], "cannot open missing.nnpsession: no such file"),
        (["."], "cannot open .: it is a folder"),
        (["/dev/null"], "cannot open /dev/null: it is not a regular file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nnplayground: error:") and words in err
    assert not list(tmp_path.iterdir())  # nothing written


def test_validation_rows_before_their_first_epoch_are_reported_not_a_traceback(capsys):
    assert main(["train", str(EXAMPLES / "xor.csv"), "--batch-size", "1", "--split", "0.5", "--iterations", "1"]) == 0
    out = capsys.readouterr().out
    assert "validation (2 rows, never trained on): its loss is measured after each epoch, and no epoch has ended" in out


def test_a_fifo_or_a_device_as_table_is_refused_not_read(tmp_path):
    fifo = _fifo(tmp_path / "t.csv")  # reading it would wait for a writer for ever
    for table in (fifo, "/dev/zero"):
        result = subprocess.run([sys.executable, "-m", "nnplayground", "train", str(table)], cwd=ROOT,
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 2 and result.stderr == f"nnplayground: error: cannot read {table}: it is not a " \
                                                          "regular file\n"


def test_a_bad_cell_names_row_and_column(tmp_path, capsys):
    csv = tmp_path / "t.csv"
    csv.write_text("a,b,y\n0,1,0\n1,oops,1\n")
    assert main(["train", str(csv)]) == 2
    assert "row 2, column 'b': 'oops' is not a number" in capsys.readouterr().err


def test_divergence_is_reported_without_a_traceback(capsys, tmp_path):
    code = main(["train", ARTICLE, "--activation", "linear", "--output-activation", "linear", "--lr", "50",
                 "--export", str(tmp_path / "w.npz")])
    err = capsys.readouterr().err
    assert code == 1 and "diverged" in err and "Traceback" not in err
    assert not (tmp_path / "w.npz").exists()


def test_python_dash_m_works_and_core_never_imports_qt():
    code = (
        "import sys, nnplayground.cli, nnplayground.core;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'shiboken'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
    result = subprocess.run([sys.executable, "-m", "nnplayground", "train", ARTICLE, "--iterations", "3"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and "loss in iteration 3" in result.stdout


def test_the_window_starts_and_answers(tmp_path):
    """`nnplayground --smoke-test` (what packaging/build.sh runs on the bundle) opens the window,
    waits for the engine's first update and exits 0."""
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "nnplayground", "--smoke-test"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "the engine answered" in result.stdout


def test_install_desktop_puts_entry_metainfo_and_icon_in_place(tmp_path):
    import os

    if not (ROOT / ".venv" / "bin" / "nnplayground").exists():
        pytest.skip("needs scripts/setup.sh's .venv")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    result = subprocess.run(["bash", str(ROOT / "packaging" / "install-desktop.sh")], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    entry = (tmp_path / "applications" / "nnplayground.desktop").read_text()
    assert f"Exec={ROOT / '.venv' / 'bin' / 'nnplayground'}" in entry and "Icon=nnplayground" in entry
    assert (tmp_path / "metainfo" / "io.github.nnplayground.nnplayground.metainfo.xml").exists()
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "nnplayground.svg").exists()


def _predicted_column(out: str, n_rows: int, column: int) -> list[float]:
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:1] == ["row"])
    return [float(lines[header + 1 + r].split()[column]) for r in range(n_rows)]


def _trained_article(use_bias: bool = False):
    table = TrainingTable.from_csv(ARTICLE)
    trainer = Trainer(Network([3, 4, 1], use_bias=use_bias, seed=0), table.X, table.y)
    trainer.run(1500)
    return table, trainer.network


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_predict_prints_a_weights_files_predictions_on_a_table(suffix, tmp_path, capsys):
    table, net = _trained_article()
    save_weights(net, tmp_path / f"w{suffix}")
    assert main(["predict", str(tmp_path / f"w{suffix}"), ARTICLE]) == 0
    out = capsys.readouterr().out
    assert "Network([3, 4, 1]" in out and "loss (sse) on 4 rows" in out
    np.testing.assert_allclose(_predicted_column(out, 4, 5), net.predict(table.X).ravel(), atol=5e-5)


def test_predict_with_a_session_uses_its_own_table_or_one_given(tmp_path, capsys):
    table, net = _trained_article(use_bias=True)
    config = TrainingConfig(hidden=(4,), use_bias=True)
    cells = tuple(tuple(format_number(v) for v in row) for row in table.data)
    session = Session(table.columns, table.roles, cells, config, tuple(net.weights), tuple(net.biases),
                      np.ones(3))
    save_session(tmp_path / "s.nnpsession", session)
    assert main(["predict", str(tmp_path / "s.nnpsession")]) == 0
    own = _predicted_column(capsys.readouterr().out, 4, 6)
    np.testing.assert_allclose(own, net.predict(table.X).ravel(), atol=5e-5)
    # Columns in another order: the session's target is found by name.
    (tmp_path / "t.csv").write_text("y,x1,x2,x3\n1,1,0,1\n")
    assert main(["predict", str(tmp_path / "s.nnpsession"), str(tmp_path / "t.csv")]) == 0
    out = capsys.readouterr().out
    assert float(out.splitlines()[-1].split()[6]) == pytest.approx(net.predict([[1, 0, 1]])[0, 0], abs=5e-5)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda d: d / "missing.npz", "cannot read"),
        (lambda d: d, "folder"),
        (lambda d: d / "w.pkl", "weights file (.npz, .json) or a session"),
        (lambda d: _write(d / "w.json", '{"format": '), "not valid JSON"),
        (lambda d: _write(d / "w.json", "[" * 100_000), ""),
        (lambda d: _write(d / "w.npz", "PK\x03\x04 not really a zip"), ""),
        (lambda d: _write(d / "s.nnpsession", "not a zip"), ""),
        (lambda d: _fifo(d / "w.npz"), "not a regular file"),
    ],
)
def test_predict_refuses_a_bad_model_in_one_line(make, words, tmp_path, capsys):
    path = make(tmp_path)
    assert main(["predict", str(path), ARTICLE]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nnplayground: error:") and words in err


def test_predict_refuses_a_table_that_does_not_fit_the_network(tmp_path, capsys):
    _, net = _trained_article()
    save_weights(net, tmp_path / "w.npz")
    assert main(["predict", str(tmp_path / "w.npz"), str(EXAMPLES / "xor.csv")]) == 2
    err = capsys.readouterr().err
    assert "xor.csv has 2 input columns and 1 target column; the network takes 3 inputs and gives 1 output" in err
    assert main(["predict", str(tmp_path / "w.npz")]) == 2
    assert "needs a TABLE" in capsys.readouterr().err


def _write(path, text):
    path.write_text(text)
    return path


def _fifo(path):
    import os

    os.mkfifo(path)
    return path


def test_the_tutorials_table_trains_as_the_tutorial_with_no_options(tmp_path, capsys):
    """`nnplayground train resources/examples/article.csv`: the example's preset is the tutorial's
    network (no biases, uniform weights, seed 0, η = 1, 1500 iterations), so its numbers are the tutorial's."""
    from .core.test_tutorial import tutorial_run

    assert main(["train", ARTICLE, "--export", str(tmp_path / "w.json")]) == 0
    out = capsys.readouterr().out
    table = TrainingTable.from_csv(ARTICLE)
    w1, w2, losses, predictions = tutorial_run(table.X, table.y, *Network([3, 4, 1], use_bias=False, seed=0).weights,
                                               1500)
    assert ("Network([3, 4, 1], activations='sigmoid', use_bias=False), binary, loss sse, scaling off, "
            "learning rate 1, seed 0") in out
    assert f"loss in iteration 1500: {losses[-1]:.6g} (first: {losses[0]:.6g})" in out
    np.testing.assert_allclose(_predicted_column(out, 4, 6), predictions.ravel(), atol=5e-5)
    saved = load_weights(tmp_path / "w.json")
    assert saved.use_bias is False
    np.testing.assert_allclose(saved.weights[0], w1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(saved.weights[1], w2, rtol=0, atol=1e-12)


def test_options_override_the_examples_preset_one_by_one_and_other_tables_get_their_suggestion(tmp_path, capsys):
    assert main(["train", ARTICLE, "--bias", "--iterations", "7"]) == 0
    out = capsys.readouterr().out
    assert ("Network([3, 4, 1], activations='sigmoid', use_bias=True), binary, loss sse, scaling off, "
            "learning rate 1, seed 0") in out
    assert "loss in iteration 7" in out
    assert main(["train", str(EXAMPLES / "sine_regression.csv"), "--iterations", "3"]) == 0
    out = capsys.readouterr().out
    assert "Network([1, 8, 1], activations=['tanh', 'linear'], use_bias=True), regression, loss mse, scaling off, " \
           "learning rate 0.1" in out
    copy = tmp_path / "article.csv"  # the same file elsewhere is the user's own: its suggestion applies
    copy.write_bytes((EXAMPLES / "article.csv").read_bytes())
    assert main(["train", str(copy), "--iterations", "3"]) == 0
    out = capsys.readouterr().out
    assert "settings: suggested for this table" in out
    assert "Network([3, 8, 1], activations=['tanh', 'sigmoid'], use_bias=True), binary, loss bce, scaling off" in out


def test_export_onnx_writes_a_model_that_predicts_as_the_network(tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime")
    onnx_path, npz_path = tmp_path / "w.onnx", tmp_path / "w.npz"
    args = ["train", str(EXAMPLES / "xor.csv"), "--hidden", "5", "--hidden", "3", "--activation", "tanh,relu",
            "--iterations", "200"]
    assert main([*args, "--export", str(onnx_path)]) == 0
    assert main([*args, "--export", str(npz_path)]) == 0
    capsys.readouterr()
    net = load_weights(npz_path).to_network()
    table = TrainingTable.from_csv(EXAMPLES / "xor.csv")
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    (y_hat,) = session.run(["y_hat"], {"X": table.X.astype(np.float32)})
    np.testing.assert_allclose(y_hat, net.predict(table.X), rtol=0, atol=1e-6)


def test_a_network_too_large_for_memory_is_refused_before_anything_is_allocated(capsys):
    assert main(["train", ARTICLE, *["--hidden", "4096"] * 32]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "GiB of memory; the limit is" in err


@pytest.mark.parametrize(
    "error, words",
    [
        (OSError(errno.ENOSPC, "No space left on device", "w.npz"), "w.npz: no space left on device"),
        (PermissionError(errno.EACCES, "Permission denied", "w.npz"), "w.npz: permission denied"),
        (MemoryError(), "not enough memory"),
    ],
)
def test_a_failing_export_is_one_line_and_exit_2(error, words, monkeypatch, tmp_path, capsys):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(cli, "save_weights", fail)
    assert main(["train", ARTICLE, "--iterations", "2", "--export", str(tmp_path / "w.npz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nnplayground: error:") and words in err


def test_out_of_memory_reading_a_table_is_one_line(monkeypatch, capsys):
    def fail(*args, **kwargs):
        raise MemoryError("Unable to allocate 74.5 GiB for an array with shape (100000, 100000)")

    monkeypatch.setattr(TrainingTable, "from_csv", fail)
    assert main(["train", ARTICLE]) == 2
    assert capsys.readouterr().err == ("nnplayground: error: not enough memory: Unable to allocate 74.5 GiB for an "
                                       "array with shape (100000, 100000)\n")


def test_a_file_argument_opens_it_in_the_window(monkeypatch, tmp_path):
    """`nnplayground FILE` hands FILE to the window; the window itself is the lead's to test."""
    opened = []
    fake = types.ModuleType("nnplayground.ui.app")
    fake.run_app = lambda **kwargs: opened.append(kwargs) or 0
    monkeypatch.setitem(sys.modules, "nnplayground.ui.app", fake)
    assert main([ARTICLE]) == 0
    assert main(["--smoke-test", ARTICLE]) == 0
    assert main([]) == 0
    assert opened == [{"smoke_test": False, "open_path": ARTICLE}, {"smoke_test": True, "open_path": ARTICLE},
                      {"smoke_test": False}]


@pytest.mark.parametrize("name, problem, metric, least", [
    ("iris.csv", "multiclass", "accuracy", 0.95), ("wine.csv", "multiclass", "accuracy", 0.95),
    ("breast_cancer.csv", "binary", "accuracy", 0.95), ("diabetes.csv", "regression", "r2", 0.45),
])
def test_real_tables_learn_with_no_options_and_json_says_so(tmp_path, capsys, name, problem, metric, least):
    """A copy outside the examples folder: its own suggestion, not the preset, is what trains."""
    copy = tmp_path / name
    copy.write_bytes((EXAMPLES / name).read_bytes())
    assert main(["train", str(copy), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["problem"] == problem and result["iterations"] == 1500
    assert result["settings_source"] == "suggested for this table"
    assert result["metrics"][metric] >= least
    assert result["layer_sizes"][0] == len(TrainingTable.from_csv(copy).input_columns)
    assert {"loss", "iterations", "problem", "layer_sizes", "metrics", "health"} <= set(result)
    if problem == "regression":
        assert result["metrics"]["rmse"] > 0
    else:
        assert len(result["classes"][0]) == (3 if problem == "multiclass" else 2)


def test_text_labels_train_and_print_as_labels(tmp_path, capsys):
    (tmp_path / "pets.csv").write_text("weight,legs,kind\n4,4,cat\n30,4,dog\n0.1,2,bird\n5,4,cat\n25,4,dog\n"
                                       "0.2,2,bird\n")
    assert main(["train", str(tmp_path / "pets.csv"), "--iterations", "800"]) == 0
    out = capsys.readouterr().out
    assert "multiclass, loss cross_entropy, scaling on" in out and "accuracy 100.0 % (6 of 6 rows)" in out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["row", "weight"])
    assert "kind  kind predicted  probability" in lines[header]
    assert [line.split()[3:5] for line in lines[header + 1:header + 4]] == [["cat", "cat"], ["dog", "dog"],
                                                                             ["bird", "bird"]]


def test_a_stuck_network_is_reported_not_taken_for_success(capsys):
    assert main(["train", ARTICLE, "--hidden", "32", "--hidden", "32", "--hidden", "32", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    codes = [n["code"] for n in result["health"]]
    assert codes[0] == "saturated-start" and result["health"][0]["stuck"]
    assert "try xavier" in result["health"][0]["fix"]
    assert main(["train", ARTICLE, "--hidden", "32", "--hidden", "32", "--hidden", "32"]) == 0
    assert "note: Layer 2 and layer 3 are saturated from the start" in capsys.readouterr().out


# -- exports carry the encoding: predict reads TABLE as the network was trained to read it ---------------
def _rows(path, rows, columns, extra: str) -> str:
    """Rows of a CSV (0-based, in the order given) with only ``columns``, in that order, after a column
    ``extra`` the network knows nothing of."""
    table = TrainingTable.from_csv(path)
    texts = [table.texts(table.columns.index(c)) for c in columns]
    return ",".join([extra, *columns]) + "\n" + "".join(",".join(["-", *(t[r] for t in texts)]) + "\n" for r in rows)


def test_predict_with_a_format_2_file_finds_columns_and_labels_by_name(tmp_path, capsys):
    iris = EXAMPLES / "iris.csv"
    assert main(["train", str(iris), "--iterations", "300", "--export", str(tmp_path / "w.npz")]) == 0
    capsys.readouterr()
    saved = load_weights(tmp_path / "w.npz")
    encoding = saved.encoding
    assert encoding.classes == (("setosa", "versicolor", "virginica"),) and encoding.scales_inputs
    # virginica and setosa only, virginica first: the table's own labels are (setosa, virginica), so
    # virginica is label 1 there and class 2 for the network; columns in another order, one more column
    rows = [149, 100, 0, 120, 10, 140, 30]
    columns = ["species", "petal_width", "sepal_length", "petal_length", "sepal_width"]
    (tmp_path / "new.csv").write_text(_rows(iris, rows, columns, extra="note"))
    assert TrainingTable.from_csv(tmp_path / "new.csv").levels[1] == ("setosa", "virginica")
    assert main(["predict", str(tmp_path / "w.npz"), str(tmp_path / "new.csv")]) == 0
    out = capsys.readouterr().out
    full = TrainingTable.from_csv(iris)
    expected = saved.to_network().predict(encoding.encode_inputs(full))[rows]
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:1] == ["row"])
    assert lines[header].split()[1:5] == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    printed = [line.split() for line in lines[header + 1:header + 1 + len(rows)]]
    assert [p[5] for p in printed] == [full.texts(4)[r] for r in rows]  # the true species
    assert [p[6] for p in printed] == [encoding.classes[0][k] for k in expected.argmax(axis=1)]
    np.testing.assert_allclose([float(p[7]) for p in printed], expected.max(axis=1), atol=5e-5)
    right = sum(p[5] == p[6] for p in printed)  # the targets, too, are read by name: virginica is virginica
    assert right >= 5 and f"accuracy {100 * right / len(rows):.1f} % ({right} of {len(rows)} rows)" in out


def test_predict_refuses_a_label_the_network_was_not_built_for_in_one_line(tmp_path, capsys):
    (tmp_path / "pets.csv").write_text("weight,colour,kind\n4,red,cat\n30,blue,dog\n0.1,red,bird\n5,blue,cat\n"
                                       "25,red,dog\n0.2,blue,bird\n")
    assert main(["train", str(tmp_path / "pets.csv"), "--iterations", "50", "--export", str(tmp_path / "w.json")]) == 0
    (tmp_path / "new.csv").write_text("weight,colour,kind\n4,red,cat\n3,purple,cat\n")
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "w.json"), str(tmp_path / "new.csv")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err == ("nnplayground: error: new.csv: row 2, input column 'colour': 'purple' is not one of the labels the "
                   "network was built for (blue, red)\n")
    (tmp_path / "other.csv").write_text("weight,color,kind\n4,red,cat\n")
    assert main(["predict", str(tmp_path / "w.json"), str(tmp_path / "other.csv")]) == 2
    assert capsys.readouterr().err == ("nnplayground: error: other.csv has no column 'colour'; w.json was trained on "
                                       "inputs weight, colour and target kind\n")


def test_predict_prints_a_regression_in_the_tables_units(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.uniform(100, 500, 30)
    (tmp_path / "t.csv").write_text("area,price\n" + "".join(f"{a:.1f},{2000 + 3 * a:.1f}\n" for a in x))
    assert main(["train", str(tmp_path / "t.csv"), "--scaling", "--iterations", "400",
                 "--export", str(tmp_path / "w.npz")]) == 0
    capsys.readouterr()
    saved = load_weights(tmp_path / "w.npz")
    assert saved.encoding.scales_targets
    assert main(["predict", str(tmp_path / "w.npz"), str(tmp_path / "t.csv")]) == 0
    table = TrainingTable.from_csv(tmp_path / "t.csv")
    expected = saved.encoding.decode(saved.to_network().predict(saved.encoding.encode_inputs(table))).ravel()
    assert expected.min() > 2000  # in the table's units, not standardised
    np.testing.assert_allclose(_predicted_column(capsys.readouterr().out, 30, 3), expected, rtol=1e-3)


def test_predict_with_a_format_1_file_of_the_last_release(capsys):
    fixture = ROOT / "tests" / "fixtures" / "weights" / "tutorial-1500-iterations-v1.json"
    assert main(["predict", str(fixture), ARTICLE]) == 0
    out = capsys.readouterr().out
    net = load_weights(fixture).to_network()
    np.testing.assert_allclose(_predicted_column(out, 4, 5), net.predict(TrainingTable.from_csv(ARTICLE).X).ravel(),
                               atol=5e-5)


def test_the_onnx_export_of_train_takes_raw_rows_and_names_the_classes(tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime")
    iris = EXAMPLES / "iris.csv"
    args = ["train", str(iris), "--iterations", "300", "--seed", "2"]
    assert main([*args, "--export", str(tmp_path / "w.onnx")]) == 0
    assert main([*args, "--export", str(tmp_path / "w.npz")]) == 0
    capsys.readouterr()
    saved = load_weights(tmp_path / "w.npz")
    table = TrainingTable.from_csv(iris)
    session = ort.InferenceSession(str(tmp_path / "w.onnx"), providers=["CPUExecutionProvider"])
    y_hat, label = session.run(["y_hat", "label"], {"X": table.X.astype(np.float32)})  # raw: 0.1 to 7.9
    expected = saved.to_network().predict(saved.encoding.encode_inputs(table))
    np.testing.assert_allclose(y_hat, expected, atol=1e-5)
    assert label.ravel().tolist() == [saved.encoding.classes[0][k] for k in expected.argmax(axis=1)]


def test_an_output_or_a_loss_given_alone_brings_its_partner(capsys):
    """--output-activation tanh on iris (suggested: softmax + cross-entropy) trains with mse; --loss bce on
    a regression table brings a sigmoid output (then refused for targets outside [0, 1], its real fault)."""
    assert main(["train", str(EXAMPLES / "iris.csv"), "--problem", "multiclass", "--output-activation", "linear",
                 "--iterations", "2"]) == 0
    assert "loss mse" in capsys.readouterr().out
    assert main(["train", str(EXAMPLES / "diabetes.csv"), "--loss", "bce", "--iterations", "2"]) == 2
    assert "needs a sigmoid output" not in capsys.readouterr().err


def test_hidden_layers_take_commas_as_the_window_does(capsys):
    assert main(["train", str(EXAMPLES / "xor.csv"), "--hidden", "8,4", "--hidden", "3", "--iterations", "2"]) == 0
    assert "Network([2, 8, 4, 3, 1]" in capsys.readouterr().out


def test_a_health_notes_fix_is_given_in_this_commands_options_too(capsys):
    args = ["train", ARTICLE, "--hidden", "32,32,32", "--iterations", "200"]
    assert main(args) == 0
    note = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("note: "))
    assert "saturated from the start" in note and note.endswith("(here: --init xavier)")
    assert main(args + ["--json"]) == 0
    health = json.loads(capsys.readouterr().out)["health"]
    assert health[0]["code"] == "saturated-start" and health[0]["try"] == {"init": "xavier"}
