package dev.vecgrad.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Conversions between element types: pixels (unsigned bytes) to scaled floats. Not generated
 * from a float template (it has no double twin), and single-threaded: its callers convert rows
 * of a few hundred values.
 */
public final class Conversions {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int VL = F.length();
    /**
     * VL bytes, the lanes of one float vector; null where that is less than the smallest vector
     * shape (64 bits: 128-bit float vectors), which then takes the scalar loop.
     */
    private static final VectorSpecies<Byte> B = VL * 8 >= 64 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(VL * 8)) : null;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final boolean VECTOR = Backend.isVectorized() && B != null;

    private Conversions() {}

    /**
     * {@code dst[dstOff + k] = (src[srcOff + k] & 0xFF) * scale + shift} for k < n: the byte as
     * an unsigned value, then a float multiply and a float add, each rounded (no fused
     * multiply-add), so the result is that expression's to the bit.
     *
     * @throws IllegalArgumentException if n or an offset is negative, or an array is null or too
     *         short
     */
    public static void unsignedBytesToFloats(byte[] src, int srcOff, float[] dst, int dstOff, int n, float scale, float shift) {
        Elementwise.checkLength("unsignedBytesToFloats", n);
        Elementwise.check("unsignedBytesToFloats", "src", src == null ? -1 : src.length, srcOff, n);
        Elementwise.check("unsignedBytesToFloats", "dst", dst == null ? -1 : dst.length, dstOff, n);
        if (VECTOR) {
            simd(src, srcOff, dst, dstOff, n, scale, shift);
        } else {
            scalar(src, srcOff, dst, dstOff, n, scale, shift);
        }
    }

    /** The reference. */
    static void scalar(byte[] src, int s, float[] dst, int d, int n, float scale, float shift) {
        for (int k = 0; k < n; k++) {
            dst[d + k] = (src[s + k] & 0xFF) * scale + shift;
        }
    }

    static void simd(byte[] src, int s, float[] dst, int d, int n, float scale, float shift) {
        int k = 0;
        for (; B != null && k <= n - VL; k += VL) {
            IntVector u = (IntVector) ByteVector.fromArray(B, src, s + k).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            ((FloatVector) u.convert(VectorOperators.I2F, 0)).mul(scale).add(shift).intoArray(dst, d + k);
        }
        scalar(src, s + k, dst, d + k, n - k, scale, shift);
    }
}
