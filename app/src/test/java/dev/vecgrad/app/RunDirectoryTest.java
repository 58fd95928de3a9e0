package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's files appear together or not at all; what a killed run left is cleaned up. */
class RunDirectoryTest {

    @TempDir
    Path dir;

    private List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theFilesAppearOnlyWhenTheRunCommits() throws Exception {
        Path target = dir.resolve("run");
        try (RunDirectory files = RunDirectory.create(target)) {
            Files.writeString(files.dir().resolve("model.safetensors"), "m");
            Files.writeString(files.dir().resolve("history.csv"), "h");
            assertFalse(Files.exists(target), "nothing is visible before the commit");
            files.commit();
        }
        assertEquals(List.of("history.csv", "model.safetensors"), names(target));
        assertEquals(List.of("run"), names(dir), "no staging folder is left");
    }

    @Test
    void aRunThatFailsLeavesNothing() throws Exception {
        Path target = dir.resolve("run");
        try (RunDirectory files = RunDirectory.create(target)) {
            Files.writeString(files.dir().resolve("model.safetensors"), "m");
        }
        assertEquals(List.of(), names(dir));
    }

    @Test
    void anEmptyFolderIsReplacedWhole() throws Exception {
        Path target = Files.createDirectories(dir.resolve("run"));
        try (RunDirectory files = RunDirectory.create(target)) {
            Files.writeString(files.dir().resolve("history.csv"), "h");
            files.commit();
        }
        assertEquals(List.of("history.csv"), names(target));
    }

    @Test
    void overwritingReplacesTheRunsFilesAndKeepsTheUsersOwn() throws Exception {
        Path target = Files.createDirectories(dir.resolve("run"));
        Files.writeString(target.resolve("model.safetensors"), "old model");
        Files.writeString(target.resolve("history.csv"), "old history");
        Files.writeString(target.resolve("notes.txt"), "mine");
        try (RunDirectory files = RunDirectory.create(target)) {
            Files.writeString(files.dir().resolve("model.safetensors"), "new model");
            Files.writeString(files.dir().resolve("history.csv"), "new history");
            assertEquals("old model", Files.readString(target.resolve("model.safetensors")));
            files.commit();
        }
        assertEquals("new model", Files.readString(target.resolve("model.safetensors")));
        assertEquals("new history", Files.readString(target.resolve("history.csv")));
        assertEquals("mine", Files.readString(target.resolve("notes.txt")));
        assertEquals(List.of("run"), names(dir));
    }

    @Test
    void aKilledRunsStagingFolderIsRemovedAndALiveOnesIsNot() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        long live = ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
        Path killed = Files.createDirectories(dir.resolve(".demo.partial-" + dead));
        Files.writeString(killed.resolve("model.safetensors"), "half");
        Path running = Files.createDirectories(dir.resolve(".demo-2.partial-" + live));
        Path userFolder = Files.createDirectories(dir.resolve(".config"));
        try (RunDirectory files = RunDirectory.create(dir.resolve("demo-3"))) {
            files.commit();
        }
        assertFalse(Files.exists(killed), "the dead process's staging folder is gone");
        assertTrue(Files.isDirectory(running), "a live process's staging folder is untouched");
        assertTrue(Files.isDirectory(userFolder));
    }
}
