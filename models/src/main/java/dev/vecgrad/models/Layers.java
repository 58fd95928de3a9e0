package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import java.util.Random;

/** Shape and regularization layers: Flatten, Dropout, BatchNorm1d, LayerNorm. */
public final class Layers {

    private Layers() {}

    /** [N, d1, d2, ...] to [N, d1 * d2 * ...]. */
    public static final class Flatten extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.dim() <= 2 ? x : x.flatten(1);
        }

        @Override
        protected String extraRepr() {
            return "start_dim=1, end_dim=-1";
        }
    }

    /** Inverted dropout in training mode (scale 1 / (1 - p)); the identity in eval mode. */
    public static final class Dropout extends Module {
        private final double p;
        private final Random rng;

        public Dropout(double p, Random rng) {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
            }
            this.p = p;
            this.rng = rng;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.dropout(p, isTraining(), rng);
        }

        @Override
        protected String extraRepr() {
            return "p=" + repr(p) + ", inplace=False";
        }
    }

    /**
     * Batch normalization's shared part: per-channel learnable scale (weight, 1s) and shift (bias,
     * 0s); in training, normalization by the batch mean and (biased) variance over every dimension
     * but the channels, the running statistics updated with momentum as PyTorch does (running_var
     * from the unbiased variance); in eval mode the running statistics are used.
     */
    public abstract static class BatchNorm extends Module {
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

    /** Batch normalization over [N, C], as {@code torch.nn.BatchNorm1d}; see {@link BatchNorm}. */
    public static final class BatchNorm1d extends BatchNorm {
        public BatchNorm1d(int features) {
            this(features, 1e-5, 0.1, DType.F32);
        }

        public BatchNorm1d(int features, double eps, double momentum, DType dtype) {
            super(features, eps, momentum, dtype);
        }

        @Override
        public Tensor forward(Tensor x) {
            if (x.dim() != 2 || x.size(1) != channels) {
                throw new IllegalArgumentException("BatchNorm1d(" + channels + "): expects [N, " + channels + "], got "
                        + java.util.Arrays.toString(x.shape()));
            }
            return normalize(x, new int[] {0}, 1, channels);
        }
    }

    /** Layer normalization over the last dimension, biased variance, learnable scale and shift. */
    public static final class LayerNorm extends Module {
        public final Tensor weight;
        public final Tensor bias;
        private final double eps;
        private final int size;

        public LayerNorm(int size) {
            this(size, 1e-5, DType.F32);
        }

        public LayerNorm(int size, double eps, DType dtype) {
            this.size = size;
            this.eps = eps;
            weight = registerParameter("weight", Tensor.ones(dtype, size));
            bias = registerParameter("bias", Tensor.zeros(dtype, size));
        }

        @Override
        public Tensor forward(Tensor x) {
            if (x.dim() == 0 || x.size(-1) != size) {
                throw new IllegalArgumentException("LayerNorm(" + size + "): the last dimension of "
                        + java.util.Arrays.toString(x.shape()) + " is not " + size);
            }
            Tensor centered = x.sub(x.mean(-1, true));
            Tensor var = centered.mul(centered).mean(-1, true);
            return centered.div(var.add(eps).sqrt()).mul(weight).add(bias);
        }

        @Override
        protected String extraRepr() {
            return "(" + size + ",), eps=" + repr(eps) + ", elementwise_affine=True";
        }
    }

    /** Max pooling, as {@code torch.nn.MaxPool2d} (stride defaults to the kernel). */
    public static final class MaxPool2d extends Module {
        private final int kernel;
        private final int stride;
        private final int padding;

        public MaxPool2d(int kernel) {
            this(kernel, kernel, 0);
        }

        public MaxPool2d(int kernel, int stride, int padding) {
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.maxPool2d(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
        }

        @Override
        protected String extraRepr() {
            return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=1, ceil_mode=False";
        }
    }

    /** Average pooling, as {@code torch.nn.AvgPool2d} (stride defaults to the kernel). */
    public static final class AvgPool2d extends Module {
        private final int kernel;
        private final int stride;
        private final int padding;

        public AvgPool2d(int kernel) {
            this(kernel, kernel, 0);
        }

        public AvgPool2d(int kernel, int stride, int padding) {
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.avgPool2d(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
        }

        @Override
        protected String extraRepr() {
            return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
        }
    }

    /** Batch normalization over the channels of [N, C, H, W], as {@code torch.nn.BatchNorm2d}; see {@link BatchNorm}. */
    public static final class BatchNorm2d extends BatchNorm {
        public BatchNorm2d(int channels) {
            this(channels, 1e-5, 0.1, DType.F32);
        }

        public BatchNorm2d(int channels, double eps, double momentum, DType dtype) {
            super(channels, eps, momentum, dtype);
        }

        @Override
        public Tensor forward(Tensor x) {
            if (x.dim() != 4 || x.size(1) != channels) {
                throw new IllegalArgumentException("BatchNorm2d(" + channels + "): expects [N, " + channels + ", H, W], got "
                        + java.util.Arrays.toString(x.shape()));
            }
            return normalize(x, new int[] {0, 2, 3}, 1, channels, 1, 1);
        }
    }

    /** Average pooling to a fixed output size, as {@code torch.nn.AdaptiveAvgPool2d}. */
    public static final class AdaptiveAvgPool2d extends Module {
        private final int height;
        private final int width;

        public AdaptiveAvgPool2d(int height, int width) {
            this.height = height;
            this.width = width;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.adaptiveAvgPool2d(height, width);
        }

        @Override
        protected String extraRepr() {
            return "output_size=(" + height + ", " + width + ")";
        }
    }

    /** Nearest-neighbour upsampling by an integer factor, as {@code torch.nn.Upsample(scale_factor=s, mode="nearest")}. */
    public static final class Upsample extends Module {
        private final int scale;

        public Upsample(int scale) {
            this.scale = scale;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.upsampleNearest(scale);
        }

        @Override
        protected String extraRepr() {
            return "scale_factor=" + repr(scale) + ", mode=nearest";
        }
    }
}
