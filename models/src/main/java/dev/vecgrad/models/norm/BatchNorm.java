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

    /** x normalized over every dimension but the channels ({@link Tensor#batchNorm}), running statistics updated in training. */
    Tensor normalize(Tensor x) {
        if (isTraining() && x.numel() / channels < 2) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected more than 1 value per channel when training,"
                    + " got " + java.util.Arrays.toString(x.shape()));
        }
        return Tensor.batchNorm(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps);
    }

    @Override
    protected String extraRepr() {
        return channels + ", eps=" + repr(eps) + ", momentum=" + repr(momentum) + ", affine=True, track_running_stats=True";
    }
}
