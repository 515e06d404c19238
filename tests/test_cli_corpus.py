"""Issue 8's proof through the CLI: ``nnplayground predict MODEL TABLE`` on every crafted file either
prints predictions (exit 0) or says what is wrong in exactly one line on stderr (exit 2)."""
import signal


from nnplayground.cli import main

from .conftest import EXAMPLES

ARTICLE = str(EXAMPLES / "article.csv")
SECONDS_PER_FILE = 10


class Hung(Exception):
    pass


def _hung(signum, frame):
    raise Hung()


def test_predict_on_every_crafted_file_is_exit_0_or_one_line_and_exit_2(corpus, capsys):
    folder, paths = corpus
    previous = signal.signal(signal.SIGALRM, _hung)
    outcomes = {}
    try:
        for path in paths:
            signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_FILE)
            try:
                code = main(["predict", str(path), ARTICLE])
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            out, err = capsys.readouterr()
            outcomes[path.name] = (code, out, err)
    finally:
        signal.signal(signal.SIGALRM, previous)
    for name, (code, out, err) in outcomes.items():
        if code == 0:
            assert err == "" and "predicted" in out, name
        else:
            assert code == 2, (name, code, err)
            assert err.startswith("nnplayground: error: ") and err.count("\n") == 1, (name, err)
            assert out == "", name
    # every valid file with weights predicts; every other file is refused
    no_weights = {"ok-no-weights.nnpsession", "ok-no-weights-hand.nnpsession", "ok-no-weights-stray-member.nnpsession",
                  "ok-release-waiting-for-reset.nnpsession"}
    other_table = {"ok-v2-labels.npz", "ok-v2-labels.json"}  # built for columns x1, colour and sick, by name
    wrong = [n for n, (code, _, _) in outcomes.items()
             if (code == 0) != (n.startswith("ok-") and n not in no_weights | other_table)]
    assert not wrong
    for name in other_table:
        assert "article.csv has no column 'colour'" in outcomes[name][2]
    assert not (folder / "pwned").exists()
    refused_by_loader = [n for n, (code, _, err) in outcomes.items() if code == 2 and n in err]
    assert len(refused_by_loader) >= 0.9 * sum(code == 2 for code, _, _ in outcomes.values())
