"""Write the real example tables (resources/examples/) from the copies scikit-learn ships.

The data are the public UCI / Efron et al. tables (sources in resources/examples/SOURCES.md); this
script only changes their format: a header row, class labels as the sources give them, and the
target as the last column. Run it with scikit-learn installed: `python scripts/make_real_examples.py`.
"""
from __future__ import annotations

import csv
from pathlib import Path

from sklearn import datasets

OUT = Path(__file__).resolve().parents[1] / "resources" / "examples"


def write(name: str, header: list[str], rows) -> None:
    with open(OUT / name, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def number(v) -> str:
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


def main() -> None:
    iris = datasets.load_iris()
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    write("iris.csv", names + ["species"],
          ([*map(number, x), iris.target_names[t]] for x, t in zip(iris.data, iris.target)))

    wine = datasets.load_wine()  # UCI numbers the three cultivars 1, 2, 3 (scikit-learn: class_0 … class_2)
    write("wine.csv", list(wine.feature_names) + ["cultivar"],
          ([*map(number, x), str(t + 1)] for x, t in zip(wine.data, wine.target)))

    cancer = datasets.load_breast_cancer()
    write("breast_cancer.csv", [n.replace(" ", "_") for n in cancer.feature_names] + ["diagnosis"],
          ([*map(number, x), cancer.target_names[t]] for x, t in zip(cancer.data, cancer.target)))

    diabetes = datasets.load_diabetes(scaled=False)  # the raw measurements, not the scaled copy
    write("diabetes.csv", list(diabetes.feature_names) + ["progression"],
          ([*map(number, x), number(t)] for x, t in zip(diabetes.data, diabetes.target)))


if __name__ == "__main__":
    main()
