package dev.vecgrad.models;

import java.lang.management.ManagementFactory;

/** The heap in use after garbage collection: what the memory tests compare before and after many steps. */
public final class LiveHeap {

    private LiveHeap() {}

    public static long bytes() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
