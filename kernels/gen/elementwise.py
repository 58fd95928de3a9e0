#!/usr/bin/env python3
"""Generates Elementwise.java, the public facade of the elementwise kernels, from a table of ops.

Each op gets a float and a double overload that checks its arguments, runs small arrays on
the calling thread and splits large ones into fixed chunks across threads, and dispatches to
FloatSimd / DoubleSimd (Vector API) or FloatScalar / DoubleScalar (the reference). Run from
the repository root after changing the table: python3 kernels/gen/elementwise.py
"""
import sys
from pathlib import Path

ops = [
 # name, javadoc, params (type/name pairs in call order), simd-call args, arrays to check [(name, offset, count-expr)], writes
 ("add", "out = a + b.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"]),
 ("sub", "out = a - b.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"]),
 ("mul", "out = a * b.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"]),
 ("div", "out = a / b.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"]),
 ("maximum", "out = max(a, b); NaN if either is NaN.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"]),
 ("fma", "out = a * b + c with one rounding.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] c", "int cOff", "float[] out", "int outOff", "int n"], ["a","b","c","out"]),
 ("mulAdd", "y += a * b with one rounding (accumulating a product, as a backward pass does).", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] y", "int yOff", "int n"], ["a","b","y"]),
 ("scale", "out = alpha * x.", ["float alpha", "float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("axpy", "y += alpha * x with one rounding.", ["float alpha", "float[] x", "int xOff", "float[] y", "int yOff", "int n"], ["x","y"]),
 ("addScalar", "out = x + s.", ["float[] x", "int xOff", "float s", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("clamp", "out = min(hi, max(lo, x)); NaN stays NaN.", ["float[] x", "int xOff", "float lo", "float hi", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("leakyRelu", "out = x for x >= 0, slope * x below.", ["float[] x", "int xOff", "float slope", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("neg", "out = -x.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("abs", "out = |x|.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("sqrt", "out = sqrt(x) (correctly rounded).", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("exp", "out = exp(x); accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("log", "out = log(x), natural; accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("tanh", "out = tanh(x); accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("sigmoid", "out = 1 / (1 + exp(-x)); accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("relu", "out = max(x, 0); NaN stays NaN.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("gelu", "GELU, exact (erf) form as PyTorch's default: out = x * Phi(x); accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("geluTanh", "GELU, tanh approximation: out = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"]),
 ("reluBackward", "out = grad where x > 0, else 0 (relu'(0) = 0, as in PyTorch).", ["float[] x", "int xOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["x","grad","out"]),
 ("leakyReluBackward", "out = grad where x > 0, else slope * grad.", ["float[] x", "int xOff", "float slope", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["x","grad","out"]),
 ("sigmoidBackward", "out = grad * y * (1 - y), from the output y = sigmoid(x).", ["float[] y", "int yOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["y","grad","out"]),
 ("tanhBackward", "out = grad * (1 - y^2), from the output y = tanh(x).", ["float[] y", "int yOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["y","grad","out"]),
 ("geluBackward", "out = grad * (Phi(x) + x phi(x)), the derivative of {@link #gelu}.", ["float[] x", "int xOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["x","grad","out"]),
 ("geluTanhBackward", "out = grad * d/dx of {@link #geluTanh}.", ["float[] x", "int xOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["x","grad","out"]),
 ("adamStep", "One fused Adam/AdamW update, in place: g' = g + weightDecay p; m = beta1 m + (1 - beta1) g'; v = beta2 v + (1 - beta2) g'^2; p = pScale p - stepSize m / (sqrt(v) invSqrtBc2 + eps). Adam: pScale 1, stepSize lr / (1 - beta1^t), invSqrtBc2 1 / sqrt(1 - beta2^t); AdamW: weightDecay 0, pScale 1 - lr wd.",
  ["float[] p", "int pOff", "float[] g", "int gOff", "float[] m", "int mOff", "float[] v", "int vOff", "float stepSize", "float beta1", "float beta2", "float invSqrtBc2", "float eps", "float weightDecay", "float pScale", "int n"], ["p","g","m","v"]),
]



def method(name, doc, params, arrays, prim):
    params = [p.replace("float", prim) for p in params]
    Simd, Scalar = ("FloatSimd", "FloatScalar") if prim == "float" else ("DoubleSimd", "DoubleScalar")
    names = [p.split()[1] for p in params]
    call = ["len" if nm == "n" else f"{nm} + from" if nm.endswith("Off") else nm for nm in names]
    direct = names
    L = [f"    /** {doc} */",
         f"    public static void {name}({', '.join(params)}) {{",
         f"        checkLength(\"{name}\", n);"]
    for a in arrays:
        L.append(f"        check(\"{name}\", \"{a}\", {a} == null ? -1 : {a}.length, {a}Off, n);")
    L += [f"        if (n <= GRAIN) {{",
          f"            if (VECTOR) {{",
          f"                {Simd}.{name}({', '.join(direct)});",
          f"            }} else {{",
          f"                {Scalar}.{name}({', '.join(direct)});",
          f"            }}",
          f"            return;",
          f"        }}",
          f"        split(n, (from, len) -> {{",
          f"            if (VECTOR) {{",
          f"                {Simd}.{name}({', '.join(call)});",
          f"            }} else {{",
          f"                {Scalar}.{name}({', '.join(call)});",
          f"            }}",
          f"        }});",
          f"    }}"]
    return "\n".join(L)


HEADER = """// GENERATED by kernels/gen/elementwise.py -- edit the generator, not this file.
package dev.vecgrad.kernels;

/**
 * Elementwise maps on float[] and double[] ranges (array, offset, length n), and the
 * derivative maps a backward pass needs, on the Vector API ({@link Backend}) or the scalar
 * reference. Inputs and output may be the same array (in place) but must not overlap
 * otherwise. Arrays of more than {@value #GRAIN} elements are split into chunks of
 * {@value #SPLIT} across {@link Parallelism#threads()}; results do not depend on the thread
 * count.
 *
 * <p>Accuracy of the vector transcendental maps, measured by {@code TranscendentalAccuracyTest}
 * over 2^20 values against the reference (double precision, rounded once): exp, log and tanh
 * are the JDK's Vector API math (Intel SVML on x86), within 1 ulp in float and 1 ulp (2.2e-16)
 * in double; sigmoid 2 ulp; GELU (erf form) 12 ulp in float, 1.4e-14 relative in double, its
 * derivative 1 ulp of 1; the tanh-form GELU 17 ulp of 1 for its derivative and, in float, up
 * to 194 ulp for x < -5, where |value| < 1e-6 and exp amplifies the rounding of its argument
 * (PyTorch's float tanh-GELU has the same error), 2.9e-14 in double. Ranges: exp [-87, 88],
 * log [1e-30, 1e30], tanh [-20, 20], sigmoid [-100, 100], GELU [-10, 10]. Until C2 has
 * compiled a kernel, the Vector API computes its lanes with {@link Math}, so the last bit of a
 * transcendental result can differ between a cold and a warm call.
 *
 * @throws IllegalArgumentException (every method) when n is negative, an offset is negative,
 *         an array is null or shorter than offset + n; the message names the op and argument
 */
public final class Elementwise {

    /** Arrays up to this many elements run on the calling thread. */
    public static final int GRAIN = 1 << 16;
    /**
     * The chunk of a reduction ({@link Reductions}): sums add chunk by chunk in this order
     * whatever the thread count, so it fixes their last bits. {@link RowOps} cuts its row
     * blocks by it too.
     */
    public static final int CHUNK = 1 << 14;
    /**
     * Larger arrays are mapped in chunks of this many elements, one kernel call each. Smaller
     * than {@link #CHUNK} for the JIT: HotSpot compiles a method when its calls or its loop
     * iterations reach a threshold, and when the loop count gets there first it compiles the
     * loop alone as well (on-stack replacement, a second C1 and C2 compile of the same kernel
     * that serves only the call under way). With 16384-element chunks (1024 iterations of
     * 512-bit vectors), Adam's kernel over a Fashion-MNIST MLP averaged about 640 iterations per
     * call (the first layer's chunks and the smaller tensors' single calls) and reached the loop
     * threshold first: extra compiles of C1 0.04 s and C2 0.16 s in a cold demo on one core. In
     * chunks of 4096 (256 iterations) the calls get there first, and the demo takes 0.97x the
     * time. A map's results do not depend on how it is cut.
     */
    public static final int SPLIT = 1 << 12;

    private static final boolean VECTOR = Backend.isVectorized();

    private Elementwise() {}

    /** A range [from, from + len) of a split array. */
    @FunctionalInterface
    interface Range {
        void run(int from, int len);
    }

    /** Runs {@code body} over [0, n) in chunks of SPLIT, spread over the kernel threads. */
    static void split(int n, Range body) {
        int chunks = (n + SPLIT - 1) / SPLIT;
        Parallelism.forEach(chunks, c -> {
            int from = c * SPLIT;
            body.run(from, Math.min(SPLIT, n - from));
        });
    }

    static void checkLength(String op, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(op + ": n must be >= 0, got " + n);
        }
    }

    static void check(String op, String name, int length, int off, int n) {
        if (length < 0) {
            throw new IllegalArgumentException(op + ": array " + name + " is null");
        }
        if (off < 0) {
            throw new IllegalArgumentException(op + ": " + name + "Off must be >= 0, got " + off);
        }
        if ((long) off + n > length) {
            throw new IllegalArgumentException(op + ": array " + name + " is too short: " + name + "Off " + off
                    + " + n " + n + " > length " + length);
        }
    }
"""

if __name__ == "__main__":
    parts = [HEADER]
    for prim in ("float", "double"):
        for name, doc, params, arrays in ops:
            parts.append("")
            parts.append(method(name, doc, params, arrays, prim))
    parts.append("}")
    root = Path(__file__).resolve().parents[1] / "src/main/java/dev/vecgrad/kernels"
    text = "\n".join(parts) + "\n"
    if "--check" in sys.argv:  # write nothing; exit 1 when the file is stale (GeneratedSourcesTest)
        if (root / "Elementwise.java").read_text() != text:
            sys.exit(f"{root / 'Elementwise.java'} is stale: run python3 kernels/gen/elementwise.py")
        sys.exit(0)
    (root / "Elementwise.java").write_text(text)
    print("wrote", root / "Elementwise.java")
