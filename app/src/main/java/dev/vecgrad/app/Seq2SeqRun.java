package dev.vecgrad.app;

import dev.vecgrad.app.report.Plots;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.data.Translation;
import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.zoo.Seq2Seq;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code ./vecgrad train --model seq2seq --dataset dates|numbers}: the attention translator on a
 * generated task (Adam, gradient clipping at 1, teacher forcing), exact-match accuracy on the
 * validation split every epoch and on the test split at the end; writes the checkpoint, the
 * per-epoch history and the attention heatmap of one test example.
 */
final class Seq2SeqRun {

    private Seq2SeqRun() {}

    /** The network's sizes: {@code --embedding}, {@code --hidden ENCODER,DECODER}, {@code --attention}. */
    record Sizes(int embedding, int[] hidden, int attention) {
        /** What is wrong with them, as one line; null when nothing is. */
        String problem() {
            if (hidden.length != 2 || hidden[0] < 1 || hidden[0] > 4096 || hidden[1] < 1 || hidden[1] > 4096) {
                return "--hidden for seq2seq: the encoder's and the decoder's LSTM sizes, two numbers from 1 to 4096 (e.g. 64,128), got "
                        + java.util.Arrays.toString(hidden).replace(" ", "");
            }
            if (embedding < 1 || embedding > 4096 || attention < 1 || attention > 4096) {
                return "--embedding and --attention must be 1 to 4096, got " + embedding + " and " + attention;
            }
            return null;
        }
    }

    /** What is wrong with the options, as one line; null when nothing is. */
    static String problem(String dataset, int samples, int epochs, int batchSize, double lr, Sizes sizes) {
        int max = dataset.equals("dates") ? 36_500 : 1_000_000;
        return !dataset.equals("dates") && !dataset.equals("numbers") ? "--dataset for seq2seq: dates or numbers, got '" + dataset + "'"
                : samples < 100 || samples > max ? "--samples for " + dataset + ": 100 to " + max + ", got " + samples
                : epochs < 1 ? "--epochs must be >= 1, got " + epochs
                : batchSize < 1 ? "--batch-size must be >= 1, got " + batchSize
                : !(lr > 0) || Double.isInfinite(lr) ? "--lr must be a positive number, got " + lr : sizes.problem();
    }

    /** Trains and writes the run; the options checked with {@link #problem} first. */
    static int run(String dataset, int samples, int epochs, int batchSize, double lr, long seed, Path out, Sizes sizes)
            throws IOException {
        String problem = problem(dataset, samples, epochs, batchSize, lr, sizes);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Translation.Splits sp = dataset.equals("dates") ? Translation.dates(samples, seed) : Translation.numbers(samples, seed);
        List<String> srcs = new ArrayList<>();
        List<String> tgts = new ArrayList<>();
        for (Translation.Pair p : sp.train()) {
            srcs.add(p.source());
            tgts.add(p.target());
        }
        Seq2Seq model = new Seq2Seq(Seq2Seq.Vocabulary.of(srcs), Seq2Seq.Vocabulary.of(tgts), sizes.embedding(), sizes.hidden()[0],
                sizes.hidden()[1], sizes.attention(), new Random(seed));
        Optimizer opt = new Optimizers.Adam(model.parameters(), lr);
        Random shuffle = new Random(seed + 1);
        int maxLength = tgts.stream().mapToInt(String::length).max().orElse(1) + 2;
        System.out.printf(Locale.ROOT, "seq2seq with attention on %s: %d train / %d validation / %d test pairs, %d parameters%n",
                dataset, sp.train().size(), sp.validation().size(), sp.test().size(), model.parameterCount());
        StringBuilder history = new StringBuilder("epoch,seconds,train_loss,val_exact_match\n");
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            List<Translation.Pair> train = new ArrayList<>(sp.train());
            Collections.shuffle(train, shuffle);
            double sum = 0;
            int batches = 0;
            for (int i = 0; i < train.size(); i += batchSize) {
                opt.zeroGrad();
                Tensor loss = model.loss(train.subList(i, Math.min(train.size(), i + batchSize)));
                loss.backward();
                Optimizer.clipGradNorm(model.parameters(), 1.0);
                opt.step();
                sum += loss.item();
                batches++;
            }
            double val = exactMatch(model, sp.validation(), maxLength);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  val exact match %.2f%%  %.1f s%n", epoch, epochs, sum / batches,
                    100 * val, seconds);
            history.append(epoch).append(',').append(String.format(Locale.ROOT, "%.3f", seconds)).append(',').append(sum / batches)
                    .append(',').append(val).append('\n');
        }
        double test = exactMatch(model, sp.test(), maxLength);
        System.out.printf(Locale.ROOT, "test exact match %.2f%% (%d pairs); training took %.1f s%n", 100 * test, sp.test().size(),
                (System.nanoTime() - start) / 1e9);
        try (RunDirectory files = RunDirectory.create(out)) {
            java.util.Map<String, String> meta = new java.util.LinkedHashMap<>(model.metadata());
            meta.put("vecgrad.dataset", dataset);   // what translate checks its outputs against
            Checkpoints.save(files.dir().resolve("model.safetensors"), model, meta);
            AtomicFiles.writeString(files.dir().resolve("history.csv"), history.toString());
            heatmap(model, sp.test().get(0).source(), maxLength, files.dir().resolve("attention.png"));
            files.commit();
        }
        System.out.println("wrote " + out.resolve("model.safetensors") + ", " + out.resolve("history.csv") + ", "
                + out.resolve("attention.png"));
        return 0;
    }

    /** The share of pairs translated exactly. */
    static double exactMatch(Seq2Seq model, List<Translation.Pair> pairs, int maxLength) {
        int ok = 0;
        for (int i = 0; i < pairs.size(); i += 256) {
            List<Translation.Pair> chunk = pairs.subList(i, Math.min(pairs.size(), i + 256));
            List<String> outs = model.translate(chunk.stream().map(Translation.Pair::source).toList(), maxLength);
            for (int j = 0; j < chunk.size(); j++) {
                ok += outs.get(j).equals(chunk.get(j).target()) ? 1 : 0;
            }
        }
        return pairs.isEmpty() ? Double.NaN : (double) ok / pairs.size();
    }

    /** Translates text and draws its attention: source characters (and EOS) across, output characters down. */
    static Seq2Seq.Result heatmap(Seq2Seq model, String text, int maxLength, Path png) throws IOException {
        Seq2Seq.Result r = model.translate(text, maxLength);
        List<String> source = new ArrayList<>();
        for (char c : text.toCharArray()) {
            source.add(c == ' ' ? "␣" : String.valueOf(c));
        }
        source.add("<eos>");
        List<String> output = new ArrayList<>();
        for (char c : r.output().toCharArray()) {
            output.add(String.valueOf(c));
        }
        output.add("<eos>");
        double[][] weights = java.util.Arrays.copyOf(r.attention(), output.size());
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] == null) {
                weights[i] = new double[source.size()];
            }
        }
        Plots.attention("\"" + text + "\" -> \"" + r.output() + "\"", source, output, weights, png);
        return r;
    }
}
