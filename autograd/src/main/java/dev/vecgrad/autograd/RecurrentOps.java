package dev.vecgrad.autograd;

import dev.vecgrad.autograd.Storage.Binary;
import dev.vecgrad.autograd.Storage.Unary;

/**
 * Fused recurrences, the ops behind the LSTM layer (as PyTorch's {@code _VF.lstm}): the whole
 * sequence of one layer and direction is one op, entered as a {@link Function} is (forward
 * saving into its context, backward reading from it), so the graph holds one node instead of
 * a dozen per step. Forward runs one GEMM per step for the recurrence and the gate
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
        return Autograd.apply("lstm", op::forward, op::backward,
                bhh == null ? new Tensor[] {proj, whh, h0, c0} : new Tensor[] {proj, whh, h0, c0, bhh});
    }

    private static boolean same(Tensor t, int rows, int cols) {
        return t.dim() == 2 && t.size(0) == rows && t.size(1) == cols;
    }

    /** What the LSTM and GRU recurrences share: which time step comes s-th, and which sequences are still running. */
    private interface Recurrence {
        int steps();

        int[] lengths();

        boolean reverse();

        /** Whether sequence {@code b} has a step {@code t} (always, without lengths). */
        default boolean active(int t, int b) {
            return lengths() == null || t < lengths()[b];
        }

        /** The time step processed s-th: s forward, from the end in reverse. */
        default int step(int s) {
            return reverse() ? steps() - 1 - s : s;
        }
    }

    /** The forward and backward of one call; what forward keeps lives in the saved tensors. */
    private record Fused(int steps, int batch, int hidden, int[] lengths, boolean reverse, boolean bias) implements Recurrence {

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
                    gatesAndCell(zs, zo + b * g4, cPrev.storage, cells.storage, ho + b * hidden, hidden);
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

        /** The activations of one row's gates (i, f, g, o) in place, and c = f c_prev + i g. */
        /**
         * One row's step back: dh += d out_t; the gates' pre-activation gradients into d; dc
         * becomes the gradient of c_prev. a and e are [H] scratch.
         */
        private static void rowBackward(Storage g, int go, Storage zs, int r, Storage tanhC, Storage cPrev, int cb, Storage dh,
                Storage dc, int hb, Storage d, Storage a, Storage e, int hidden) {
            g.axpy(1, go, dh, hb, hidden);                                      // dh += d out_t
            dh.zip(Binary.MUL, 0, hb, tanhC, cb, a, 0, hidden);                 // d o = dh tanh(c)
            zs.zip(Binary.SIGMOID_BACKWARD, 0, r + 3 * hidden, a, 0, d, r + 3 * hidden, hidden);
            dh.zip(Binary.MUL, 0, hb, zs, r + 3 * hidden, e, 0, hidden);         // dh o
            tanhC.zip(Binary.TANH_BACKWARD, 0, cb, e, 0, e, 0, hidden);          //   (1 - tanh(c)^2)
            e.axpy(1, 0, dc, hb, hidden);                                       // dc += dh o (1 - tanh^2)
            dc.zip(Binary.MUL, 0, hb, zs, r + 2 * hidden, a, 0, hidden);         // d i = dc g
            zs.zip(Binary.SIGMOID_BACKWARD, 0, r, a, 0, d, r, hidden);
            dc.zip(Binary.MUL, 0, hb, cPrev, cb, a, 0, hidden);                  // d f = dc c_prev
            zs.zip(Binary.SIGMOID_BACKWARD, 0, r + hidden, a, 0, d, r + hidden, hidden);
            dc.zip(Binary.MUL, 0, hb, zs, r, a, 0, hidden);                      // d g = dc i
            zs.zip(Binary.TANH_BACKWARD, 0, r + 2 * hidden, a, 0, d, r + 2 * hidden, hidden);
            dc.zip(Binary.MUL, 0, hb, zs, r + hidden, dc, hb, hidden);           // dc_prev = dc f
        }

        private static void gatesAndCell(Storage zs, int r, Storage cPrev, Storage cells, int cb, int hidden) {
            zs.map(Unary.SIGMOID, 0, 0, r, zs, r, 2 * hidden);                          // i, f
            zs.map(Unary.TANH, 0, 0, r + 2 * hidden, zs, r + 2 * hidden, hidden);         // g
            zs.map(Unary.SIGMOID, 0, 0, r + 3 * hidden, zs, r + 3 * hidden, hidden);      // o
            zs.zip(Binary.MUL, 0, r + hidden, cPrev, cb, cells, cb, hidden);              // c = f c_prev
            zs.mulAdd(r, zs, r + 2 * hidden, cells, cb, hidden);                          //   + i g
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
                    rowBackward(g.storage, g.offset + ho + b * hidden, zs, zo + b * g4, tanhC.storage, cPrev.storage,
                            ho + b * hidden, dh.storage, dc.storage, b * hidden, d, a, e, hidden);
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

    /**
     * One GRU layer in one direction over all steps (PyTorch's gates r, z, n):
     * r = sigma(x_r + h_r), z = sigma(x_z + h_z), n = tanh(x_n + r h_n), h' = n + z (h - n),
     * with x = proj[t] (input projection and b_ih) and h_* = h W_hh^T + b_hh.
     *
     * @return [T + 1, B, H]: the outputs of steps 0 to T-1, then the final h
     * @see #lstm for the arguments
     */
    public static Tensor gru(Tensor proj, Tensor whh, Tensor bhh, Tensor h0, int[] lengths, boolean reverse) {
        int steps = proj.size(0);
        int batch = proj.size(1);
        int hidden = whh.size(1);
        if (proj.dim() != 3 || proj.size(2) != 3 * hidden || whh.size(0) != 3 * hidden || !same(h0, batch, hidden)
                || (bhh != null && (bhh.dim() != 1 || bhh.size(0) != 3 * hidden))) {
            throw new IllegalArgumentException("gru: expects proj [T, B, 3H], whh [3H, H], bhh [3H], h0 [B, H]; got "
                    + Shapes.str(proj.shape) + ", " + Shapes.str(whh.shape) + ", " + (bhh == null ? "no bias" : Shapes.str(bhh.shape))
                    + ", " + Shapes.str(h0.shape));
        }
        FusedGru op = new FusedGru(steps, batch, hidden, lengths == null ? null : lengths.clone(), reverse, bhh != null);
        return Autograd.apply("gru", op::forward, op::backward, bhh == null ? new Tensor[] {proj, whh, h0} : new Tensor[] {proj, whh, h0, bhh});
    }

    private record FusedGru(int steps, int batch, int hidden, int[] lengths, boolean reverse, boolean bias) implements Recurrence {

        Tensor forward(Context ctx, Tensor[] in) {
            Tensor proj = in[0].contiguous();
            Tensor whh = in[1].contiguous();
            Tensor whhT = Views.copyRaw(whh.t());
            int g3 = 3 * hidden;
            int bh = batch * hidden;
            Tensor gates = Tensor.emptyLike(proj, steps, batch, g3);   // r, z, n after their activations
            Tensor hn = Tensor.emptyLike(proj, steps, batch, hidden);  // h W_hn^T + b_hn
            Tensor hPrev = Tensor.emptyLike(proj, steps, batch, hidden);
            Tensor out = Tensor.emptyLike(proj, steps + 1, batch, hidden);
            Tensor hp = Tensor.emptyLike(proj, batch, g3);
            Tensor diff = Tensor.emptyLike(proj, hidden);
            Tensor h = Views.copyRaw(in[2].contiguous());
            Storage gs = gates.storage;
            Storage ps = hp.storage;
            for (int s = 0; s < steps; s++) {
                int t = step(s);
                int go = t * batch * g3;
                int ho = t * bh;
                h.storage.copyTo(0, hPrev.storage, ho, bh);
                proj.storage.copyTo(proj.offset + go, gs, go, batch * g3);
                h.storage.gemm(false, false, batch, g3, hidden, 0, hidden, whhT.storage, 0, g3, 0, ps, 0, g3);
                if (bias) {
                    Tensor bhh = in[3].contiguous();
                    ps.rowVector(true, 0, batch, g3, bhh.storage, bhh.offset, ps, 0);
                }
                for (int b = 0; b < batch; b++) {
                    rowForward(gs, go + b * g3, ps, b * g3, hn.storage, ho + b * hidden, active(t, b), h.storage, b * hidden,
                            diff.storage, out.storage, hidden);
                }
            }
            h.storage.copyTo(0, out.storage, steps * bh, bh);
            ctx.saveForBackward(whh, gates, hn, hPrev);
            return out;
        }

        /** One row's gates r, z, n in place (from x in gs and h_* in ps) and, if the sequence runs, h' into out and h. */
        private static void rowForward(Storage gs, int r, Storage ps, int p, Storage hn, int cb, boolean active, Storage h, int hb,
                Storage diff, Storage out, int hidden) {
            gs.zip(Binary.ADD, 0, r, ps, p, gs, r, 2 * hidden);                       // x_r + h_r, x_z + h_z
            gs.map(Unary.SIGMOID, 0, 0, r, gs, r, 2 * hidden);                       // r, z
            ps.copyTo(p + 2 * hidden, hn, cb, hidden);                               // h_n kept for backward
            gs.mulAdd(r, ps, p + 2 * hidden, gs, r + 2 * hidden, hidden);             // x_n + r h_n
            gs.map(Unary.TANH, 0, 0, r + 2 * hidden, gs, r + 2 * hidden, hidden);     // n
            if (active) {
                h.zip(Binary.SUB, 0, hb, gs, r + 2 * hidden, diff, 0, hidden);        // h - n
                gs.copyTo(r + 2 * hidden, out, cb, hidden);
                gs.mulAdd(r + hidden, diff, 0, out, cb, hidden);                      // h' = n + z (h - n)
                out.copyTo(cb, h, hb, hidden);
            }
        }

        /** One row's step back: d proj and d h_* rows of the gates, dh_prev = dh z (the W_hh part is added after). */
        private static void rowBackward(Storage g, int go, Storage gs, int r, Storage hPrev, Storage hn, int cb, Storage dh, int hb,
                Storage dhPrev, Storage x, Storage q, Storage a, Storage e, int hidden) {
            g.axpy(1, go, dh, hb, hidden);                                            // dh += d out_t
            hPrev.zip(Binary.SUB, 0, cb, gs, r + 2 * hidden, a, 0, hidden);           // h - n
            dh.zip(Binary.MUL, 0, hb, a, 0, a, 0, hidden);                            // d z = dh (h - n)
            gs.zip(Binary.SIGMOID_BACKWARD, 0, r + hidden, a, 0, x, r + hidden, hidden);
            dh.zip(Binary.MUL, 0, hb, gs, r + hidden, dhPrev, hb, hidden);            // dh_prev = dh z (+ below)
            dh.zip(Binary.SUB, 0, hb, dhPrev, hb, e, 0, hidden);                      // d n = dh (1 - z)
            gs.zip(Binary.TANH_BACKWARD, 0, r + 2 * hidden, e, 0, x, r + 2 * hidden, hidden);
            x.zip(Binary.MUL, 0, r + 2 * hidden, hn, cb, a, 0, hidden);               // d r = d n_pre h_n
            gs.zip(Binary.SIGMOID_BACKWARD, 0, r, a, 0, x, r, hidden);
            x.copyTo(r, q, r, 2 * hidden);                                           // d h_r, d h_z
            x.zip(Binary.MUL, 0, r + 2 * hidden, gs, r, q, r + 2 * hidden, hidden);   // d h_n = d n_pre r
        }

        Tensor[] backward(Context ctx, Tensor gradOut) {
            Tensor whh = ctx.saved(0);
            Tensor gates = ctx.saved(1);
            Tensor hn = ctx.saved(2);
            Tensor hPrev = ctx.saved(3);
            Tensor g = gradOut.contiguous();
            int g3 = 3 * hidden;
            int bh = batch * hidden;
            Storage gs = gates.storage;
            Tensor dx = Tensor.emptyLike(gates, steps, batch, g3);   // d proj: d r, d z, d n pre-activations
            Tensor dhp = Tensor.emptyLike(gates, steps, batch, g3);  // d (h W_hh^T + b_hh)
            Tensor dh = Tensor.emptyLike(gates, batch, hidden);
            Tensor dhPrev = Tensor.emptyLike(gates, batch, hidden);
            Tensor t1 = Tensor.emptyLike(gates, hidden);
            Tensor t2 = Tensor.emptyLike(gates, hidden);
            Storage a = t1.storage;
            Storage e = t2.storage;
            g.storage.copyTo(g.offset + steps * bh, dh.storage, 0, bh);
            for (int s = steps - 1; s >= 0; s--) {
                int t = step(s);
                int go = t * batch * g3;
                int ho = t * bh;
                for (int b = 0; b < batch; b++) {
                    int hb = b * hidden;
                    if (!active(t, b)) {
                        dh.storage.copyTo(hb, dhPrev.storage, hb, hidden);   // a finished sequence passes dh through
                        continue;
                    }
                    int cb = ho + b * hidden;
                    rowBackward(g.storage, g.offset + cb, gs, go + b * g3, hPrev.storage, hn.storage, cb, dh.storage, hb,
                            dhPrev.storage, dx.storage, dhp.storage, a, e, hidden);
                }
                // dh_prev += d h_* W_hh, for the sequences still running
                dhp.storage.gemm(false, false, batch, hidden, g3, go, g3, whh.storage, whh.offset, hidden, 1, dhPrev.storage, 0, hidden);
                dhPrev.storage.copyTo(0, dh.storage, 0, bh);
            }
            Tensor dW = Tensor.emptyLike(gates, g3, hidden);
            dhp.storage.gemm(true, false, g3, hidden, steps * batch, 0, g3, hPrev.storage, 0, hidden, 0, dW.storage, 0, hidden);
            Tensor[] grads = new Tensor[bias ? 4 : 3];
            grads[0] = dx;
            grads[1] = dW;
            grads[2] = dh;
            if (bias) {
                Tensor db = Tensor.emptyLike(gates, g3);
                dhp.storage.columnSums(0, steps * batch, g3, db.storage, 0);
                grads[3] = db;
            }
            return grads;
        }
    }
}
