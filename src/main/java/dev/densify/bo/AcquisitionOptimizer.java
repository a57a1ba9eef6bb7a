package dev.densify.bo;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Maximises a function of a batch of q unit points (q × d unit coordinates, flattened to a
 * point of [0, 1]^{q·d}) the way BoTorch's {@code optimize_acqf} does:
 * <ol>
 *   <li><b>raw samples</b>: evaluate at {@code rawSamples} Sobol points of [0, 1]^{q·d} and at
 *       any extra points the caller adds (e.g. perturbations of the best observed points);</li>
 *   <li><b>starts</b>: the best raw point, then {@code restarts − 1} more drawn without
 *       replacement with probability ∝ exp(2·standardised value) (BoTorch's
 *       {@code initialize_q_batch} heuristic: good points, but spread out);</li>
 *   <li><b>local search</b> from each start inside the unit box, by {@link LocalSearch}:
 *       projected L-BFGS on forward-difference gradients (step 10⁻⁶, backwards at the upper
 *       bound; the default — BoTorch runs L-BFGS-B on autograd gradients) for at most
 *       {@code maxIterations} iterations, or Powell's BOBYQA (Commons Math, 2·q·d + 1
 *       interpolation points, trust region 0.1 → 1e-4) with {@code maxIterations·(q·d + 1)}
 *       evaluations (Brent's method on the start ± 0.05 in one dimension);</li>
 *   <li>the best point seen by any of them (the raw points included).</li>
 * </ol>
 * Raw evaluations and local searches run in parallel on the common fork-join pool when
 * {@code parallel} is set; results are combined in start order, so the outcome does not depend
 * on scheduling. Deterministic per seed.
 */
public final class AcquisitionOptimizer {

    /** The local optimiser run from each start. */
    public enum LocalSearch {
        /** Projected L-BFGS on forward-difference gradients. */
        LBFGS,
        /** Commons Math's BOBYQA (derivative-free; Brent in one dimension). */
        BOBYQA
    }

    /**
     * @param rawSamples    Sobol points evaluated first, {@code >= 1} (default {@value #DEFAULT_RAW_SAMPLES})
     * @param restarts      local searches, {@code >= 1} (default {@value #DEFAULT_RESTARTS})
     * @param maxIterations budget of one local search, {@code >= 1} (default {@value #DEFAULT_MAX_ITERATIONS}):
     *                      L-BFGS iterations, or BOBYQA evaluations / (q·d + 1)
     * @param localSearch   the local optimiser (default {@link LocalSearch#LBFGS})
     * @param parallel      run raw evaluations and local searches in parallel (default true)
     */
    public record Options(int rawSamples, int restarts, int maxIterations, LocalSearch localSearch, boolean parallel) {

        public static final int DEFAULT_RAW_SAMPLES = 256;
        public static final int DEFAULT_RESTARTS = 6;
        public static final int DEFAULT_MAX_ITERATIONS = 40;

        public Options {
            if (rawSamples < 1) {
                throw new IllegalArgumentException("rawSamples must be >= 1, got " + rawSamples);
            }
            if (restarts < 1) {
                throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
            }
            if (localSearch == null) {
                throw new IllegalArgumentException("localSearch must not be null");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_RAW_SAMPLES, DEFAULT_RESTARTS, DEFAULT_MAX_ITERATIONS, LocalSearch.LBFGS, true);
        }

        public Options withRawSamples(int rawSamples) {
            return new Options(rawSamples, restarts, maxIterations, localSearch, parallel);
        }

        public Options withRestarts(int restarts) {
            return new Options(rawSamples, restarts, maxIterations, localSearch, parallel);
        }

        public Options withMaxIterations(int maxIterations) {
            return new Options(rawSamples, restarts, maxIterations, localSearch, parallel);
        }

        public Options withLocalSearch(LocalSearch localSearch) {
            return new Options(rawSamples, restarts, maxIterations, localSearch, parallel);
        }

        public Options withParallel(boolean parallel) {
            return new Options(rawSamples, restarts, maxIterations, localSearch, parallel);
        }
    }

    /** The function to maximise, of q rows of d unit coordinates. Must be thread-safe. */
    @FunctionalInterface
    public interface Objective {
        double value(double[][] units);
    }

    /**
     * @param units       the best batch, q × d unit coordinates
     * @param value       the objective there
     * @param evaluations objective calls in all
     */
    public record Result(double[][] units, double value, int evaluations) {
    }

    private static final double BOLTZMANN_ETA = 2;
    private static final double PENALTY = -1e10;

    private AcquisitionOptimizer() {
    }

    /**
     * @param objective the function of q × d unit coordinates
     * @param q         batch size, {@code >= 1}
     * @param d         unit coordinates per point, {@code >= 1}
     * @param extraRaw  extra raw candidates (each q × d, inside the unit box); may be empty
     * @param options   the options
     * @param seed      seeds the Sobol points and the choice of starts
     */
    public static Result maximise(Objective objective, int q, int d, List<double[][]> extraRaw, Options options,
                                  long seed) {
        if (objective == null || extraRaw == null || options == null) {
            throw new IllegalArgumentException("objective, extraRaw and options must not be null");
        }
        if (q < 1 || d < 1) {
            throw new IllegalArgumentException("q and d must be >= 1, got " + q + " and " + d);
        }
        int n = q * d;
        List<double[]> raw = new ArrayList<>();
        if (n <= SobolDesign.MAX_DIMENSION) {
            for (double[] p : new SobolDesign(n, seed).points(0, options.rawSamples())) {
                raw.add(p);
            }
        } else {
            RandomGenerator rng = new Well19937c(seed);
            for (int s = 0; s < options.rawSamples(); s++) {
                double[] p = new double[n];
                for (int k = 0; k < n; k++) {
                    p[k] = rng.nextDouble();
                }
                raw.add(p);
            }
        }
        for (double[][] e : extraRaw) {
            raw.add(flatten(e, q, d));
        }
        Counter counter = new Counter();
        IntStream idx = IntStream.range(0, raw.size());
        if (options.parallel()) {
            idx = idx.parallel();
        }
        double[] values = idx.mapToDouble(i -> safe(objective.value(unflatten(raw.get(i), q, d)), counter)).toArray();

        int[] starts = chooseStarts(values, options.restarts(), new Well19937c(LogNoisyExpectedImprovement.mix(seed, 7)));
        IntStream s = IntStream.range(0, starts.length);
        if (options.parallel()) {
            s = s.parallel();
        }
        List<Local> locals = s.mapToObj(i -> options.localSearch() == LocalSearch.LBFGS
                ? lbfgs(objective, q, d, raw.get(starts[i]), values[starts[i]], options.maxIterations(), counter)
                : bobyqa(objective, q, d, raw.get(starts[i]), values[starts[i]],
                        options.maxIterations() * (q * d + 1), counter)).toList();
        Local best = null;
        for (Local l : locals) {
            if (best == null || l.value > best.value) {
                best = l;
            }
        }
        return new Result(unflatten(best.point, q, d), best.value, counter.get());
    }

    private record Local(double[] point, double value) {
    }

    private static final class Counter {
        private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

        void inc() {
            n.incrementAndGet();
        }

        int get() {
            return n.get();
        }
    }

    /** Tracks the best point a local search has seen. */
    private static final class Tracker {
        double[] best;
        double bestValue;

        Tracker(double[] start, double value) {
            best = start.clone();
            bestValue = value;
        }

        void offer(double[] p, double v) {
            if (v > bestValue) {
                bestValue = v;
                best = p.clone();
            }
        }
    }

    private static final double FD_STEP = 1e-6;

    /** Projected L-BFGS on −objective with forward-difference gradients. */
    private static Local lbfgs(Objective objective, int q, int d, double[] start, double startValue,
                               int maxIterations, Counter counter) {
        int n = q * d;
        Tracker tracker = new Tracker(start, startValue);
        double[] lower = new double[n];
        double[] upper = new double[n];
        java.util.Arrays.fill(upper, 1);
        Lbfgs.Objective f = (x, grad) -> {
            double v = safe(objective.value(unflatten(x, q, d)), counter);
            tracker.offer(x, v);
            double[] xh = x.clone();
            for (int i = 0; i < n; i++) {
                double xi = x[i];
                double h = xi + FD_STEP <= 1 ? FD_STEP : -FD_STEP;
                xh[i] = xi + h;
                double vh = safe(objective.value(unflatten(xh, q, d)), counter);
                tracker.offer(xh, vh);
                grad[i] = -(vh - v) / h;
                xh[i] = xi;
            }
            return -v;
        };
        new Lbfgs(10, maxIterations, 1e-6, 1e-10).minimise(f, start, lower, upper, Integer.MAX_VALUE);
        return new Local(tracker.best, tracker.bestValue);
    }

    private static Local bobyqa(Objective objective, int q, int d, double[] start, double startValue,
                                int maxEvaluations, Counter counter) {
        int n = q * d;
        Tracker tracker = new Tracker(start, startValue);
        try {
            if (n == 1) {
                double lo = Math.max(0, start[0] - 0.05);
                double hi = Math.min(1, start[0] + 0.05);
                BrentOptimizer brent = new BrentOptimizer(1e-8, 1e-6);
                brent.optimize(new MaxEval(maxEvaluations), GoalType.MAXIMIZE, new SearchInterval(lo, hi, start[0]),
                        new UnivariateObjectiveFunction(x -> {
                            double[] p = {Math.min(1, Math.max(0, x))};
                            double v = safe(objective.value(unflatten(p, q, d)), counter);
                            tracker.offer(p, v);
                            return v;
                        }));
            } else {
                double[] lower = new double[n];
                double[] upper = new double[n];
                java.util.Arrays.fill(upper, 1);
                BOBYQAOptimizer bobyqa = new BOBYQAOptimizer(2 * n + 1, 0.1, 1e-4);
                bobyqa.optimize(new MaxEval(maxEvaluations), GoalType.MAXIMIZE, new InitialGuess(start),
                        new SimpleBounds(lower, upper), new ObjectiveFunction(x -> {
                            double[] p = x.clone();
                            for (int k = 0; k < n; k++) {
                                p[k] = Math.min(1, Math.max(0, p[k]));
                            }
                            double v = safe(objective.value(unflatten(p, q, d)), counter);
                            tracker.offer(p, v);
                            return v;
                        }));
            }
        } catch (TooManyEvaluationsException e) {
            // The budget ran out: keep the best point seen.
        } catch (RuntimeException e) {
            // BOBYQA's rare internal failures (e.g. PathIsExploredException): keep the best point seen.
            // A caller's IllegalArgumentException (not one of Commons Math's own) is a real error.
            if (e instanceof IllegalArgumentException iae && !(e instanceof MathIllegalArgumentException)) {
                throw iae;
            }
        }
        return new Local(tracker.best, tracker.bestValue);
    }

    private static double safe(double v, Counter counter) {
        counter.inc();
        return Double.isFinite(v) ? v : PENALTY;
    }

    /** The best index, then Boltzmann draws without replacement on standardised values. */
    static int[] chooseStarts(double[] values, int restarts, RandomGenerator rng) {
        int n = values.length;
        int k = Math.min(restarts, n);
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(var / n);
        double[] w = new double[n];
        double zmax = sd > 0 ? (values[best] - mean) / sd : 0;
        for (int i = 0; i < n; i++) {
            double z = sd > 0 ? (values[i] - mean) / sd : 0;
            w[i] = Math.exp(BOLTZMANN_ETA * (z - zmax));
        }
        int[] chosen = new int[k];
        chosen[0] = best;
        w[best] = 0;
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double x : w) {
                total += x;
            }
            int pick = -1;
            if (total > 0 && Double.isFinite(total)) {
                double r = rng.nextDouble() * total;
                for (int i = 0; i < n; i++) {
                    if (w[i] > 0) {
                        r -= w[i];
                        pick = i;
                        if (r <= 0) {
                            break;
                        }
                    }
                }
            }
            if (pick < 0) {
                // All remaining weights underflowed: take the best remaining value.
                for (int i = 0; i < n; i++) {
                    boolean taken = false;
                    for (int j = 0; j < c; j++) {
                        taken |= chosen[j] == i;
                    }
                    if (!taken && (pick < 0 || values[i] > values[pick])) {
                        pick = i;
                    }
                }
            }
            chosen[c] = pick;
            w[pick] = 0;
        }
        return chosen;
    }

    private static double[] flatten(double[][] rows, int q, int d) {
        if (rows.length != q) {
            throw new IllegalArgumentException("extra raw point has " + rows.length + " rows, expected " + q);
        }
        double[] p = new double[q * d];
        for (int j = 0; j < q; j++) {
            if (rows[j].length != d) {
                throw new IllegalArgumentException("extra raw point row has " + rows[j].length
                        + " coordinates, expected " + d);
            }
            for (int k = 0; k < d; k++) {
                p[j * d + k] = Math.min(1, Math.max(0, rows[j][k]));
            }
        }
        return p;
    }

    private static double[][] unflatten(double[] p, int q, int d) {
        double[][] rows = new double[q][d];
        for (int j = 0; j < q; j++) {
            System.arraycopy(p, j * d, rows[j], 0, d);
        }
        return rows;
    }
}
