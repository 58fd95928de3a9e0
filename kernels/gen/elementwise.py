#!/usr/bin/env python3
"""The one table of the elementwise kernels, and everything generated from it.

From the table `ops` below it writes:
  kernels: Elementwise.java, the public facade: each op gets a float and a double overload that
           checks its arguments, runs small arrays on the calling thread, splits large ones into
           fixed chunks across threads, and calls the op on Backend's kernels (FloatSimd /
           DoubleSimd on the Vector API, FloatScalar / DoubleScalar, the reference);
           FloatKernels.java / DoubleKernels.java, the interfaces those classes implement (the
           table's ops, then the row, reduction and conversion kernels of ROW_AND_REDUCTION);
  autograd: the Storage.Unary / Storage.Binary enums (a marked region of Storage.java) from the
           ops whose last column says "Unary" (one input array) or "Binary" (two), and
           ElementwiseDispatch.java, the switch that runs each constant on its Elementwise op
           (FloatStorage / DoubleStorage call it).
A new elementwise kernel is a row here plus its code in FloatSimd.java and FloatScalar.java
(DoubleSimd / DoubleScalar are generated from those by microkernels.py). Run from anywhere:
  python3 kernels/gen/elementwise.py && python3 kernels/gen/microkernels.py
KernelsTest finds it by reflection and requires the vector code to equal the reference bit for
bit (a map that is only within some ulp goes in its APPROXIMATE set, with a bound in
TranscendentalAccuracyTest). With "Unary" / "Binary" it is a Storage constant that autograd's
Pointwise.map / zip can run; a Tensor method of its own is still an entry in UnaryOp.
With --check it writes nothing and exits 1 when a file is not what it would write (the
GeneratedSourcesTests run that). Writing also updates its lines in kernels/gen/checksums.txt.
"""
import re
import sys
import textwrap
from pathlib import Path

import checksums

ops = [
 # name, javadoc, params (type/name pairs in call order; 'float' becomes 'double' in the double twin),
 # arrays to check, autograd: "Unary" / "Binary" for a Storage.Unary / Storage.Binary constant (its
 # arrays: input(s) then output; its scalars become the p, q of Storage.map / Storage.zip), or None
 ("add", "out = a + b.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"], "Binary"),
 ("sub", "out = a - b.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"], "Binary"),
 ("mul", "out = a * b.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"], "Binary"),
 ("div", "out = a / b.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"], "Binary"),
 ("maximum", "out = max(a, b); NaN if either is NaN.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] out", "int outOff", "int n"], ["a","b","out"], "Binary"),
 ("fma", "out = a * b + c with one rounding.", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] c", "int cOff", "float[] out", "int outOff", "int n"], ["a","b","c","out"], None),
 ("mulAdd", "y += a * b with one rounding (accumulating a product, as a backward pass does).", ["float[] a", "int aOff", "float[] b", "int bOff", "float[] y", "int yOff", "int n"], ["a","b","y"], None),
 ("scale", "out = alpha * x.", ["float alpha", "float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("axpy", "y += alpha * x with one rounding.", ["float alpha", "float[] x", "int xOff", "float[] y", "int yOff", "int n"], ["x","y"], None),
 ("addScalar", "out = x + s.", ["float[] x", "int xOff", "float s", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("clamp", "out = min(hi, max(lo, x)); NaN stays NaN.", ["float[] x", "int xOff", "float lo", "float hi", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("leakyRelu", "out = x for x >= 0, slope * x below.", ["float[] x", "int xOff", "float slope", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("neg", "out = -x.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("abs", "out = |x|.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("sqrt", "out = sqrt(x) (correctly rounded).", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("exp", "out = exp(x); accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("log", "out = log(x), natural; accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("tanh", "out = tanh(x); accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("sigmoid", "out = 1 / (1 + exp(-x)); accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("relu", "out = max(x, 0); NaN stays NaN.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("gelu", "GELU, exact (erf) form as PyTorch's default: out = x * Phi(x); accuracy in the class comment.", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("geluTanh", "GELU, tanh approximation: out = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).", ["float[] x", "int xOff", "float[] out", "int outOff", "int n"], ["x","out"], "Unary"),
 ("reluBackward", "out = grad where x > 0, else 0 (relu'(0) = 0, as in PyTorch).", ["float[] x", "int xOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["x","grad","out"], "Binary"),
 ("leakyReluBackward", "out = grad where x > 0, else slope * grad.", ["float[] x", "int xOff", "float slope", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["x","grad","out"], "Binary"),
 ("sigmoidBackward", "out = grad * y * (1 - y), from the output y = sigmoid(x).", ["float[] y", "int yOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["y","grad","out"], "Binary"),
 ("tanhBackward", "out = grad * (1 - y^2), from the output y = tanh(x).", ["float[] y", "int yOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["y","grad","out"], "Binary"),
 ("geluBackward", "out = grad * (Phi(x) + x phi(x)), the derivative of {@link #gelu}.", ["float[] x", "int xOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["x","grad","out"], "Binary"),
 ("geluTanhBackward", "out = grad * d/dx of {@link #geluTanh}.", ["float[] x", "int xOff", "float[] grad", "int gradOff", "float[] out", "int outOff", "int n"], ["x","grad","out"], "Binary"),
 ("adamStep", "One fused Adam/AdamW update, in place: g' = g + weightDecay p; m = beta1 m + (1 - beta1) g'; v = beta2 v + (1 - beta2) g'^2; p = pScale p - stepSize m / (sqrt(v) invSqrtBc2 + eps). Adam: pScale 1, stepSize lr / (1 - beta1^t), invSqrtBc2 1 / sqrt(1 - beta2^t); AdamW: weightDecay 0, pScale 1 - lr wd.",
  ["float[] p", "int pOff", "float[] g", "int gOff", "float[] m", "int mOff", "float[] v", "int vOff", "float stepSize", "float beta1", "float beta2", "float invSqrtBc2", "float eps", "float weightDecay", "float pScale", "int n"], ["p","g","m","v"], None),
]


# The kernels of FloatKernels / DoubleKernels that the facade above does not generate (Reductions,
# RowOps and Conversions call them): name, javadoc, return type, params; "float" becomes "double"
# in DoubleKernels except in the float-only ones (the last column).
ROW_AND_REDUCTION = [
 ("addRow", "out[r][j] = x[r][j] + v[j] for rows x cols, then max(0, that) when {@code relu}.", "void",
  ["float[] x", "int xOff", "int rows", "int cols", "float[] v", "int vOff", "boolean relu", "float[] out", "int outOff"], False),
 ("mulRow", "out[r][j] = x[r][j] * v[j] for rows x cols.", "void",
  ["float[] x", "int xOff", "int rows", "int cols", "float[] v", "int vOff", "float[] out", "int outOff"], False),
 ("columnSums", "out[j] (+)= sum over rows of x[r][j], rows in order, for columns [j0, j1).", "void",
  ["float[] x", "int xOff", "int rows", "int cols", "int j0", "int j1", "float[] out", "int outOff", "boolean accumulate"], False),
 ("rowSoftmax", "Softmax (or, with {@code log}, log-softmax) of each of rows rows of cols, max-subtracted.", "void",
  ["float[] x", "int xOff", "int rows", "int cols", "float[] out", "int outOff", "boolean log"], False),
 ("sum", "Sum of one chunk, in a fixed order (lanes, then the lanes combined).", "double",
  ["float[] x", "int xOff", "int n"], False),
 ("dot", "Sum of a[i] * b[i] over one chunk, in a fixed order.", "double",
  ["float[] a", "int aOff", "float[] b", "int bOff", "int n"], False),
 ("max", "Largest element, NaN when any is NaN, -infinity for n = 0.", "float",
  ["float[] x", "int xOff", "int n"], False),
 ("indexOf", "Index (from 0) of the first element equal to {@code value}, of the first NaN when value is NaN; -1 if none.", "int",
  ["float[] x", "int xOff", "int n", "float value"], False),
 ("unsignedBytesToFloats", "dst = (src &amp; 0xFF) * scale + shift, a float multiply and a float add, each rounded.", "void",
  ["byte[] src", "int srcOff", "float[] dst", "int dstOff", "int n", "float scale", "float shift"], True),
]


def typed(params, prim):
    return [re.sub(r"\bfloat\b", prim, p) for p in params]


def method(name, doc, params, arrays, prim):
    params = typed(params, prim)
    K = prim.upper()
    names = [p.split()[1] for p in params]
    call = ["len" if nm == "n" else f"{nm} + from" if nm.endswith("Off") else nm for nm in names]
    L = [f"    /** {doc} */",
         f"    public static void {name}({', '.join(params)}) {{",
         f"        checkLength(\"{name}\", n);"]
    for a in arrays:
        L.append(f"        check(\"{name}\", \"{a}\", {a} == null ? -1 : {a}.length, {a}Off, n);")
    L += [f"        if (n <= GRAIN) {{",
          f"            {K}.{name}({', '.join(names)});",
          f"            return;",
          f"        }}",
          f"        split(n, (from, len) -> {K}.{name}({', '.join(call)}));",
          f"    }}"]
    return "\n".join(L)


HEADER = """// GENERATED by kernels/gen/elementwise.py -- edit the generator, not this file.
package dev.vecgrad.kernels;

/**
 * Elementwise maps on float[] and double[] ranges (array, offset, length n), and the
 * derivative maps a backward pass needs, on the Vector API or the scalar reference: each
 * method checks its arguments and calls {@link Backend#FLOAT} / {@link Backend#DOUBLE}, the
 * one implementation of {@link FloatKernels} / {@link DoubleKernels} chosen at startup.
 * Inputs and output may be the same array (in place) but must not overlap otherwise. Arrays
 * of more than {@value #GRAIN} elements are split into chunks of {@value #SPLIT} across
 * {@link Parallelism#threads()}; results do not depend on the thread count.
 *
 * <p>Accuracy of the vector transcendental maps, measured by {@code TranscendentalAccuracyTest}
 * over 2<sup>20</sup> values against the reference (double precision, rounded once): exp, log and tanh
 * are the JDK's Vector API math (Intel SVML on x86), within 1 ulp in float and 1 ulp (2.2e-16)
 * in double; sigmoid 2 ulp; GELU (erf form) 12 ulp in float, 1.4e-14 relative in double, its
 * derivative 1 ulp of 1; the tanh-form GELU 17 ulp of 1 for its derivative and, in float, up
 * to 194 ulp for x &lt; -5, where |value| &lt; 1e-6 and exp amplifies the rounding of its argument
 * (PyTorch's float tanh-GELU has the same error), 2.9e-14 in double. Ranges: exp [-87, 88],
 * log [1e-30, 1e30], tanh [-20, 20], sigmoid [-100, 100], GELU [-10, 10]. Until C2 has
 * compiled a kernel, the Vector API computes its lanes with {@link Math}, so the last bit of a
 * transcendental result can differ between a cold and a warm call.
 *
 * <p>Every method throws IllegalArgumentException when n is negative, an offset is negative,
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

    /** Static final, so C2 sees one receiver class and inlines the kernel call (see {@link FloatKernels}). */
    private static final FloatKernels FLOAT = Backend.FLOAT;
    private static final DoubleKernels DOUBLE = Backend.DOUBLE;

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


def facade():
    parts = [HEADER]
    for prim in ("float", "double"):
        for name, doc, params, arrays, _ in ops:
            parts.append("")
            parts.append(method(name, doc, params, arrays, prim))
    parts.append("}")
    return "\n".join(parts) + "\n"


def interface(prim):
    P = prim.capitalize()
    L = [f"// GENERATED by kernels/gen/elementwise.py -- edit its op table, not this file.",
         "package dev.vecgrad.kernels;",
         "",
         "/**",
         f" * The {prim} kernels, each over one range on the calling thread, with arguments already checked:",
         f" * {{@code {P}Simd}} on the Vector API and {{@link {P}Scalar}}, the reference, implement it.",
         f" * {{@link Backend#{prim.upper()}}} holds the one instance that runs, chosen once at startup (the scalar",
         " * one without the {@code jdk.incubator.vector} module or with {@code -Dvecgrad.scalar=true}), and the",
         " * facades ({@link Elementwise}, {@link Reductions}, {@link RowOps}"
         + (", {@link Conversions}" if prim == "float" else "") + ") call it through",
         " * static final fields. A static final field is a constant to C2, so every call site sees exactly",
         " * one receiver class (monomorphic): C2 binds the call statically, with no type check, and inlines",
         " * it as it would a static call (the facade methods stay small so that they inline into their",
         " * callers too). Only one implementation is chosen per JVM, so the profile is monomorphic as well.",
         " */",
         f"interface {P}Kernels {{",
         ""]
    for name, doc, params, _, _ in ops:
        L.append(f"    /** {doc} */")
        L.append(f"    void {name}({', '.join(typed(params, prim))});")
        L.append("")
    L.append("    // ---- rows, reductions and conversions (the ROW_AND_REDUCTION table) ----")
    L.append("")
    for name, doc, ret, params, float_only in ROW_AND_REDUCTION:
        if float_only and prim != "float":
            continue
        ret = re.sub(r"\bfloat\b", prim, ret)
        L.append(f"    /** {doc} */")
        L.append(f"    {ret} {name}({', '.join(typed(params, prim))});")
        L.append("")
    L[-1] = "}"
    return "\n".join(L) + "\n"


def constant(name):
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).upper()


def autograd_ops(kind):
    return [(name, params) for name, _, params, _, role in ops if role == kind]


REGION_BEGIN = "    // GENERATED region: kernels/gen/elementwise.py writes it from its op table -- edit the table, then rerun.\n"
REGION_END = "    // end of GENERATED region\n"


def storage_region():
    def names(kind):
        return textwrap.fill(", ".join(constant(n) for n, _ in autograd_ops(kind)), 100, subsequent_indent="        ")
    unary, binary = names("Unary"), names("Binary")
    return (REGION_BEGIN
            + "    /** Elementwise maps f(x), some with scalar parameters p and q ({@link ElementwiseDispatch} runs them). */\n"
            + f"    enum Unary {{ {unary} }}\n"
            + "\n"
            + "    /** Elementwise f(a, b); the *_BACKWARD maps take (input or saved output, gradient), LEAKY_RELU_BACKWARD a slope p. */\n"
            + f"    enum Binary {{ {binary} }}\n"
            + REGION_END)


def dispatch_case(name, params, arrays, prim):
    """The Elementwise call of one Unary / Binary constant: its arrays in order, its scalars p, q."""
    args, ai, si = [], 0, 0
    for p in params:
        t, nm = p.split()
        if nm == "n":
            args.append("n")
        elif nm.endswith("Off"):
            args.append(arrays[ai - 1][1])
        elif t.endswith("[]"):
            args.append(arrays[ai][0])
            ai += 1
        else:
            args.append("pq"[si])
            si += 1
    return f"            case {constant(name)} -> Elementwise.{name}({', '.join(args)});"


def dispatch():
    L = ["// GENERATED by kernels/gen/elementwise.py -- edit its op table, not this file.",
         "package dev.vecgrad.autograd;",
         "",
         "import dev.vecgrad.autograd.Storage.Binary;",
         "import dev.vecgrad.autograd.Storage.Unary;",
         "import dev.vecgrad.kernels.Elementwise;",
         "",
         "/**",
         " * Runs each {@link Storage.Unary} and {@link Storage.Binary} constant on its {@link Elementwise}",
         " * op, for {@link FloatStorage#map} / {@link FloatStorage#zip} and their double twins. Scalar",
         " * parameters p and q arrive in the storage's element type.",
         " */",
         "final class ElementwiseDispatch {",
         "",
         "    private ElementwiseDispatch() {}"]
    for prim in ("float", "double"):
        L += ["",
              f"    static void map(Unary op, {prim} p, {prim} q, {prim}[] x, int xo, {prim}[] out, int oo, int n) {{",
              "        switch (op) {"]
        L += [dispatch_case(n, p, [("x", "xo"), ("out", "oo")], prim) for n, p in autograd_ops("Unary")]
        L += ["        }", "    }",
              "",
              f"    static void zip(Binary op, {prim} p, {prim}[] a, int ao, {prim}[] b, int bo, {prim}[] out, int oo, int n) {{",
              "        switch (op) {"]
        L += [dispatch_case(n, p, [("a", "ao"), ("b", "bo"), ("out", "oo")], prim) for n, p in autograd_ops("Binary")]
        L += ["        }", "    }"]
    L.append("}")
    return "\n".join(L) + "\n"


def with_region(text, region):
    begin, end = text.index(REGION_BEGIN), text.index(REGION_END) + len(REGION_END)
    return text[:begin] + region + text[end:]


def files():
    """Every file this generator writes, by path, with the text it writes."""
    repo = Path(__file__).resolve().parents[2]
    kernels = repo / "kernels/src/main/java/dev/vecgrad/kernels"
    autograd = repo / "autograd/src/main/java/dev/vecgrad/autograd"
    return {
        kernels / "Elementwise.java": facade(),
        kernels / "FloatKernels.java": interface("float"),
        kernels / "DoubleKernels.java": interface("double"),
        autograd / "Storage.java": with_region((autograd / "Storage.java").read_text(), storage_region()),
        autograd / "ElementwiseDispatch.java": dispatch(),
    }


if __name__ == "__main__":
    out = files()
    if "--check" in sys.argv:  # write nothing; exit 1 when a file is stale (the GeneratedSourcesTests)
        stale = [str(f) for f, text in out.items() if not f.exists() or f.read_text() != text]
        sys.exit(f"stale: {stale}: run python3 kernels/gen/elementwise.py" if stale else 0)
    for f, text in out.items():
        f.write_text(text)
        print("wrote", f)
    checksums.record("kernels/gen/elementwise.py")
