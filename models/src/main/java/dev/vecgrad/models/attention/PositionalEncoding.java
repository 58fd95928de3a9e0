package dev.vecgrad.models.attention;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/**
 * The sinusoidal positional encoding of "Attention is all you need", as the PyTorch Transformer
 * tutorial's {@code PositionalEncoding} module (PyTorch has none built in): a buffer {@code pe}
 * [maxLen, 1, dModel] with pe[pos, 0, 2i] = sin(pos / 10000^(2i / dModel)) and pe[pos, 0, 2i + 1]
 * = cos(the same), added to x [T, N, dModel] (sequence first; [N, T, dModel] with {@code
 * batchFirst}). The tutorial's dropout after the sum is left to the caller ({@code Dropout}).
 */
public final class PositionalEncoding extends Module {

    public final int dModel;
    public final int maxLen;
    public final boolean batchFirst;
    private final Tensor pe;

    /** Sequence first, float32. */
    public PositionalEncoding(int dModel, int maxLen) {
        this(dModel, maxLen, false, DType.F32);
    }

    public PositionalEncoding(int dModel, int maxLen, boolean batchFirst, DType dtype) {
        if (dModel < 1 || maxLen < 1) {
            throw new IllegalArgumentException("PositionalEncoding: d_model and max_len must be >= 1, got " + dModel + " and " + maxLen);
        }
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.batchFirst = batchFirst;
        double[] table = new double[maxLen * dModel];
        for (int pos = 0; pos < maxLen; pos++) {
            for (int i = 0; 2 * i < dModel; i++) {
                double angle = pos * Math.exp(-Math.log(10000.0) * 2 * i / dModel);   // the tutorial's div_term
                table[pos * dModel + 2 * i] = Math.sin(angle);
                if (2 * i + 1 < dModel) {
                    table[pos * dModel + 2 * i + 1] = Math.cos(angle);
                }
            }
        }
        this.pe = registerBuffer("pe", Tensor.of(table, maxLen, 1, dModel).to(dtype));
    }

    @Override
    public Tensor forward(Tensor x) {
        int t = batchFirst ? x.size(1) : x.size(0);
        if (x.dim() != 3 || x.size(2) != dModel || t > maxLen) {
            throw new IllegalArgumentException("PositionalEncoding(" + dModel + ", max_len " + maxLen + "): x must be "
                    + (batchFirst ? "[N, T, " : "[T, N, ") + dModel + "] with T <= " + maxLen + ", got " + java.util.Arrays.toString(x.shape()));
        }
        Tensor add = pe.slice(0, 0, t);   // [T, 1, E]
        return x.add(batchFirst ? add.transpose(0, 1) : add);
    }
}
