package dev.vecgrad.models.norm;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/**
 * Batch normalization's shared part: per-channel learnable scale (weight, 1s) and shift (bias,
 * 0s); in training, normalization by the batch mean and (biased) variance over every dimension
 * but the channels, the running statistics updated with momentum as PyTorch does (running_var
 * from the unbiased variance); in eval mode the running statistics are used.
 */
public abstract class BatchNorm extends Module {
    public final Tensor weight;
    public final Tensor bias;
    public final Tensor runningMean;
    public final Tensor runningVar;
    final double eps;
    final double momentum;
    final int channels;

    BatchNorm(int channels, double eps, double momentum, DType dtype) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        weight = registerParameter("weight", Tensor.ones(dtype, channels));
        bias = registerParameter("bias", Tensor.zeros(dtype, channels));
        runningMean = registerBuffer("running_mean", Tensor.zeros(dtype, channels));
        runningVar = registerBuffer("running_var", Tensor.ones(dtype, channels));
    }

    /** x normalized over {@code dims}, the per-channel tensors seen in shape {@code view} (1s but the channel axis). */
    Tensor normalize(Tensor x, int[] dims, int... view) {
        Tensor w = weight.reshape(view);
        Tensor b = bias.reshape(view);
        if (!isTraining()) {
            return x.sub(runningMean.reshape(view)).div(runningVar.reshape(view).add(eps).sqrt()).mul(w).add(b);
        }
        int count = x.numel() / channels;
        if (count < 2) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected more than 1 value per channel when training,"
                    + " got " + java.util.Arrays.toString(x.shape()));
        }
        Tensor mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        Tensor var = centered.mul(centered).mean(dims, true);
        Tensor y = centered.div(var.add(eps).sqrt()).mul(w).add(b);
        double[] m = mean.toDoubleArray();
        double[] v = var.toDoubleArray();
        double[] rm = runningMean.toDoubleArray();
        double[] rv = runningVar.toDoubleArray();
        for (int j = 0; j < channels; j++) {
            rm[j] = (1 - momentum) * rm[j] + momentum * m[j];
            rv[j] = (1 - momentum) * rv[j] + momentum * v[j] * count / (count - 1);
        }
        runningMean.copyFrom(Tensor.of(rm, channels));
        runningVar.copyFrom(Tensor.of(rv, channels));
        return y;
    }

    @Override
    protected String extraRepr() {
        return channels + ", eps=" + repr(eps) + ", momentum=" + repr(momentum) + ", affine=True, track_running_stats=True";
    }
}
