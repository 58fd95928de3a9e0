package dev.vecgrad.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.zoo.Mlp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application's reports of a training run: the curves PNGs and the progress lines. */
class ReportTest {

    @TempDir
    Path dir;

    private static Mlp moonsNet(long seed) {
        return new Mlp(new int[] {2, 16, 16, 2}, "relu", "none", new Random(seed));
    }

    private static History trainMoons(long seed, int epochs, int batch) {
        Dataset.Split s = Datasets.moons(1000, 0.1, 1).split(0.2, 1);
        Mlp net = moonsNet(seed);
        return new Trainer(Objective.crossEntropy()).epochs(epochs).batchSize(batch).seed(seed)
                .fit(net, new Optimizers.Adam(net.parameters(), 0.01), s.train(), s.validation());
    }

    @Test
    void plotsAndProgressLinesAreWritten() throws IOException {
        History h = trainMoons(0, 3, 64);
        Path png = dir.resolve("curves.png");
        Plots.curves(h, "moons", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth(), "loss and accuracy side by side");
        Map<String, History> study = new LinkedHashMap<>();
        study.put("lr 0.1", h);
        study.put("lr 1", trainMoons(1, 3, 64));
        Path cmp = dir.resolve("study.png");
        Plots.compare(study, "study", true, cmp);
        assertEquals(640, ImageIO.read(cmp.toFile()).getWidth());

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Dataset.Split s = Datasets.moons(1000, 0.1, 1).split(0.2, 1);
        Mlp net = moonsNet(0);
        new Trainer(Objective.crossEntropy()).epochs(2).batchSize(10)
                .listener(Progress.lines(new PrintStream(buf, true, StandardCharsets.UTF_8)))
                .fit(net, new Optimizers.Adam(net.parameters(), 0.01), s.train(), s.validation());
        String[] progress = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(6, progress.length, "three quarter-lines per epoch: " + buf);
        assertTrue(progress[0].contains("epoch 1/2   25%  200/800 samples"), progress[0]);
    }
}
