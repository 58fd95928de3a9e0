package dev.vecgrad.kernels;

/**
 * Conversions between element types: pixels (unsigned bytes) to scaled floats. Not generated
 * from a float template (it has no double twin), and single-threaded: its callers convert rows
 * of a few hundred values. It runs {@link Backend#FLOAT}'s kernel: the vector code sits in
 * {@link ConversionsSimd}, which only {@code FloatSimd} calls, and {@link FloatScalar}'s loop is its
 * reference and the fallback.
 */
public final class Conversions {

    private static final FloatKernels FLOAT = Backend.FLOAT;

    private Conversions() {}

    /**
     * {@code dst[dstOff + k] = (src[srcOff + k] & 0xFF) * scale + shift} for k &lt; n: the byte as
     * an unsigned value (exact in float), then a float multiply and a float add, each rounded (no
     * fused multiply-add), so the result is that expression's to the bit.
     *
     * @throws IllegalArgumentException if n or an offset is negative, or an array is null or too
     *         short
     */
    public static void unsignedBytesToFloats(byte[] src, int srcOff, float[] dst, int dstOff, int n, float scale, float shift) {
        Elementwise.checkLength("unsignedBytesToFloats", n);
        Elementwise.check("unsignedBytesToFloats", "src", src == null ? -1 : src.length, srcOff, n);
        Elementwise.check("unsignedBytesToFloats", "dst", dst == null ? -1 : dst.length, dstOff, n);
        FLOAT.unsignedBytesToFloats(src, srcOff, dst, dstOff, n, scale, shift);
    }
}
