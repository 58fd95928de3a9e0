package dev.vecgrad.models.train;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.zoo.Cnn;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Trains a small CNN (convolutions, pooling, linear layers, cross-entropy, Adam) for a few
 * steps from a seed on synthetic data, then prints one SHA-256 over every parameter: the
 * fingerprint {@link CrossMachineBitsTest} compares across vector widths and GEMM block sizes.
 */
public final class TrainingFingerprint {

    private TrainingFingerprint() {}

    public static void main(String[] args) throws Exception {
        Random rng = new Random(5);
        Module model = new Cnn(12, 6, 10, 40, 5, rng);
        Optimizer opt = new Optimizers.Adam(model.parameters(), 0.01);
        for (int step = 0; step < 12; step++) {
            Tensor x = Tensor.randn(rng, DType.F32, 24, 1, 12, 12);
            int[] y = new int[24];
            for (int i = 0; i < y.length; i++) {
                y[i] = rng.nextInt(5);
            }
            opt.zeroGrad();
            Losses.crossEntropy(model.forward(x), y).backward();
            opt.step();
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Tensor p : model.parameters()) {
            float[] v = p.toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(4 * v.length);
            bytes.asFloatBuffer().put(v);
            sha.update(bytes.array());
        }
        System.out.println(HexFormat.of().formatHex(sha.digest()));
    }
}
