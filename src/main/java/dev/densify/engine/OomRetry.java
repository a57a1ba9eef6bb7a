package dev.densify.engine;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Runs a batched native call at a token budget and, when it runs out of memory
 * ({@link NativeOutOfMemoryException}: a CUDA or host allocation failed inside the call, which the
 * engine cleans up after), halves the budget and runs it again, down to a floor. Each retry is
 * logged as a warning and counted ({@link #retries()}); an out-of-memory at the floor is thrown.
 * The calls retried here give the same results at any budget (their batching changes no number
 * beyond float rounding), so a retry is invisible in the output.
 */
public final class OomRetry {

    private static final System.Logger LOG = System.getLogger(OomRetry.class.getName());
    private static final AtomicLong RETRIES = new AtomicLong();

    /** A result with the budget that produced it and the retries it took. */
    public record Outcome<T>(T value, long tokens, int retries) {
    }

    private OomRetry() {
    }

    /** Retries since the process started, over every call. */
    public static long retries() {
        return RETRIES.get();
    }

    /**
     * @param function the native call, for the log line
     * @param tokens   the budget to start from, >= floor
     * @param floor    the smallest budget worth trying (one row), >= 1
     * @param attempt  the call at a budget
     */
    public static <T> Outcome<T> run(String function, long tokens, long floor, LongFunction<T> attempt) {
        Objects.requireNonNull(attempt, "attempt");
        if (floor < 1 || tokens < floor) {
            throw new IllegalArgumentException("need 1 <= floor <= tokens, got floor " + floor + ", tokens " + tokens);
        }
        int retries = 0;
        long budget = tokens;
        while (true) {
            try {
                return new Outcome<>(attempt.apply(budget), budget, retries);
            } catch (NativeOutOfMemoryException e) {
                if (budget <= floor) {
                    throw e;
                }
                long next = Math.max(floor, budget / 2);
                retries++;
                RETRIES.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, String.format(Locale.ROOT,
                        "%s ran out of memory at %,d tokens per forward; retrying at %,d (%s)", function, budget, next,
                        e.getMessage()));
                budget = next;
            }
        }
    }
}
