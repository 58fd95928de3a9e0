#!/usr/bin/env python3
"""Generates DoubleStorage.java from FloatStorage.java: the same code on double[] and the double kernels.

Run from anywhere after editing FloatStorage.java:  python3 autograd/gen/storage.py
With --check it writes nothing and exits 1 when DoubleStorage.java is not what it would write
(GeneratedSourcesTest runs that, so a stale twin fails the build).
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "kernels/gen"))
import checksums  # noqa: E402 (kernels/gen/checksums.py: the manifest of generated files)

ROOT = Path(__file__).resolve().parents[1] / "src/main/java/dev/vecgrad/autograd"
SOURCE = "FloatStorage.java"


def twin(java):
    java = java.replace("float[]", "double[]").replace("new float[", "new double[").replace("(float) ", "")
    java = java.replace("FloatStorage", "DoubleStorage").replace("DType.F32", "DType.F64").replace("sgemm", "dgemm")
    java = java.replace("float32", "float64").replace("float overloads", "double overloads")
    java = re.sub(r"\b(\d+)f\b", r"\1", java)
    return f"// GENERATED from {SOURCE} by autograd/gen/storage.py -- edit that file, then rerun.\n" + java


def main():
    out = ROOT / "DoubleStorage.java"
    text = twin((ROOT / SOURCE).read_text())
    if "--check" in sys.argv:
        if not out.exists() or out.read_text() != text:
            print(f"{out} is stale: run python3 autograd/gen/storage.py", file=sys.stderr)
            sys.exit(1)
        return
    out.write_text(text)
    print("wrote", out)
    checksums.record("autograd/gen/storage.py")


if __name__ == "__main__":
    main()
