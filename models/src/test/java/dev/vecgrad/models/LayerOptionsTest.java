package dev.vecgrad.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.conv.Conv2d;
import dev.vecgrad.models.rnn.GRU;
import dev.vecgrad.models.rnn.LSTM;
import dev.vecgrad.models.rnn.RNN;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Layers with many settings take them by name, with PyTorch's defaults: the positional
 * constructors compiled with batchFirst and bidirectional swapped, and LSTM's positions differ
 * from RNN's.
 */
class LayerOptionsTest {

    private static void sameState(Module a, Module b) {
        Map<String, Tensor> x = a.stateDict();
        Map<String, Tensor> y = b.stateDict();
        assertEquals(x.keySet(), y.keySet());
        x.forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), y.get(k).toDoubleArray(), 0, k));
    }

    @Test
    void namedSettingsBuildWhatThePositionalConstructorsBuild() {
        LSTM named = LSTM.options(8, 16).numLayers(2).bidirectional(true).batchFirst(true).dropout(0.1).rng(new Random(3)).build();
        LSTM positional = new LSTM(8, 16, 2, true, true, 0.1, true, DType.F32, new Random(3));
        sameState(named, positional);
        assertTrue(named.stateDict().containsKey("weight_hh_l1_reverse"), "two layers, both directions");
        sameState(GRU.options(4, 6).bias(false).rng(new Random(1)).build(), new GRU(4, 6, 1, false, false, 0, false, DType.F32,
                new Random(1)));
        sameState(RNN.options(4, 6).nonlinearity("relu").rng(new Random(1)).build(), new RNN(4, 6, 1, "relu", true, false, 0, false,
                DType.F32, new Random(1)));
        sameState(LSTM.options(4, 6).build(), LSTM.options(4, 6).build());   // without rng: a generator seeded with 0
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LSTM.options(4, 6).nonlinearity("relu"));
        assertEquals("LSTM has no nonlinearity option (only RNN has: tanh or relu)", e.getMessage());
        assertEquals(DType.F64, GRU.options(2, 3).dtype(DType.F64).build().stateDict().get("weight_ih_l0").dtype());

        Conv2d conv = Conv2d.options(3, 8, 3).padding(1).stride(2).rng(new Random(5)).build();
        sameState(conv, new Conv2d(3, 8, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 1, true, DType.F32,
                new Random(5)));
        assertArrayEquals(new int[] {1, 8, 4, 4}, conv.forward(Tensor.zeros(1, 3, 8, 8)).shape());
        Conv2d plain = Conv2d.options(3, 8, 3).kernelSize(1, 3).bias(false).groups(1).dilation(1).build();
        assertArrayEquals(new int[] {8, 3, 1, 3}, plain.weight.shape());
        assertTrue(plain.bias == null, "no bias");
    }
}
