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
