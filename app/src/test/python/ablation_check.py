#!/usr/bin/env python3
"""Recomputes an ablation report from its results.jsonl, independently of vecgrad's Java code.

    /usr/bin/python3 app/src/test/python/ablation_check.py STUDY_DIR

STUDY_DIR is the folder `./vecgrad ablate --out` wrote (study.json, results.jsonl, report/report.csv).
For each variant (the order of study.json) it picks the learning rate with the best mean validation
accuracy over seeds (lowest mean validation loss for regression; a diverged trial counts as the
worst), then computes mean and sample standard deviation of every column, the gap as val loss - train
loss per trial, and the difference of mean test accuracy (test loss for regression) to the baseline
with a 95% Welch interval at the fractional degrees of freedom (scipy's Student t). Every number is
compared with report/report.csv; the script prints its own table and exits 1 on any mismatch.

Needs scipy (Debian: python3-scipy). Only the standard library and scipy are used.
"""
import csv
import json
import math
import sys
from collections import defaultdict

from scipy.stats import t as student_t


def mean_sd(xs):
    xs = [x for x in xs if x is not None and math.isfinite(x)]
    if not xs:
        return float("nan"), float("nan"), 0
    m = math.fsum(xs) / len(xs)
    sd = math.sqrt(math.fsum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else float("nan")
    return m, sd, len(xs)


def welch(a, b):
    (ma, sa, na), (mb, sb, nb) = a, b
    diff = ma - mb
    if na < 2 or nb < 2:
        return diff, float("nan"), float("nan")
    va, vb = sa * sa / na, sb * sb / nb
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    q = student_t.ppf(0.975, df)
    return diff, diff - q * se, diff + q * se


def num(v):
    return float("nan") if v is None else float(v)


def main(study_dir):
    plan = json.load(open(f"{study_dir}/study.json"))
    trials = [json.loads(line) for line in open(f"{study_dir}/results.jsonl") if line.strip()]
    classification = any(t["val_accuracy"] is not None for t in trials)
    by = defaultdict(list)
    for t in trials:
        by[(t["variant"], t["lr"])].append(t)
    rows = []
    base = None
    for variant in plan["variants"]:
        best = None
        for lr in plan["lrs"]:
            rs = by.get((variant, lr))
            if not rs:
                continue
            score = 0.0
            for r in rs:
                x = num(r["val_accuracy"]) if classification else -num(r["val_loss"])
                score += (0 if classification else -1e300) if r["status"] == "diverged" or not math.isfinite(x) else x
            score /= len(rs)
            if best is None or score > best[0]:
                best = (score, lr, rs)
        if best is None:
            continue
        _, lr, rs = best
        ok = [r for r in rs if r["status"] != "diverged"]
        col = lambda f: mean_sd([f(r) for r in ok])
        row = {"variant": variant, "lr": lr,
               "val_accuracy": col(lambda r: num(r["val_accuracy"])), "test_accuracy": col(lambda r: num(r["test_accuracy"])),
               "train_loss": col(lambda r: num(r["train_loss"])), "val_loss": col(lambda r: num(r["val_loss"])),
               "gap": col(lambda r: num(r["val_loss"]) - num(r["train_loss"])), "test_loss": col(lambda r: num(r["test_loss"]))}
        compared = row["test_accuracy"] if classification else row["test_loss"]
        row["diff"] = None if base is None else welch(compared, base)
        if base is None:
            base = compared
        rows.append(row)

    report = {r["variant"]: r for r in csv.DictReader(open(f"{study_dir}/report/report.csv"))}
    bad = 0

    def check(variant, name, mine, theirs):
        nonlocal bad
        theirs = float("nan") if theirs == "" else float(theirs)
        same = (math.isnan(mine) and math.isnan(theirs)) or abs(mine - theirs) <= 1e-9 * max(1.0, abs(mine))
        if not same:
            bad += 1
            print(f"MISMATCH {variant} {name}: recomputed {mine!r}, report.csv {theirs!r}")

    scale, unit = (100, "%") if classification else (1, "")
    print(f"{'variant':24} {'lr':>8} {'test':>14} {'gap':>16} {'diff [95% CI]':>26}")
    for r in rows:
        v = r["variant"]
        if v not in report:
            bad += 1
            print(f"MISSING {v} in report.csv")
            continue
        c = report[v]
        check(v, "lr", r["lr"], c["lr"])
        for key in ("val_accuracy", "test_accuracy"):
            check(v, key + "_mean", r[key][0], c[key + "_mean"])
            check(v, key + "_sd", r[key][1], c[key + "_sd"])
        for key in ("train_loss", "val_loss", "gap"):
            check(v, key + "_mean", r[key][0], c[key + "_mean"])
        check(v, "test_loss_mean", r["test_loss"][0], c["test_loss_mean"])
        check(v, "test_loss_sd", r["test_loss"][1], c["test_loss_sd"])
        d = r["diff"] or (float("nan"),) * 3
        for i, key in enumerate(("diff_test_accuracy", "diff_low", "diff_high")):
            check(v, key, d[i], c[key])
        t = r["test_accuracy"] if classification else r["test_loss"]
        diff = "—" if r["diff"] is None else f"{scale * d[0]:+.2f} [{scale * d[1]:+.2f}, {scale * d[2]:+.2f}]"
        print(f"{v:24} {r['lr']:8.3g} {scale * t[0]:8.2f} ± {scale * t[1]:.2f} {r['gap'][0]:8.4f} ± {r['gap'][1]:.4f} {diff:>26}")
    print(f"{len(rows)} variants, {len(trials)} trials: " + ("every number matches report.csv" if bad == 0 else f"{bad} mismatches"))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
