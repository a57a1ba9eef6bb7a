package dev.densify.engine;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Refuses work whose memory, estimated before anything is allocated, exceeds what this machine
 * has: its total physical memory, a bound no allocation can pass (free memory moves too much to
 * refuse on). A refused size is a {@link NativeOutOfMemoryException} naming the work, the
 * estimate and the machine's memory, raised at once instead of after the allocator tried.
 */
public final class MemoryBudget {

    private MemoryBudget() {
    }

    /** The machine's physical memory in bytes (Long.MAX_VALUE when it cannot be read). */
    public static long machineBytes() {
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
        long machine = machineBytes();
        if (bytes < 0 || bytes > machine) {
            throw new NativeOutOfMemoryException(function, String.format(Locale.ROOT,
                    "%s needs about %s of memory, more than this machine's %s; nothing was allocated", what,
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
