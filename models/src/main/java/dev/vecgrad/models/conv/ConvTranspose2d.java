package dev.vecgrad.models.conv;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import java.util.Random;

/**
 * Transposed 2-D convolution, as {@code torch.nn.ConvTranspose2d}: weight [in, out / groups, kh, kw]
 * and bias [out], initialized as PyTorch does (uniform in +-1/sqrt(out / groups * kh * kw), the
 * fan-in PyTorch computes from this weight layout); {@code outputPadding} picks among the output
 * sizes a stride leaves open.
 */
public final class ConvTranspose2d extends Module {

    public final int inChannels;
    public final int outChannels;
    public final int[] kernel;
    public final int[] stride;
    public final int[] padding;
    public final int[] outputPadding;
    public final int[] dilation;
    public final int groups;
    public final Tensor weight;
    public final Tensor bias;

    /** Square kernel and stride, the given padding and output padding, bias, float32. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, int outputPadding, Random rng) {
        this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {outputPadding, outputPadding}, new int[] {1, 1}, 1, true, DType.F32, rng);
    }

    /** Every setting of {@code nn.ConvTranspose2d}, by position: (height, width) pairs for kernel, stride, padding, output padding and dilation. */
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] outputPadding,
            int[] dilation, int groups, boolean bias, DType dtype, Random rng) {
        if (inChannels < 1 || outChannels < 1 || groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("ConvTranspose2d: groups " + groups + " must divide the channels " + inChannels + " and "
                    + outChannels + " (all >= 1)");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.outputPadding = outputPadding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        double bound = 1 / Math.sqrt((double) outChannels / groups * kernel[0] * kernel[1]);
        this.weight = registerParameter("weight",
                Init.uniform(Tensor.zeros(dtype, inChannels, outChannels / groups, kernel[0], kernel[1]), bound, rng));
        this.bias = bias ? registerParameter("bias", Init.uniform(Tensor.zeros(dtype, outChannels), bound, rng)) : null;
    }

    /** The transposed convolution of x [N, C_in, H, W]: [N, C_out, H_out, W_out]. */
    @Override
    public Tensor forward(Tensor x) {
        return Tensor.convTranspose2d(x, weight, bias, stride, padding, outputPadding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=(" + kernel[0] + ", " + kernel[1] + "), stride=(" + stride[0] + ", "
                + stride[1] + ")" + (padding[0] != 0 || padding[1] != 0 ? ", padding=(" + padding[0] + ", " + padding[1] + ")" : "")
                + (outputPadding[0] != 0 || outputPadding[1] != 0 ? ", output_padding=(" + outputPadding[0] + ", " + outputPadding[1]
                        + ")" : "") + (groups != 1 ? ", groups=" + groups : "") + (bias == null ? ", bias=False" : "");
    }
}
