package dev.vecgrad.app.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.app.Moons;
import dev.vecgrad.models.train.History;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application's reports of a training run: the curves PNGs and the progress lines. */
class ReportTest {

    @TempDir
    Path dir;

    @Test
    void stepLossesAreRecoveredFromTheRunningMeansAndPassedOn() throws IOException {
        List<String> seen = new java.util.ArrayList<>();
        StepLosses steps = new StepLosses(new dev.vecgrad.models.train.TrainingListener() {
            public void afterStep(int done, double runningLoss) {
                seen.add(done + ":" + runningLoss);
            }
        });
        // batches of 4, 4 and 2 samples with losses 1, 3 and 6: running means 1, 2, 2.8
        steps.epochStart(1, 2, 10);
        steps.afterStep(4, 1.0);
        steps.afterStep(8, 2.0);
        steps.afterStep(10, 2.8);
        steps.epochStart(2, 2, 10);
        steps.afterStep(10, 0.5);
        assertArrayEquals(new double[] {1, 3, 6, 0.5}, steps.losses(), 1e-12);
        assertArrayEquals(new double[] {0.4, 0.8, 1.0, 2.0}, steps.x(), 1e-12);
        assertEquals(List.of("4:1.0", "8:2.0", "10:2.8", "10:0.5"), seen, "every event reaches the progress display");
        assertArrayEquals(new double[] {1, 3, 6}, StepLosses.smooth(new double[] {1, 3, 6}, 0), 1e-12, "weight 0: unchanged");
        double[] sm = StepLosses.smooth(new double[] {2, 2, 2}, 0.9);
        assertArrayEquals(new double[] {2, 2, 2}, sm, 1e-12, "debiased: a constant stays constant from the first point");

        // drawn per step when there are more steps than epochs
        StepLosses recorded = new StepLosses(dev.vecgrad.models.train.TrainingListener.none());
        History h = Moons.train(0, 2, 32, recorded);
        assertEquals(2 * 25, recorded.losses().length, "800 samples in batches of 32: 25 steps per epoch");
        double mean = java.util.Arrays.stream(recorded.losses()).limit(25).map(v -> v * 32).sum() / 800;
        assertEquals(h.epochs().get(0).trainLoss(), mean, 1e-3, "the steps' losses average to the epoch's training loss");
        Path png = dir.resolve("steps.png");
        Plots.curves(h, recorded, "moons", png);
        assertEquals(1280, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void plotsAndProgressLinesAreWritten() throws IOException {
        History h = Moons.train(0, 3, 64);
        Path png = dir.resolve("curves.png");
        Plots.curves(h, "moons", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth(), "loss and accuracy side by side");
        Map<String, History> study = new LinkedHashMap<>();
        study.put("lr 0.1", h);
        study.put("lr 1", Moons.train(1, 3, 64));
        Path cmp = dir.resolve("study.png");
        Plots.compare(study, "study", true, cmp);
        assertEquals(640, ImageIO.read(cmp.toFile()).getWidth());

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Moons.train(0, 2, 10, Progress.lines(new PrintStream(buf, true, StandardCharsets.UTF_8)));
        String[] progress = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(6, progress.length, "three quarter-lines per epoch: " + buf);
        assertTrue(progress[0].contains("epoch 1/2   25%  200/800 samples"), progress[0]);
    }

    @Test
    void manyEquallySpacedEpochsGetRoundTicksAndLossesOverDecadesALogAxis() {
        double[] x = new double[5000];
        double[] y = new double[5000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
            y[i] = 1.0 / (i + 1);
        }
        var chart = new org.knowm.xchart.XYChartBuilder().width(640).height(420).build();
        chart.addSeries("lr 0.1", x, y);
        Plots.roundXTicks(chart);
        assertEquals(2, chart.getSeriesMap().size(), "a hidden point breaks the equal spacing");
        var hidden = chart.getSeriesMap().values().stream().filter(v -> !v.isShowInLegend()).toList();
        assertEquals(1, hidden.size());
        assertEquals(1.5, hidden.get(0).getXData()[0], "between the first two epochs: the axis range is unchanged");
        Plots.roundXTicks(chart);
        assertEquals(2, chart.getSeriesMap().size(), "once");
        var few = new org.knowm.xchart.XYChartBuilder().width(640).height(420).build();
        few.addSeries("3 epochs", new double[] {1, 2, 3}, new double[] {1, 0.5, 0.3});
        Plots.roundXTicks(few);
        assertEquals(1, few.getSeriesMap().size(), "a few epochs keep their ticks on the points");

        History h = Moons.train(0, 3, 32);
        assertTrue(!Plots.spansDecades(h, new double[0]), "three epochs of moons stay within a decade");
        assertTrue(Plots.spansDecades(h, new double[] {1, 0.1, 0.001}), "steps from 1 to 0.001 span three decades");
        assertTrue(!Plots.spansDecades(h, new double[] {1, 0.001, 0}), "a zero loss cannot go on a log axis");
    }

    @Test
    void longCurvesKeepTheirEnvelopeWithTwoPointsPerColumn() {
        int n = 10_000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i == 5_000 ? 9 : i == 7_001 ? -3 : Math.sin(i);
        }
        y[42] = Double.NaN;
        List<Double> xs = new java.util.ArrayList<>();
        List<Double> ys = new java.util.ArrayList<>();
        Plots.envelope(x, y, 100, xs, ys);
        assertTrue(xs.size() <= 200, "at most two points per column: " + xs.size());
        assertTrue(ys.contains(9.0) && ys.contains(-3.0), "the extremes survive");
        for (int i = 1; i < xs.size(); i++) {
            assertTrue(xs.get(i) > xs.get(i - 1), "x ascending at " + i);
        }
        assertTrue(ys.stream().allMatch(Double::isFinite));
        List<Double> fx = new java.util.ArrayList<>();
        List<Double> fy = new java.util.ArrayList<>();
        Plots.envelope(new double[] {1, 2, 3}, new double[] {3, Double.NaN, 1}, 100, fx, fy);
        assertEquals(List.of(1.0, 3.0), fx, "a short curve keeps its finite points");
    }
}
