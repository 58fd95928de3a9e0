package dev.vecgrad.app;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.io.SafeTensors;
import dev.vecgrad.models.zoo.Seq2Seq;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./vecgrad translate --checkpoint F "27 de noviembre de 2026"}: the translation and its attention heatmap. */
@Command(name = "translate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Translates a text with a seq2seq checkpoint (./vecgrad train --model seq2seq",
                "...), prints the output and writes the attention heatmap: source characters",
                "across, output characters down."})
final class TranslateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TEXT", description = "The text, e.g. \"27 de noviembre de 2026\" (quote it for the shell).")
    String text;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A seq2seq .safetensors file.")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "PNG", defaultValue = "runs/translate/attention.png",
            description = "The heatmap (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (text.isBlank() || text.length() > 200) {
            System.err.println("vecgrad translate: the text must have 1 to 200 characters, got " + text.length());
            return 2;
        }
        if (!out.getFileName().toString().endsWith(".png")) {
            System.err.println("vecgrad translate: --out must end in .png, got " + out);
            return 2;
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
        String unknown = text.chars().filter(c -> model.source.alphabet().indexOf(c) < 0).distinct()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        if (!unknown.isEmpty()) {
            System.err.println("vecgrad translate: warning: the model never saw the characters '" + unknown + "'; they read as unknown");
        }
        String output = Seq2SeqRun.heatmap(model, text, 32, out);
        System.out.println(output);
        System.out.println("wrote " + out);
        return 0;
    }
}
