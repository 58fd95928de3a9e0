package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pixels to floats: the vector code against the scalar reference, bitwise, at every length around
 * one load (at 128-bit vectors one load makes two float vectors), and without the Vector API.
 */
class ConversionsTest {

    /** Runs the vector code, the reference and the facade (which picks one of them). */
    static void check(byte[] src, int off, int n, float scale, float shift) {
        float[] got = new float[n + 2];
        float[] want = new float[n + 2];
        java.util.Arrays.fill(got, -7f);
        java.util.Arrays.fill(want, -7f);
        ConversionsSimd.unsignedBytesToFloats(src, off, got, 1, n, scale, shift);
        FloatScalar.INSTANCE.unsignedBytesToFloats(src, off, want, 1, n, scale, shift);
        for (int i = 0; i < n + 2; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "element " + i + " of " + n);
        }
        float[] facade = new float[n];
        Conversions.unsignedBytesToFloats(src, off, facade, 0, n, scale, shift);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(want[i + 1]), Float.floatToRawIntBits(facade[i]), "facade, element " + i);
        }
    }

    @Test
    void everyByteAndLengthEqualsTheReferenceBitwise() {
        int vl = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        byte[] all = new byte[256 + 7];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        float[][] scales = {{1f / 255, 0f}, {1f / 255 / 0.5f, -1f}, {0.1f, 0.7f}, {-3.5f, 1e-3f}};
        for (float[] ss : scales) {
            for (int n : new int[] {0, 1, vl - 1, vl, vl + 1, 2 * vl - 1, 2 * vl, 2 * vl + 3, 256}) {
                for (int off = 0; off <= 5; off += 5) {
                    check(all, off, Math.min(n, all.length - off), ss[0], ss[1]);
                }
            }
        }
        Random rnd = new Random(3);
        byte[] px = new byte[784 * 3];
        rnd.nextBytes(px);
        check(px, 784, 784, 1f / 255, 0f);
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conversions.unsignedBytesToFloats(new byte[4], 2, new float[4], 0, 3, 1f, 0f));
        assertEquals("unsignedBytesToFloats: array src is too short: srcOff 2 + n 3 > length 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conversions.unsignedBytesToFloats(null, 0, new float[1], 0, 1, 1f, 0f));
    }
}
