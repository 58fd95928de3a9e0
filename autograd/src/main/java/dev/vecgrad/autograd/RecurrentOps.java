package dev.vecgrad.autograd;

import dev.vecgrad.autograd.Storage.Binary;
import dev.vecgrad.autograd.Storage.Unary;

/**
 * Fused recurrences, the ops behind the LSTM layer (as PyTorch's {@code _VF.lstm}): the whole
 * sequence of one layer and direction is one {@link Function}, so the graph holds one node
 * instead of a dozen per step. Forward runs one GEMM per step for the recurrence and the gate
 * nonlinearities and cell update on the vector kernels, row by row; backward walks the steps
 * once, producing the gradient of every gate, then the recurrent weight's gradient in one
 * GEMM over all steps.
 */
public final class RecurrentOps {

    private RecurrentOps() {}

    /**
     * One LSTM layer in one direction over all steps.
     *
     * @param proj [T, B, 4H] the input projections x_t W_ih^T + b_ih, gates in PyTorch's order i, f, g, o
     * @param whh [4H, H] the recurrent weight
     * @param bhh [4H] the recurrent bias, or null
     * @param h0 [B, H] and c0 [B, H] the initial state
     * @param lengths each sequence's length (1 to T): steps past it leave the state as it was and output 0; or null
     * @param reverse run from the last step to the first
     * @return [T + 2, B, H]: the outputs h_t of steps 0 to T-1, then the final h, then the final c
     */
    public static Tensor lstm(Tensor proj, Tensor whh, Tensor bhh, Tensor h0, Tensor c0, int[] lengths, boolean reverse) {
        int steps = proj.size(0);
        int batch = proj.size(1);
        int hidden = whh.size(1);
        if (proj.dim() != 3 || proj.size(2) != 4 * hidden || whh.size(0) != 4 * hidden || !same(h0, batch, hidden)
                || !same(c0, batch, hidden) || (bhh != null && (bhh.dim() != 1 || bhh.size(0) != 4 * hidden))) {
            throw new IllegalArgumentException("lstm: expects proj [T, B, 4H], whh [4H, H], bhh [4H], h0 and c0 [B, H]; got "
                    + Shapes.str(proj.shape) + ", " + Shapes.str(whh.shape) + ", " + (bhh == null ? "no bias" : Shapes.str(bhh.shape))
                    + ", " + Shapes.str(h0.shape) + ", " + Shapes.str(c0.shape));
        }
        Fused op = new Fused(steps, batch, hidden, lengths == null ? null : lengths.clone(), reverse, bhh != null);
        Function f = Function.of("lstm", op::forward, op::backward);
        return bhh == null ? f.apply(proj, whh, h0, c0) : f.apply(proj, whh, h0, c0, bhh);
    }

    private static boolean same(Tensor t, int rows, int cols) {
        return t.dim() == 2 && t.size(0) == rows && t.size(1) == cols;
    }

    /** The forward and backward of one call; what forward keeps lives in the saved tensors. */
    private record Fused(int steps, int batch, int hidden, int[] lengths, boolean reverse, boolean bias) {

        private boolean active(int t, int b) {
            return lengths == null || t < lengths[b];
        }

        private int step(int s) {
            return reverse ? steps - 1 - s : s;
        }

        Tensor forward(Context ctx, Tensor[] in) {
            Tensor proj = in[0].contiguous();
            Tensor whh = in[1].contiguous();
            // W_hh^T [H, 4H] copied once: h W_hh^T as a plain (NN) product ran 1.6x faster than with a transpose flag
            // (B = 32, H = 128: 4.5 ms against 7.3 ms for 100 steps, one pinned core)
            Tensor whhT = Views.copyRaw(whh.t());
            Storage w = whhT.storage;
            int g4 = 4 * hidden;
            int bh = batch * hidden;
            Tensor z = Tensor.emptyLike(proj, steps, batch, g4);     // activated gates i, f, g, o
            Tensor cells = Tensor.emptyLike(proj, steps, batch, hidden);
            Tensor tanhC = Tensor.emptyLike(proj, steps, batch, hidden);
            Tensor hPrev = Tensor.emptyLike(proj, steps, batch, hidden);
            Tensor cPrev = Tensor.emptyLike(proj, steps, batch, hidden);
            Tensor out = Tensor.emptyLike(proj, steps + 2, batch, hidden);
            Tensor h = Views.copyRaw(in[2].contiguous());
            Tensor c = Views.copyRaw(in[3].contiguous());
            Storage zs = z.storage;
            for (int s = 0; s < steps; s++) {
                int t = step(s);
                int zo = t * batch * g4;
                int ho = t * bh;
                h.storage.copyTo(0, hPrev.storage, ho, bh);
                c.storage.copyTo(0, cPrev.storage, ho, bh);
                proj.storage.copyTo(proj.offset + zo, zs, zo, batch * g4);
                // gates += h W_hh^T (+ b_hh)
                h.storage.gemm(false, false, batch, g4, hidden, 0, hidden, w, 0, g4, 1, zs, zo, g4);
                if (bias) {
                    Tensor bhh = in[4].contiguous();
                    zs.rowVector(true, zo, batch, g4, bhh.storage, bhh.offset, zs, zo);
                }
                for (int b = 0; b < batch; b++) {
                    int r = zo + b * g4;
                    int cb = ho + b * hidden;
                    zs.map(Unary.SIGMOID, 0, 0, r, zs, r, 2 * hidden);                 // i, f
                    zs.map(Unary.TANH, 0, 0, r + 2 * hidden, zs, r + 2 * hidden, hidden); // g
                    zs.map(Unary.SIGMOID, 0, 0, r + 3 * hidden, zs, r + 3 * hidden, hidden); // o
                    zs.zip(Binary.MUL, 0, r + hidden, cPrev.storage, cb, cells.storage, cb, hidden); // c = f c_prev
                    zs.mulAdd(r, zs, r + 2 * hidden, cells.storage, cb, hidden);                    //   + i g
                }
                cells.storage.map(Unary.TANH, 0, 0, ho, tanhC.storage, ho, bh);
                for (int b = 0; b < batch; b++) {
                    int r = zo + b * g4;
                    int cb = ho + b * hidden;
                    if (active(t, b)) {
                        zs.zip(Binary.MUL, 0, r + 3 * hidden, tanhC.storage, cb, out.storage, cb, hidden); // h = o tanh(c)
                        out.storage.copyTo(cb, h.storage, b * hidden, hidden);
                        cells.storage.copyTo(cb, c.storage, b * hidden, hidden);
                    }
                }
            }
            h.storage.copyTo(0, out.storage, steps * bh, bh);
            c.storage.copyTo(0, out.storage, (steps + 1) * bh, bh);
            ctx.saveForBackward(whh, z, tanhC, hPrev, cPrev);
            return out;
        }

        Tensor[] backward(Context ctx, Tensor gradOut) {
            Tensor whh = ctx.saved(0);
            Tensor z = ctx.saved(1);
            Tensor tanhC = ctx.saved(2);
            Tensor hPrev = ctx.saved(3);
            Tensor cPrev = ctx.saved(4);
            Tensor g = gradOut.contiguous();
            int g4 = 4 * hidden;
            int bh = batch * hidden;
            Storage zs = z.storage;
            Tensor dz = Tensor.emptyLike(z, steps, batch, g4);
            Storage d = dz.storage;
            Tensor dh = Tensor.emptyLike(z, batch, hidden);
            Tensor dc = Tensor.emptyLike(z, batch, hidden);
            Tensor dhPrev = Tensor.emptyLike(z, batch, hidden);
            Tensor t1 = Tensor.emptyLike(z, hidden);
            Tensor t2 = Tensor.emptyLike(z, hidden);
            g.storage.copyTo(g.offset + steps * bh, dh.storage, 0, bh);
            g.storage.copyTo(g.offset + (steps + 1) * bh, dc.storage, 0, bh);
            Storage a = t1.storage;
            Storage e = t2.storage;
            for (int s = steps - 1; s >= 0; s--) {
                int t = step(s);
                int zo = t * batch * g4;
                int ho = t * bh;
                for (int b = 0; b < batch; b++) {
                    if (!active(t, b)) {
                        continue;
                    }
                    int r = zo + b * g4;
                    int cb = ho + b * hidden;
                    int hb = b * hidden;
                    g.storage.axpy(1, g.offset + cb, dh.storage, hb, hidden);                    // dh += d out_t
                    dh.storage.zip(Binary.MUL, 0, hb, tanhC.storage, cb, a, 0, hidden);          // d o = dh tanh(c)
                    zs.zip(Binary.SIGMOID_BACKWARD, 0, r + 3 * hidden, a, 0, d, r + 3 * hidden, hidden);
                    dh.storage.zip(Binary.MUL, 0, hb, zs, r + 3 * hidden, e, 0, hidden);          // dh o
                    tanhC.storage.zip(Binary.TANH_BACKWARD, 0, cb, e, 0, e, 0, hidden);           //   (1 - tanh(c)^2)
                    e.axpy(1, 0, dc.storage, hb, hidden);                                       // dc += dh o (1 - tanh^2)
                    dc.storage.zip(Binary.MUL, 0, hb, zs, r + 2 * hidden, a, 0, hidden);          // d i = dc g
                    zs.zip(Binary.SIGMOID_BACKWARD, 0, r, a, 0, d, r, hidden);
                    dc.storage.zip(Binary.MUL, 0, hb, cPrev.storage, cb, a, 0, hidden);           // d f = dc c_prev
                    zs.zip(Binary.SIGMOID_BACKWARD, 0, r + hidden, a, 0, d, r + hidden, hidden);
                    dc.storage.zip(Binary.MUL, 0, hb, zs, r, a, 0, hidden);                       // d g = dc i
                    zs.zip(Binary.TANH_BACKWARD, 0, r + 2 * hidden, a, 0, d, r + 2 * hidden, hidden);
                    dc.storage.zip(Binary.MUL, 0, hb, zs, r + hidden, dc.storage, hb, hidden);    // dc_prev = dc f
                }
                // dh_prev = d gates W_hh; a finished sequence passes dh through unchanged
                d.gemm(false, false, batch, hidden, g4, zo, g4, whh.storage, whh.offset, hidden, 0, dhPrev.storage, 0, hidden);
                for (int b = 0; b < batch; b++) {
                    if (active(t, b)) {
                        dhPrev.storage.copyTo(b * hidden, dh.storage, b * hidden, hidden);
                    }
                }
            }
            // d W_hh = sum over steps of d gates^T h_prev: one GEMM over all steps
            Tensor dW = Tensor.emptyLike(z, g4, hidden);
            d.gemm(true, false, g4, hidden, steps * batch, 0, g4, hPrev.storage, 0, hidden, 0, dW.storage, 0, hidden);
            Tensor[] grads = new Tensor[bias ? 5 : 4];
            grads[0] = dz;
            grads[1] = dW;
            grads[2] = dh;
            grads[3] = dc;
            if (bias) {
                Tensor db = Tensor.emptyLike(z, g4);
                d.columnSums(0, steps * batch, g4, db.storage, 0);
                grads[4] = db;
            }
            return grads;
        }
    }
}
