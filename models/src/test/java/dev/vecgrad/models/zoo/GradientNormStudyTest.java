package dev.vecgrad.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The vanishing / exploding picture: what each cell's gradient does over 60 steps. */
class GradientNormStudyTest {

    @Test
    void tanhVanishesScaledReluExplodesAndClippingBoundsTheNorm() {
        GradientNormStudy.Result r = GradientNormStudy.run(4, 16, 60, new int[] {5, 30, 60}, 1, 0);
        double[] tanh = r.stepNorms().get("rnn tanh");
        double[] relu = r.stepNorms().get("rnn relu, W_hh x 4");
        assertTrue(tanh[0] / tanh[59] < 1e-6, "tanh RNN: the first step hardly reaches the loss: " + tanh[0] / tanh[59]);
        assertTrue(relu[0] / relu[59] > 1, "relu RNN with a large W_hh: the gradient grows backwards: " + relu[0] / relu[59]);
        assertEquals(tanh[59], relu[59], 1e-12, "dL/dh_T is the loss weight vector for every cell");
        double[] raw = r.rawNorms().get("rnn relu, W_hh x 4");
        assertTrue(raw[2] > 10 * raw[0], "longer sequences, larger parameter gradients: " + java.util.Arrays.toString(raw));
        for (String cell : GradientNormStudy.CELLS) {
            for (double c : r.clippedNorms().get(cell)) {
                assertTrue(c <= 1 + 1e-6, cell + " clipped to " + c);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> GradientNormStudy.run(4, 16, 10, new int[] {11}, 1, 0));
    }
}
