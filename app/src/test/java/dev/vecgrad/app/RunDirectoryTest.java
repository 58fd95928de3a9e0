package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's files appear together or not at all, in the folder the user named, used as it is; one
 * process claims a folder; what a killed run left is taken over.
 */
class RunDirectoryTest {

    @TempDir
    Path dir;

    private List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A process that is gone, and one that is alive and not this one. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static long livePid() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
    }

    private static void stage(Path target, long pid) throws Exception {
        Path staging = Files.createDirectories(target.resolve(RunDirectory.STAGING));
        Files.writeString(staging.resolve(".owner"), Long.toString(pid));
        Files.writeString(staging.resolve("model.safetensors"), "half");
    }

    @Test
    void theFilesAppearOnlyWhenTheRunCommits() throws Exception {
        Path target = dir.resolve("run");
        try (RunDirectory files = RunDirectory.create(target)) {
            Files.writeString(files.dir().resolve("model.safetensors"), "m");
            Files.writeString(files.dir().resolve("history.csv"), "h");
            assertEquals(List.of(RunDirectory.STAGING), names(target), "no file of the run is visible before the commit");
            files.commit();
        }
        assertEquals(List.of("history.csv", "model.safetensors"), names(target));
        assertEquals(List.of("run"), names(dir), "no staging folder is left");
    }

    @Test
    void aRunThatFailsLeavesNothingAndKeepsAFolderItDidNotCreate() throws Exception {
        try (RunDirectory files = RunDirectory.create(dir.resolve("a").resolve("run"))) {
            Files.writeString(files.dir().resolve("model.safetensors"), "m");
        }
        assertEquals(List.of("a"), names(dir), "the folder the claim created is gone again");
        assertEquals(List.of(), names(dir.resolve("a")));
        Path mine = Files.createDirectories(dir.resolve("mine"));
        try (RunDirectory files = RunDirectory.create(mine)) {
            Files.writeString(files.dir().resolve("model.safetensors"), "m");
        }
        assertTrue(Files.isDirectory(mine), "the user's empty folder stays");
        assertEquals(List.of(), names(mine));
    }

    @Test
    void anExistingFolderIsUsedAsItIsWithItsModeAndThroughALink() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-x---"));
        Object inode = Files.getAttribute(real, "unix:ino");
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        try (RunDirectory files = RunDirectory.create(link.resolve("."))) {
            Files.writeString(files.dir().resolve("history.csv"), "h");
            files.commit();
        }
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals(List.of("history.csv"), names(real), "the files reached the link's target");
        assertEquals(inode, Files.getAttribute(real, "unix:ino"), "the same folder, not a new one");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
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
        assertEquals(List.of("history.csv", "model.safetensors", "notes.txt"), names(target));
    }

    @Test
    void aLiveRunsFolderIsRefusedAndADeadOnesIsTakenOver() throws Exception {
        Path busy = dir.resolve("busy");
        stage(busy, livePid());
        RunDirectory.Busy e = assertThrows(RunDirectory.Busy.class, () -> RunDirectory.create(busy));
        assertEquals(busy + " is being written by another vecgrad run (process " + livePid()
                + "): wait for it to finish, or choose another folder", e.getMessage());
        assertEquals("half", Files.readString(busy.resolve(RunDirectory.STAGING).resolve("model.safetensors")),
                "a live process's files are untouched");

        Path killed = dir.resolve("killed");
        stage(killed, deadPid());
        try (RunDirectory files = RunDirectory.create(killed)) {
            assertEquals(List.of(".owner"), names(files.dir()), "the dead run's half-written files are gone");
            files.commit();
        }
        assertEquals(List.of(), names(killed));
    }

    @Test
    void numberedFoldersSkipEarlierRunsAndLiveClaims() throws Exception {
        Path base = dir.resolve("runs").resolve("demo");
        assertEquals(base, RunDirectory.claimFirstFree(base));
        assertEquals(base, RunDirectory.claimFirstFree(base), "this process's own claim is taken up again");
        RunDirectory.create(base).close();
        Files.writeString(Files.createDirectories(base).resolve("history.csv"), "x");
        stage(dir.resolve("runs").resolve("demo-2"), livePid());   // another process's run, not finished
        assertEquals(dir.resolve("runs").resolve("demo-3"), RunDirectory.claimFirstFree(base));
        stage(dir.resolve("runs").resolve("demo-4"), deadPid());
        RunDirectory.create(dir.resolve("runs").resolve("demo-3")).close();
        assertEquals(dir.resolve("runs").resolve("demo-3"), RunDirectory.claimFirstFree(base), "released claims are free again");
        assertFalse(Files.exists(dir.resolve("runs").resolve("demo-5")));
    }
}
