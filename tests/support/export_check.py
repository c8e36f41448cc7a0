#!/usr/bin/env python3
"""An independent reader of `export`'s SQLite and CSV files (Python's sqlite3, csv and json
modules), for src/node/export/export.real.test.ts.

    /usr/bin/python3 tests/support/export_check.py sqlite|csv <export file> <gpt2-xl folder>

Reads the export, then compares it with the shared data's own files, read here without any of
the project's code: every row of paper-explanations.csv against the export's best explanation of
that neuron, and every collated-activations file's statistics (max activation computed here from
the activations). Prints one JSON object: counts and every difference found.
"""
import csv
import glob
import json
import math
import os
import sqlite3
import sys

COLUMNS_INT = {"layer", "neuron", "explanation_rank", "scored_sequences", "explanations",
               "top_records", "random_records", "quantile_records"}
COLUMNS_BOOL = {"is_best", "has_records"}
COLUMNS_REAL = {"ev_correlation_score", "rsquared_score", "absolute_dev_explained_score",
                "max_activation", "mean", "variance", "skewness", "kurtosis"}


def read_sqlite(path):
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM neuron_explanations ORDER BY layer, neuron, explanation_rank")]
    facts = {r["key"]: r["value"] for r in db.execute("SELECT key, value FROM dataset")}
    problems = [dict(r) for r in db.execute("SELECT * FROM problems")]
    return rows, facts, problems


def read_csv(path):
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for raw in csv.DictReader(f):
            row = {}
            for key, value in raw.items():
                if value == "":
                    row[key] = None if key != "explanation" or raw["explanation_rank"] == "" else ""
                elif key in COLUMNS_INT or key in COLUMNS_BOOL:
                    row[key] = int(value)
                elif key in COLUMNS_REAL:
                    row[key] = float(value)
                else:
                    row[key] = value
            rows.append(row)
    return rows, {}, []


def finite_or_none(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


def main():
    kind, path, data = sys.argv[1], sys.argv[2], sys.argv[3]
    rows, facts, problems = (read_sqlite if kind == "sqlite" else read_csv)(path)
    best = {}
    explained = set()
    for row in rows:
        if row["explanation_rank"] is not None:
            explained.add((row["layer"], row["neuron"]))
        if row["is_best"] == 1:
            key = (row["layer"], row["neuron"])
            if key in best:
                raise SystemExit(f"two best explanations for {key}")
            best[key] = row

    mismatches = []
    paper = {}
    with open(os.path.join(data, "paper-explanations.csv"), newline="", encoding="utf-8") as f:
        for raw in csv.DictReader(f):
            key = (int(raw["layer"]), int(raw["neuron"]))
            paper[key] = raw
            row = best.get(key)
            if row is None:
                mismatches.append({"layer": key[0], "neuron": key[1], "field": "row", "export": None, "paper": raw["explanation"]})
                continue
            if row["explanation"] != raw["explanation"]:
                mismatches.append({"layer": key[0], "neuron": key[1], "field": "explanation", "export": row["explanation"], "paper": raw["explanation"]})
            paper_score = float(raw["score"]) if raw["score"] != "" else None
            if row["ev_correlation_score"] != paper_score:
                mismatches.append({"layer": key[0], "neuron": key[1], "field": "score", "export": row["ev_correlation_score"], "paper": paper_score})
    extra = sorted(k for k in explained if k not in paper)

    record_mismatches = []
    record_files = sorted(glob.glob(os.path.join(data, "collated-activations", "*", "*.json")))
    by_key = {(r["layer"], r["neuron"]): r for r in rows}
    for file in record_files:
        layer = int(os.path.basename(os.path.dirname(file)))
        neuron = int(os.path.basename(file)[:-5])
        with open(file, encoding="utf-8") as f:
            record = json.load(f)  # Python's json reads NaN as the release writes it
        groups = [record.get("most_positive_activation_records") or [], record.get("random_sample") or []]
        groups += record.get("random_sample_by_quantile") or []
        activations = [a for group in groups for r in group for a in r["activations"]]
        expected = {
            "has_records": 1,
            "max_activation": max(activations) if activations else None,
            "top_records": len(record.get("most_positive_activation_records") or []),
            "random_records": len(record.get("random_sample") or []),
            "quantile_records": sum(len(g) for g in (record.get("random_sample_by_quantile") or [])),
            "mean": finite_or_none(record.get("mean")),
            "variance": finite_or_none(record.get("variance")),
            "skewness": finite_or_none(record.get("skewness")),
            "kurtosis": finite_or_none(record.get("kurtosis")),
        }
        row = by_key.get((layer, neuron))
        for field, value in expected.items():
            got = None if row is None else row[field]
            if got != value:
                record_mismatches.append({"layer": layer, "neuron": neuron, "field": field, "export": got, "expected": value})

    print(json.dumps({
        "rows": len(rows),
        "neurons": len({(r["layer"], r["neuron"]) for r in rows}),
        "explained": len(explained),
        "paperRows": len(paper),
        "mismatches": mismatches,
        "extra": [list(k) for k in extra],
        "recordFiles": len(record_files),
        "recordMismatches": record_mismatches,
        "facts": facts,
        "problems": problems,
    }))


if __name__ == "__main__":
    main()
