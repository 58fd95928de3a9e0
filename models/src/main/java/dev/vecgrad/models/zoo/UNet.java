package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.Sequential;
import dev.vecgrad.models.activation.ReLU;
import dev.vecgrad.models.conv.Conv2d;
import dev.vecgrad.models.conv.ConvTranspose2d;
import dev.vecgrad.models.norm.BatchNorm2d;
import dev.vecgrad.models.pool.MaxPool2d;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A U-Net (Ronneberger et al., 2015) for image restoration: an encoder of {@code depth} levels,
 * each a block of two 3x3 convolutions (padding 1, no bias) with BatchNorm2d and ReLU followed by
 * a 2x2 max-pool, a bottleneck block, and a decoder that doubles the resolution with a
 * ConvTranspose2d (kernel 2, stride 2), concatenates the encoder's output of that level (the skip
 * connection) and runs a block. A 1x1 convolution makes one channel, added to the input's last
 * channel: the network learns a correction (residual output), and starts with none: the head's
 * weight and bias start at zero, where PyTorch's Conv2d would draw them (the one init that differs
 * from PyTorch's; see the constructor). With one input channel (the
 * degraded image) the correction is to the image itself; a second channel can carry an estimate
 * from elsewhere (a classical restoration), and the correction is then to that estimate.
 *
 * <p>Widths: level l has {@code width * 2^l} channels, the bottleneck {@code width * 2^depth}.
 * Names as the PyTorch module of {@code models/src/test/python/unet_torch.py} (an
 * {@code nn.ModuleList} of {@code nn.Sequential} blocks: {@code down.0.0.weight},
 * {@code down.0.1.running_mean}, {@code bottleneck.3.weight}, {@code up.1.weight},
 * {@code dec.1.4.bias}, {@code head.weight}, ...), so a checkpoint loads there by name. Input
 * [N, inChannels, H, W] with H and W multiples of {@code 2^depth}; output [N, 1, H, W].
 */
public final class UNet extends Module {

    public final int inChannels;
    public final int width;
    public final int depth;
    private final Sequential down;
    private final Sequential bottleneck;
    private final Sequential up;
    private final Sequential dec;
    private final Conv2d head;
    private final MaxPool2d pool = new MaxPool2d(2);

    /** Float32, as PyTorch's default. */
    public UNet(int inChannels, int width, int depth, Random rng) {
        this(inChannels, width, depth, DType.F32, rng);
    }

    public UNet(int inChannels, int width, int depth, DType dtype, Random rng) {
        checkSizes(inChannels, width, depth);
        this.inChannels = inChannels;
        this.width = width;
        this.depth = depth;
        List<Module> downs = new ArrayList<>();
        List<Module> ups = new ArrayList<>();
        List<Module> decs = new ArrayList<>();
        int c = inChannels;
        for (int l = 0; l < depth; l++) {
            downs.add(block(c, width << l, dtype, rng));
            c = width << l;
        }
        Sequential mid = block(c, width << depth, dtype, rng);
        for (int l = depth - 1; l >= 0; l--) {
            int[] two = {2, 2};
            ups.add(new ConvTranspose2d(width << (l + 1), width << l, two, two, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, 1,
                    true, dtype, rng));
            decs.add(block(2 * (width << l), width << l, dtype, rng));
        }
        down = register("down", new Sequential(downs.toArray(Module[]::new)));
        bottleneck = register("bottleneck", mid);
        up = register("up", new Sequential(ups.toArray(Module[]::new)));
        dec = register("dec", new Sequential(decs.toArray(Module[]::new)));
        int[] one = {1, 1};
        head = register("head", new Conv2d(width, 1, one, one, new int[] {0, 0}, one, 1, true, dtype, rng));
        // the head starts at zero, so the network starts as the identity on its last input channel: PyTorch's default
        // init gave a correction of about 0.8 per pixel at the first step, and a short run ended worse than its input
        // (deblur --quick: 9.9 dB against the blurred images' 17.9)
        Init.zeros(head.weight);
        Init.zeros(head.bias);
    }

    /**
     * The values of a UNet's state dict (parameters and BatchNorm2d's running statistics), computed
     * without building it: a checkpoint's metadata gives the sizes, and a reader compares this with
     * the values the file holds before allocating (forged sizes in a small file must not ask for
     * gigabytes). The arguments are checked as the constructor checks them.
     */
    public static long stateCount(int inChannels, int width, int depth) {
        checkSizes(inChannels, width, depth);
        long n = 0;
        long c = inChannels;
        for (int l = 0; l < depth; l++) {
            n += blockCount(c, (long) width << l);
            c = (long) width << l;
        }
        n += blockCount(c, (long) width << depth);
        for (int l = depth - 1; l >= 0; l--) {
            long in = (long) width << (l + 1);
            long out = (long) width << l;
            n += in * out * 4 + out + blockCount(2 * out, out);   // ConvTranspose2d 2x2 with bias, then the decoder's block
        }
        return n + width + 1;   // the 1x1 head with bias
    }

    private static void checkSizes(int inChannels, int width, int depth) {
        if (inChannels < 1 || width < 1 || depth < 1 || depth > 6 || (long) width << depth > 4096) {
            throw new IllegalArgumentException("UNet: needs inChannels >= 1, width >= 1 and depth 1 to 6 with width * 2^depth <= 4096, got "
                    + inChannels + ", " + width + ", " + depth);
        }
    }

    /** Two 3x3 convolutions without bias, each with a BatchNorm2d (weight, bias, running mean and variance). */
    private static long blockCount(long in, long out) {
        return 9 * in * out + 4 * out + 9 * out * out + 4 * out;
    }

    /** conv 3x3 (padding 1, no bias), BatchNorm2d, ReLU, twice: in PyTorch, {@code nn.Sequential} indices 0 to 5. */
    private static Sequential block(int in, int out, DType dtype, Random rng) {
        int[] k3 = {3, 3};
        int[] one = {1, 1};
        return new Sequential(new Conv2d(in, out, k3, one, one, one, 1, false, dtype, rng), new BatchNorm2d(out, 1e-5, 0.1, dtype),
                new ReLU(), new Conv2d(out, out, k3, one, one, one, 1, false, dtype, rng), new BatchNorm2d(out, 1e-5, 0.1, dtype), new ReLU());
    }

    @Override
    public Tensor forward(Tensor x) {
        int multiple = 1 << depth;
        if (x.dim() != 4 || x.size(1) != inChannels || x.size(2) % multiple != 0 || x.size(3) % multiple != 0) {
            throw new IllegalArgumentException("UNet(" + inChannels + " channels, depth " + depth + "): expects [N, " + inChannels
                    + ", H, W] with H and W multiples of " + multiple + ", got " + Arrays.toString(x.shape()));
        }
        List<Tensor> skips = new ArrayList<>();
        Tensor h = x;
        for (int l = 0; l < depth; l++) {
            h = down.get(l).forward(h);
            skips.add(h);
            h = pool.forward(h);
        }
        h = bottleneck.forward(h);
        for (int i = 0; i < depth; i++) {
            h = up.get(i).forward(h);
            h = dec.get(i).forward(Tensor.cat(List.of(h, skips.get(depth - 1 - i)), 1));
        }
        return x.slice(1, inChannels - 1, inChannels).add(head.forward(h));
    }

    @Override
    protected String extraRepr() {
        return "in_channels=" + inChannels + ", width=" + width + ", depth=" + depth;
    }
}
