package dev.vecgrad.kernels;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Prints one SHA-256 over the float and double results of a fixed set of GEMMs (every transpose,
 * beta 0 and 1, sizes around the block and vector sizes, several KC blocks deep) and of a few
 * Winograd convolutions and weight gradients ({@link Winograd}), so that runs
 * with other block sizes or vector widths can be compared: {@link GemmBitsTest} starts it in
 * JVMs with {@code -Dvecgrad.gemm.kc/mc/nc} and {@code -XX:MaxVectorSize} changed.
 */
public final class GemmFingerprint {

    private GemmFingerprint() {}

    static final int[][] SHAPES = {{1, 1, 1}, {7, 13, 5}, {64, 10, 784}, {33, 70, 300}, {100, 37, 1029}, {64, 288, 1568},
            {130, 129, 64}, {9, 600, 17}, {257, 33, 700}};

    /** Winograd convolutions (n, c, h, w, o, padding): tile rows narrower and wider than a vector, odd sizes. */
    static final int[][] WINOGRAD = {{3, 16, 14, 14, 20, 1}, {2, 5, 9, 37, 7, 0}, {1, 3, 30, 30, 4, 2}};

    public static void main(String[] args) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random rnd = new Random(42);
        for (int[] s : SHAPES) {
            for (int trans = 0; trans < 4; trans++) {
                for (float beta : new float[] {0f, 1f}) {
                    boolean ta = trans >= 2;
                    boolean tb = (trans & 1) == 1;
                    int m = s[0];
                    int n = s[1];
                    int k = s[2];
                    float[] a = random(rnd, m * k);
                    float[] b = random(rnd, k * n);
                    float[] c = random(rnd, m * n);
                    Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c, 0, n);
                    ByteBuffer bytes = ByteBuffer.allocate(4 * c.length);
                    bytes.asFloatBuffer().put(c);
                    sha.update(bytes.array());
                    double[] cd = toDouble(random(rnd, m * n));
                    Gemm.dgemm(ta, tb, m, n, k, 1, toDouble(a), 0, ta ? m : k, toDouble(b), 0, tb ? k : n, beta, cd, 0, n);
                    ByteBuffer dbytes = ByteBuffer.allocate(8 * cd.length);
                    dbytes.asDoubleBuffer().put(cd);
                    sha.update(dbytes.array());
                }
            }
        }
        for (int[] s : WINOGRAD) {
            Winograd.Plan p = new Winograd.Plan(s[0], s[1], s[2], s[3], s[4], s[5], s[5]);
            float[] x = random(rnd, s[0] * s[1] * s[2] * s[3]);
            float[] u = new float[p.weightSize()];
            Winograd.weights(p, random(rnd, s[4] * s[1] * 9), 0, u);
            float[] y = new float[s[0] * s[4] * p.oh * p.ow];
            Winograd.forward(p, x, 0, u, y, 0);
            float[] dw = random(rnd, s[4] * s[1] * 9);
            Winograd.weightGradient(p, x, 0, y, 0, dw, 0);
            for (float[] r : new float[][] {y, dw}) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * r.length);
                bytes.asFloatBuffer().put(r);
                sha.update(bytes.array());
            }
        }
        System.out.println(HexFormat.of().formatHex(sha.digest()));
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
