package dev.vecgrad.app;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.io.SafeTensors;
import dev.vecgrad.models.zoo.Seq2Seq;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./vecgrad translate --checkpoint F "27 de noviembre de 2026" ...}: one line per text with
 * the translation and the model's confidence, flagged when the output lies outside what the model
 * learned or the model is unsure; the attention heatmap of the first text.
 */
@Command(name = "translate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Translates texts with a seq2seq checkpoint (./vecgrad train --model",
                "seq2seq ...): one line per text, 'TEXT -> OUTPUT (confidence N%)'. A model",
                "knows only what it was trained on: dates from 1950 to 2049 in eight Spanish",
                "and English forms (\"27 de noviembre de 2026\", \"Nov 27, 2026\", \"27/11/2026\",",
                "...), or numbers from 0 to 999,999 in Spanish words (\"trescientos doce\"). An",
                "output outside that range, or given less than " + TranslateCommand.UNSURE_PERCENT + "% confidence, is flagged:",
                "the model still answers, and is often wrong there. Writes the attention",
                "heatmap of the first text (source characters across, output characters down)."})
final class TranslateCommand implements Callable<Integer> {

    /** Below this confidence (the probability the model gives its own output) an output is flagged as unsure. */
    static final int UNSURE_PERCENT = 50;

    /** The most texts one call takes: their outputs are printed as they come, the texts are kept. */
    static final int MAX_TEXTS = 100_000;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts, e.g. \"27 de noviembre de 2026\" (quote each for the shell).")
    List<String> texts = new ArrayList<>();

    @Option(names = "--input", paramLabel = "FILE", description = "More texts, one per line (- for standard input): one JVM for many.")
    Path input;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A seq2seq .safetensors file.")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "PNG",
            description = "The first text's heatmap (default: runs/translate/attention.png, then attention-2.png, ...: an earlier one"
                    + " is never replaced).")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out when it exists (without it, an existing --out is refused).")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>(texts);
        if (input != null) {
            String problem = readInput(all);
            if (problem != null) {
                return bad(problem);
            }
        }
        if (all.isEmpty()) {
            return bad("give a TEXT, or --input FILE with one text per line");
        }
        for (int i = 0; i < all.size(); i++) {
            String t = all.get(i);
            if (t.isBlank() || t.length() > 200) {
                return bad((i < texts.size() ? "TEXT " + (i + 1) : input + " line " + (i - texts.size() + 1)) + ": a text has 1 to 200"
                        + " characters, got " + t.length());
            }
        }
        if (out == null) {
            out = CommonOptions.freeFile(Path.of("runs", "translate", "attention.png"));
        } else if (Files.exists(out) && !overwrite) {
            return bad("--out " + out + " exists: pass --overwrite to replace it, or choose another name");
        }
        if (!out.getFileName().toString().endsWith(".png")) {
            return bad("--out must end in .png, got " + out);
        }
        SafeTensors.Contents contents = SafeTensors.load(checkpoint);
        Seq2Seq model;
        try {
            // the sizes checked against the values the file holds before the model is built (a forged few-byte file could
            // otherwise ask for gigabytes)
            model = Seq2Seq.fromMetadata(contents.metadata(), contents.tensors().values().stream().mapToLong(Tensor::numel).sum());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(checkpoint + ": " + e.getMessage());
        }
        Checkpoints.apply(checkpoint, contents, model);
        Task task = Task.of(contents.metadata(), model.target.alphabet());
        int flagged = 0;
        for (int i = 0; i < all.size(); i++) {
            String text = all.get(i);
            String unknown = text.chars().filter(c -> model.source.alphabet().indexOf(c) < 0).distinct()
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            Seq2Seq.Result r = i == 0 ? Seq2SeqRun.heatmap(model, text, 32, out) : model.translate(text, 32);
            List<String> flags = new ArrayList<>();
            if (!unknown.isEmpty()) {
                flags.add("characters it never saw: '" + unknown + "'");
            }
            if (!task.learned(r.output()) || !task.plausibleInput(text)) {
                flags.add("outside what it learned (" + task.range + ")");
            }
            if (100 * r.confidence() < UNSURE_PERCENT) {
                flags.add("unsure");
            }
            flagged += flags.isEmpty() ? 0 : 1;
            System.out.printf(Locale.ROOT, "%s -> %s (confidence %.0f%%)%s%n", text, r.output(), 100 * r.confidence(),
                    flags.isEmpty() ? "" : "; " + String.join("; ", flags));
        }
        System.out.println("wrote " + out + (all.size() > 1 ? " (the first text's attention)" : ""));
        if (flagged > 0) {
            System.err.println("vecgrad translate: " + flagged + " of " + all.size() + " outputs flagged: the model answers outside what it"
                    + " learned too, and is often wrong there");
        }
        return 0;
    }

    /** Appends the --input file's non-blank lines to {@code all}; the problem as one line, or null. */
    private String readInput(List<String> all) throws IOException {
        try (BufferedReader r = input.toString().equals("-") ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.length() > 200) {
                    return input + " line " + lineNo + ": a text has 1 to 200 characters, got " + line.length();
                }
                if (!line.isBlank()) {
                    if (all.size() >= MAX_TEXTS) {
                        return input + ": more than " + MAX_TEXTS + " texts; split the file";
                    }
                    all.add(line.strip());
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            return input + ": not UTF-8 text";
        }
        return null;
    }

    private static int bad(String problem) {
        System.err.println("vecgrad translate: " + problem);
        return 2;
    }

    /** What a translator learned to output, and whether an output is of it. */
    record Task(String name, String range) {

        static Task of(Map<String, String> metadata, String targetAlphabet) {
            // checkpoints before vecgrad.dataset was recorded: the dates' outputs have '-' in their alphabet
            String name = metadata.getOrDefault("vecgrad.dataset", targetAlphabet.indexOf('-') >= 0 ? "dates" : "numbers");
            return name.equals("dates") ? new Task("dates", "dates from 1950-01-01 to 2049-12-31")
                    : new Task("numbers", "numbers from 0 to 999999");
        }

        /** False for an input that names a year outside 1950-2049 ("12 de octubre de 1492" came out as 1992-10-12). */
        boolean plausibleInput(String text) {
            if (!name.equals("dates")) {
                return true;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<![0-9])[0-9]{4}(?![0-9])").matcher(text);
            while (m.find()) {
                int year = Integer.parseInt(m.group());
                if (year < 1950 || year > 2049) {
                    return false;
                }
            }
            return true;
        }

        boolean learned(String output) {
            if (name.equals("dates")) {
                if (!output.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                    return false;
                }
                try {
                    int year = java.time.LocalDate.parse(output).getYear();
                    return year >= 1950 && year <= 2049;
                } catch (java.time.format.DateTimeParseException e) {
                    return false;
                }
            }
            return output.matches("0|[1-9][0-9]{0,5}");
        }
    }
}
