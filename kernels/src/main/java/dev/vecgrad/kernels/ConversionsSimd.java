package dev.vecgrad.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API side of {@link Conversions}, called by {@code FloatSimd}; loaded only where the API is there. */
final class ConversionsSimd {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int VL = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /**
     * The bytes of one load: VL of them, at least 64 bits (the smallest shape). With 128-bit
     * vectors (4 floats) that is 8 bytes, which widen into two float vectors (parts 0 and 1).
     */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, VL * 8)));
    private static final int PARTS = B.length() / VL;

    private ConversionsSimd() {}

    static void unsignedBytesToFloats(byte[] src, int s, float[] dst, int d, int n, float scale, float shift) {
        int step = B.length();
        int k = 0;
        for (; k <= n - step; k += step) {
            ByteVector b = ByteVector.fromArray(B, src, s + k);
            for (int p = 0; p < PARTS; p++) {
                IntVector u = (IntVector) b.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, p);
                ((FloatVector) u.convert(VectorOperators.I2F, 0)).mul(scale).add(shift).intoArray(dst, d + k + p * VL);
            }
        }
        FloatScalar.INSTANCE.unsignedBytesToFloats(src, s + k, dst, d + k, n - k, scale, shift);
    }
}
