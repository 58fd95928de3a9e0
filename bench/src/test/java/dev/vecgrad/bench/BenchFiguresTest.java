package dev.vecgrad.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic behind the bench's figures: medians and ranges, the peak that efficiencies
 * are quoted against, the per-round ratios and the "later epochs" of bench train.
 */
class BenchFiguresTest {

    @Test
    void medianAndRangeOfUnsortedSamples() {
        double[] values = {5, 1, 4, 2, 3};
        Samples s = new Samples(values);
        assertEquals(3, s.median());
        assertEquals(1, s.min());
        assertEquals(5, s.max());
        assertArrayEquals(new double[] {5, 1, 4, 2, 3}, values, "the caller's array is not sorted in place");
        assertEquals(2.5, new Samples(new double[] {4, 1, 3, 2}).median(), "an even count averages the middle two");
        Locale before = Locale.getDefault(Locale.Category.FORMAT);
        try {
            Locale.setDefault(Locale.Category.FORMAT, Locale.GERMANY);
            assertEquals("3.0 [1.0-5.0]", s.format(), "a point, not the locale's comma");
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, before);
        }
    }

    @Test
    void mergePoolsTheSamplesOfRounds() {
        Samples pooled = new Samples(new double[] {10, 30}).merge(new Samples(new double[] {20, 40, 50}));
        assertEquals(5, pooled.values().length);
        assertEquals(30, pooled.median());
        assertEquals(10, pooled.min());
        assertEquals(50, pooled.max());
    }

    @Test
    void noSamplesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Samples(new double[0]));
    }

    @Test
    void peakIsTheBestProbeSampleNotItsMedian() {
        Samples probe = new Samples(new double[] {90, 117, 110});
        assertEquals(117, GemmSuite.peak(probe, new Samples[] {new Samples(new double[] {100})}, false));
        assertEquals(58.5, GemmSuite.peak(probe, new Samples[] {new Samples(new double[] {50})}, true), "double: half the float probe");
    }

    @Test
    void peakIsNeverBelowAGemmMedianOfTheSameRun() {
        Samples probe = new Samples(new double[] {95, 96, 97});
        Samples[] gemms = {null, new Samples(new double[] {99, 101, 103}), new Samples(new double[] {80})};
        assertEquals(101, GemmSuite.peak(probe, gemms, false), "raised to the best GEMM median; a missing GEMM is skipped");
    }

    @Test
    void ratiosPairRoundByRoundAndLaterEpochsSkipTheFirst() {
        TrainSuite.Run ours1 = new TrainSuite.Run(List.of(2.4, 0.7, 0.4, 0.38), 0.86, 6.2);
        TrainSuite.Run ours2 = new TrainSuite.Run(List.of(2.3, 0.8, 0.5, 0.36, 0.37), 0.85, 6.1);
        TrainSuite.Run theirs1 = new TrainSuite.Run(List.of(0.7, 0.7, 0.69, 0.71), 0.86, 6.0);
        TrainSuite.Run theirs2 = new TrainSuite.Run(List.of(0.72, 0.74, 0.72, 0.72, 0.72), 0.86, 6.3);
        assertEquals(0.4, ours1.later(), 1e-12, "median of epochs 2-4");
        assertEquals(0.435, ours2.later(), 1e-12, "median of epochs 2-5");
        assertEquals(2.4, ours1.first());
        assertTrue(Double.isNaN(new TrainSuite.Run(List.of(1.0), 0.5, 2).later()), "one epoch has no later ones");

        Samples r = TrainSuite.ratios(List.of(ours1, ours2), List.of(theirs1, theirs2), TrainSuite.Run::later);
        assertEquals(2, r.values().length);
        assertEquals(0.72 / 0.435, r.min(), 1e-12, "round 2: PyTorch's later epochs over ours");
        assertEquals(0.7 / 0.4, r.max(), 1e-12, "round 1");
        Samples walls = TrainSuite.ratios(List.of(ours1, ours2), List.of(theirs1), TrainSuite.Run::wallSeconds);
        assertEquals(1, walls.values().length, "a round without a baseline run has no ratio");
        assertEquals(6.0 / 6.2, walls.median(), 1e-12);
    }

    @Test
    void trainingShapesAreTheStepOfTheMlp() {
        List<GemmShape> shapes = GemmShape.parse("training");
        assertEquals(15, shapes.size());
        GemmShape forward = shapes.get(1);
        assertEquals("(64,784,128) fwd W^T", forward.label());
        assertEquals("64x128x784 NT", forward.dims(), "x W^T with W stored [out, in] as PyTorch stores it");
        GemmShape dw = shapes.get(4);
        assertEquals("128x784x64 TN", dw.dims(), "dW = dC^T x, [out, in]");
        assertEquals("10x64x64 TN", shapes.get(14).dims(), "the 10-class layer's weight gradient");
        assertEquals(2.0 * 64 * 128 * 784, forward.flops());
    }

    @Test
    void explicitShapesAndTheirErrors() {
        List<GemmShape> shapes = GemmShape.parse(" square , 64x128x784:nt,8x4x2 ");
        assertEquals(8, shapes.size());
        assertEquals("2048x2048x2048 NN", shapes.get(5).dims());
        assertEquals("64x128x784 NT", shapes.get(6).dims());
        assertEquals("8x4x2 NN", shapes.get(7).dims());
        assertEquals("1024x1024x1024 TT", GemmShape.explicit("1024x1024x1024:TT").dims());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("1024")).getMessage()
                .contains("'1024' is not MxNxK"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("8x0x2")).getMessage()
                .contains("positive sizes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("8xAx2")).getMessage()
                .contains("not an integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("8x4x2:NX")).getMessage()
                .contains("MxNxK:NT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmShape.parse(" , ")).getMessage()
                .contains("no shapes"));
    }

    @Test
    void baselinesGetTheirThreadsAndOpenBlasItsOwnKernel() {
        ProcessBuilder pb = new ProcessBuilder("true");
        pb.environment().put("OPENBLAS_CORETYPE", "Haswell");
        pb.environment().put("OPENBLAS_L2_SIZE", "524288");
        pb.environment().put("OMP_NUM_THREADS", "8");
        Peers.baselineEnvironment(pb, 3);
        assertFalse(pb.environment().containsKey("OPENBLAS_CORETYPE"));
        assertFalse(pb.environment().containsKey("OPENBLAS_L2_SIZE"));
        for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
            assertEquals("3", pb.environment().get(v), v);
        }
    }

    @Test
    void pytorchBaselinesRunWithTheAllocatorItsGuideAsksFor() {
        ProcessBuilder pb = new Peers.Torch("python3", java.nio.file.Path.of("torch_cnn.py")).command(2, "--threads", "2");
        assertEquals("4294967296", pb.environment().get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals("4294967296", pb.environment().get("MALLOC_TRIM_THRESHOLD_"));
        assertEquals("2", pb.environment().get("OMP_NUM_THREADS"));
        assertTrue(Peers.allocator().description().contains("MALLOC_MMAP_THRESHOLD_"), "the output says how PyTorch ran");
    }
}
