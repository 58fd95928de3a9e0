package dev.vecgrad.models.study;

import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A study's folder: {@code study.json}, the study's plan (another study's folder is refused),
 * and {@code results.jsonl}, one finished trial per line, each written whole and forced to disk
 * before it counts as done. A killed study loses at most the trials that were running; opened
 * again with the same plan, the store holds what was done (a line cut short by the kill is cut
 * off the file, and its trial counts as not run).
 */
public final class ResultStore {

    private final Path resultsFile;
    private final Map<String, TrialResult> results;

    private ResultStore(Path resultsFile, Map<String, TrialResult> results) {
        this.resultsFile = resultsFile;
        this.results = results;
    }

    /**
     * Opens (or creates) the store in {@code dir} for the study whose plan is {@code plan} (JSON,
     * written to {@code study.json}).
     *
     * @throws IllegalArgumentException when {@code dir} is a file or holds another study
     * @throws IOException when the folder or its files cannot be read or written, or a line of
     *         {@code results.jsonl} is not a trial result
     */
    public static ResultStore open(Path dir, String plan) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is a file, not a folder");
        }
        Path planFile = dir.resolve("study.json");
        if (Files.exists(planFile) && !Files.readString(planFile).equals(plan)) {
            throw new IllegalArgumentException(dir + " holds another study (" + planFile
                    + "): choose another folder, or delete it to start over");
        }
        Files.createDirectories(dir);
        AtomicFiles.writeString(planFile, plan);
        Path resultsFile = dir.resolve("results.jsonl");
        return new ResultStore(resultsFile, read(resultsFile));
    }

    /** The results file, {@code results.jsonl}. */
    public Path file() {
        return resultsFile;
    }

    /** The finished trials, by {@link TrialResult#key()}, in the order they finished. */
    public synchronized Map<String, TrialResult> results() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(results));
    }

    /**
     * Refuses (IllegalArgumentException) a store that holds results of trials not in
     * {@code trials}: lines of another study, or of this one with other options (a
     * {@code results.jsonl} kept after {@code study.json} was deleted and the options changed).
     * A trial's identity is its whole spec and seed, so a result is only ever used for the very
     * trial that produced it.
     */
    public synchronized void requireOnly(java.util.Collection<Trial> trials) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Trial t : trials) {
            keys.add(t.key());
        }
        int foreign = 0;
        TrialResult first = null;
        for (TrialResult r : results.values()) {
            if (!keys.contains(r.key())) {
                foreign++;
                first = first == null ? r : first;
            }
        }
        if (foreign > 0) {
            throw new IllegalArgumentException(resultsFile + " holds " + foreign + " result" + (foreign == 1 ? "" : "s")
                    + " of trials this study does not have (the first: " + first.variant() + " seed " + first.seed() + ", "
                    + first.spec().toJson() + "): delete it to start over, or choose another folder");
        }
    }

    /** Whether the trial's result is in the store. */
    public synchronized boolean done(Trial trial) {
        return results.containsKey(trial.key());
    }

    /** Appends one result as one whole line, forced to disk before it counts as done. */
    public synchronized void add(TrialResult r) throws IOException {
        byte[] line = (r.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(resultsFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        }
        results.put(r.key(), r);
    }

    /**
     * The finished trials in {@code file}, by key. A last line without its newline (the process
     * was killed while writing it) is cut off the file, and its trial counts as not run.
     */
    static Map<String, TrialResult> read(Path file) throws IOException {
        Map<String, TrialResult> done = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return done;
        }
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
        int lineNo = 0;
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                TrialResult r = TrialResult.fromJson((Map<?, ?>) Json.parse(line));
                done.put(r.key(), r);
            } catch (RuntimeException e) {
                throw new IOException(file + ": line " + lineNo + " is not a trial result (" + e.getMessage() + ")", e);
            }
        }
        return done;
    }
}
