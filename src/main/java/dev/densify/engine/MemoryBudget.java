package dev.densify.engine;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Refuses work whose memory, estimated before anything is allocated, exceeds what this machine
 * can give: the kernel's estimate of available memory ({@code MemAvailable} in
 * {@code /proc/meminfo}, free memory plus what it can reclaim), else the total physical memory.
 * Past it the allocation would fail, or the kernel's out-of-memory killer would end the process
 * (the fuzz suite met that with a bound of the total memory). A refused size is a
 * {@link NativeOutOfMemoryException} naming the work, the estimate and the memory available,
 * raised at once instead of after the allocator tried.
 */
public final class MemoryBudget {

    /** Requests below this are not checked: any machine that runs the engine has that much. */
    private static final long SMALL = 256L << 20;

    private MemoryBudget() {
    }

    /** The memory this machine can give now, in bytes (see the class comment; Long.MAX_VALUE when unknown). */
    public static long machineBytes() {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/meminfo"))) {
            var available = lines.filter(l -> l.startsWith("MemAvailable:")).findFirst();
            if (available.isPresent()) {
                String[] parts = available.get().trim().split("\\s+");
                return Long.parseLong(parts[1]) * 1024;  // kB
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or unreadable: the total below
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            return total > 0 ? total : Long.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }

    /**
     * @param function the call refused, for the message ({@code dfy_model_create})
     * @param what     what needs the memory ("a model of 1,000,000,000 x 1,024 embeddings")
     * @param bytes    the estimate; negative: it overflowed a long
     */
    public static void require(String function, String what, long bytes) {
        if (bytes >= 0 && bytes < SMALL) {
            return;  // every rollout's generation and forward: no file read on the hot path
        }
        long machine = machineBytes();
        if (bytes < 0 || bytes > machine) {
            throw new NativeOutOfMemoryException(function, String.format(Locale.ROOT,
                    "%s needs about %s of memory, more than the %s this machine has available; nothing was allocated", what,
                    bytes < 0 ? "more than 8 EiB" : gib(bytes), gib(machine)));
        }
    }

    /** a × b × c …, or −1 when the product overflows a long. */
    public static long product(long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f < 0) {
                return -1;
            }
            try {
                p = Math.multiplyExact(p, f);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return p;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
