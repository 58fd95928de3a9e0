package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelismTest {

    @AfterEach
    void restore() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void forEachRunsEveryItemExactlyOnce() {
        for (int threads = 1; threads <= 4; threads++) {
            Parallelism.setThreads(threads);
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            Parallelism.forEach(1000, hits::incrementAndGet);
            for (int i = 0; i < 1000; i++) {
                assertEquals(1, hits.get(i), "item " + i + " with " + threads + " threads");
            }
        }
    }

    @Test
    void forEachUsesSeveralThreadsIncludingTheCaller() throws Exception {
        Parallelism.setThreads(3);
        Set<String> names = threadsTaking64SlowItems();
        assertTrue(names.contains(Thread.currentThread().getName()), names.toString());
        assertTrue(names.size() >= 2, "expected helpers to take items: " + names);
    }

    @Test
    void seriallyKeepsEveryItemOnTheCallingThreadThenLetsHelpersBackIn() throws Exception {
        Parallelism.setThreads(3);
        Set<String> names = Parallelism.serially(ParallelismTest::threadsTaking64SlowItems);
        assertEquals(Set.of(Thread.currentThread().getName()), names, "only the caller ran items (128 ms of them)");
        assertEquals(7, Parallelism.serially(() -> 7), "the work's result");
        assertEquals(3, Parallelism.threads(), "the process's thread count is unchanged");
        assertTrue(threadsTaking64SlowItems().size() >= 2, "after serially, helpers take items again");
    }

    /** The names of the threads that ran items of a forEach over 64 items of 2 ms each. */
    private static Set<String> threadsTaking64SlowItems() {
        Set<String> names = ConcurrentHashMap.newKeySet();
        Parallelism.forEach(64, i -> {
            names.add(Thread.currentThread().getName());
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return names;
    }

    @Test
    void nestedCallsRunInline() {
        Parallelism.setThreads(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(16);
        Parallelism.forEach(4, i -> Parallelism.forEach(4, j -> hits.incrementAndGet(i * 4 + j)));
        for (int i = 0; i < 16; i++) {
            assertEquals(1, hits.get(i));
        }
    }

    @Test
    void exceptionsReachTheCaller() {
        Parallelism.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallelism.forEach(8, i -> {
            if (i == 5) {
                throw new IllegalStateException("item 5 failed");
            }
        }));
        assertEquals("item 5 failed", e.getMessage());
    }

    @Test
    void threadCountMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallelism.setThreads(0));
        assertEquals("threads must be >= 1, got 0", e.getMessage());
    }
}
