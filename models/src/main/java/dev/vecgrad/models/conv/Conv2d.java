package dev.vecgrad.models.conv;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import java.util.Random;

/**
 * 2-D convolution, as {@code torch.nn.Conv2d}: weight [out, in / groups, kh, kw] and bias [out],
 * initialized as PyTorch does (uniform in +-1/sqrt(in / groups * kh * kw)); input [N, in, H, W].
 */
public final class Conv2d extends Module {

    public final int inChannels;
    public final int outChannels;
    public final int[] kernel;
    public final int[] stride;
    public final int[] padding;
    public final int[] dilation;
    public final int groups;
    public final Tensor weight;
    public final Tensor bias;

    /** Square kernel, stride 1, no padding, bias, float32. */
    public Conv2d(int inChannels, int outChannels, int kernel, Random rng) {
        this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, true,
                DType.F32, rng);
    }

    /**
     * {@code nn.Conv2d(inChannels, outChannels, kernel, ...)} with its settings by name and PyTorch's
     * defaults (stride 1, padding 0, dilation 1, groups 1, bias, float32): {@code Conv2d.options(32,
     * 64, 3).padding(1).stride(2).build()}. Without {@link Options#rng} the weights come from a
     * generator seeded with 0.
     */
    public static Options options(int inChannels, int outChannels, int kernel) {
        return new Options(inChannels, outChannels, kernel);
    }

    /** The settings of a {@link Conv2d}, by name; square sizes take one number, others two (height, width). */
    public static final class Options {
        private final int inChannels;
        private final int outChannels;
        private int[] kernel;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private int[] dilation = {1, 1};
        private int groups = 1;
        private boolean bias = true;
        private DType dtype = DType.F32;
        private Random rng;

        private Options(int inChannels, int outChannels, int kernel) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernel = new int[] {kernel, kernel};
        }

        /** A kernel of {@code height} x {@code width}. */
        public Options kernelSize(int height, int width) {
            this.kernel = new int[] {height, width};
            return this;
        }

        /** {@code stride}, the same on both axes. */
        public Options stride(int s) {
            return stride(s, s);
        }

        /** {@code stride=(height, width)}. */
        public Options stride(int height, int width) {
            this.stride = new int[] {height, width};
            return this;
        }

        /** Zero {@code padding} on every side, the same on both axes. */
        public Options padding(int p) {
            return padding(p, p);
        }

        /** {@code padding=(height, width)}. */
        public Options padding(int height, int width) {
            this.padding = new int[] {height, width};
            return this;
        }

        /** {@code dilation}, the same on both axes. */
        public Options dilation(int d) {
            this.dilation = new int[] {d, d};
            return this;
        }

        /** {@code groups}: channels split into this many independent convolutions. */
        public Options groups(int g) {
            this.groups = g;
            return this;
        }

        /** {@code bias} (default true). */
        public Options bias(boolean on) {
            this.bias = on;
            return this;
        }

        /** The parameters' dtype (default float32). */
        public Options dtype(DType type) {
            this.dtype = type;
            return this;
        }

        /** The generator of the initial weights (default: one seeded with 0). */
        public Options rng(Random generator) {
            this.rng = generator;
            return this;
        }

        /** The layer with these settings. */
        public Conv2d build() {
            return new Conv2d(inChannels, outChannels, kernel, stride, padding, dilation, groups, bias, dtype,
                    rng != null ? rng : new Random(0));
        }
    }

    /** Every setting, by position (see {@link #options} for them by name). */
    public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups,
            boolean bias, DType dtype, Random rng) {
        if (inChannels < 1 || outChannels < 1 || groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: groups " + groups + " must divide the channels " + inChannels + " and "
                    + outChannels + " (all >= 1)");
        }
        if (kernel.length != 2 || kernel[0] < 1 || kernel[1] < 1) {
            throw new IllegalArgumentException("Conv2d: kernel must be two sizes >= 1, got " + java.util.Arrays.toString(kernel));
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        double bound = 1 / Math.sqrt((double) inChannels / groups * kernel[0] * kernel[1]);
        this.weight = registerParameter("weight",
                Init.uniform(Tensor.zeros(dtype, outChannels, inChannels / groups, kernel[0], kernel[1]), bound, rng));
        this.bias = bias ? registerParameter("bias", Init.uniform(Tensor.zeros(dtype, outChannels), bound, rng)) : null;
    }

    /** The convolution of x [N, C_in, H, W]: [N, C_out, H_out, W_out]. */
    @Override
    public Tensor forward(Tensor x) {
        return Tensor.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=(" + kernel[0] + ", " + kernel[1] + "), stride=(" + stride[0] + ", "
                + stride[1] + ")" + (padding[0] != 0 || padding[1] != 0 ? ", padding=(" + padding[0] + ", " + padding[1] + ")" : "")
                + (dilation[0] != 1 || dilation[1] != 1 ? ", dilation=(" + dilation[0] + ", " + dilation[1] + ")" : "")
                + (groups != 1 ? ", groups=" + groups : "") + (bias == null ? ", bias=False" : "");
    }
}
