package dev.densify.bo;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Bayesian optimisation over a {@link SearchSpace}, maximising a noisy objective; stateless:
 * each call takes all observations so far.
 *
 * <p>{@link #suggest} proposes q points to evaluate next:
 * <ol>
 *   <li>while there are fewer observations n than the initial design size (default 2·d + 1, d
 *       the unit dimension), the Sobol points n .. n+q−1 of a digitally shifted Sobol sequence
 *       ({@link SobolDesign}) mapped by {@link SearchSpace#fromUnit} — uniform on the simplex;</li>
 *   <li>otherwise a {@link GaussianProcess} is fitted to the observations' features (simplex
 *       weights, rescaled box coordinates) and {@link LogNoisyExpectedImprovement} (baseline: the
 *       observed points, pruned) is maximised over unit coordinates with
 *       {@link AcquisitionOptimizer} (Sobol raw samples plus, with {@code sampleAroundBest},
 *       perturbations of the best observed points; restarts; projected L-BFGS on finite-difference
 *       gradients, or BOBYQA). Batches of q > 1 are built one candidate at a time (BoTorch's
 *       {@code optimize_acqf(..., sequential=True)}): candidate k maximises qLogNEI with candidates
 *       1..k−1 as pending points.</li>
 * </ol>
 * Suggestions are produced by {@link SearchSpace#fromUnit}, so on a simplex they satisfy w ≥ 0
 * and |Σw − 1| &lt; 1e-9 exactly as the space guarantees.
 *
 * <p>Determinism: every random stream (the design's shift, hyperparameter restarts, base
 * samples, raw samples, starts) is seeded from {@code options.seed()} and n, so the same seed
 * and the same observations (in the same order) give the same suggestions, whatever the thread
 * scheduling. Thread-safe.
 */
public final class BayesianOptimizer {

    private static final int AROUND_BEST_POINTS = 5;

    private final SearchSpace space;
    private final BayesianOptimizerOptions options;

    public BayesianOptimizer(SearchSpace space, BayesianOptimizerOptions options) {
        if (space == null || options == null) {
            throw new IllegalArgumentException("space and options must not be null");
        }
        this.space = space;
        this.options = options;
    }

    public SearchSpace space() {
        return space;
    }

    public BayesianOptimizerOptions options() {
        return options;
    }

    /**
     * The next {@code q} points to evaluate.
     *
     * @param observations all observations so far (may be empty), each a valid point with a finite value
     * @param q            how many points, {@code >= 1}
     * @throws IllegalArgumentException naming the problem: q &lt; 1, a null observation, a point of
     *                                  the wrong dimension or outside the space
     */
    public Suggestion suggest(List<Observation> observations, int q) {
        return suggest(observations, q, List.of());
    }

    /**
     * As {@link #suggest(List, int)}, while the points {@code pending} are being evaluated
     * elsewhere (other workers' running trials): they are conditioned on as BoTorch's
     * {@code X_pending}, integrated out of the log noisy EI over their joint posterior with the
     * observations, so that the suggestions go where the pending evaluations are not expected to
     * tell already. During the initial design the Sobol sequence continues past them.
     *
     * @param pending points of the space being evaluated now (may be empty)
     */
    public Suggestion suggest(List<Observation> observations, int q, List<double[]> pending) {
        if (q < 1) {
            throw new IllegalArgumentException("q must be >= 1, got " + q);
        }
        checkObservations(observations);
        if (pending == null) {
            throw new IllegalArgumentException("pending must not be null (use an empty list)");
        }
        for (int i = 0; i < pending.size(); i++) {
            try {
                space.checkPoint(pending.get(i));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("pending point " + i + ": " + e.getMessage(), e);
            }
        }
        int n = observations.size();
        long callSeed = LogNoisyExpectedImprovement.mix(options.seed(), n + 1_000_003L * pending.size());
        if (n + pending.size() < options.initialDesignSize(space.dimension())) {
            SobolDesign design = new SobolDesign(space.dimension(), LogNoisyExpectedImprovement.mix(options.seed(), -1));
            List<double[]> points = new ArrayList<>();
            for (double[] u : design.points(n + pending.size(), q)) {
                points.add(space.fromUnit(u));
            }
            return new Suggestion(points, Suggestion.Phase.INITIAL_DESIGN, Double.NaN, null);
        }
        if (n == 0) {
            throw new IllegalArgumentException("the model needs at least one observation; " + pending.size()
                    + " pending points cover the initial design of " + options.initialDesignSize(space.dimension()));
        }
        GaussianProcess gp = fit(observations, callSeed);
        LogNoisyExpectedImprovement base = LogNoisyExpectedImprovement.create(gp,
                options.acquisition().withSeed(LogNoisyExpectedImprovement.mix(callSeed, 2)));
        List<double[][]> around = options.sampleAroundBest()
                ? aroundBest(gp, observations, LogNoisyExpectedImprovement.mix(callSeed, 3))
                : List.of();
        int d = space.dimension();
        List<double[]> chosen = new ArrayList<>();
        double value;
        double[][] pendingAtStart = new double[pending.size()][];
        for (int i = 0; i < pendingAtStart.length; i++) {
            pendingAtStart[i] = space.features(pending.get(i));
        }
        if (q == 1) {
            LogNoisyExpectedImprovement acq = base.forBatch(q, pendingAtStart);
            List<double[][]> extra = new ArrayList<>();
            RandomGenerator rng = new Well19937c(LogNoisyExpectedImprovement.mix(callSeed, 4));
            for (int e = 0; e < around.size(); e++) {
                double[][] batch = new double[q][];
                batch[0] = around.get(e)[0];
                for (int j = 1; j < q; j++) {
                    batch[j] = around.get(rng.nextInt(around.size()))[0];
                }
                extra.add(batch);
            }
            AcquisitionOptimizer.Result r = AcquisitionOptimizer.maximise(units -> acq.evaluate(features(units)), q, d,
                    extra, options.optimizer(), LogNoisyExpectedImprovement.mix(callSeed, 5));
            for (double[] u : r.units()) {
                chosen.add(space.fromUnit(u));
            }
            value = r.value();
        } else {
            value = Double.NaN;
            List<double[]> pendingFeatures = new ArrayList<>(List.of(pendingAtStart));
            for (int k = 0; k < q; k++) {
                LogNoisyExpectedImprovement acq = base.forBatch(1, pendingFeatures.toArray(new double[0][]));
                AcquisitionOptimizer.Result r = AcquisitionOptimizer.maximise(units -> acq.evaluate(features(units)), 1,
                        d, around, options.optimizer(), LogNoisyExpectedImprovement.mix(callSeed, 100 + k));
                double[] point = space.fromUnit(r.units()[0]);
                chosen.add(point);
                pendingFeatures.add(space.features(point));
                value = r.value();
            }
        }
        return new Suggestion(chosen, Suggestion.Phase.MODEL, value, gp.hyperparameters());
    }

    /**
     * The GP this optimiser would fit to {@code observations} (at least one), on the space's
     * features; useful for reports and for {@link #recommend}.
     */
    public GaussianProcess fitModel(List<Observation> observations) {
        checkObservations(observations);
        if (observations.isEmpty()) {
            throw new IllegalArgumentException("need at least one observation to fit a model");
        }
        return fit(observations, LogNoisyExpectedImprovement.mix(options.seed(), observations.size()));
    }

    /**
     * The observed point with the highest posterior mean under the fitted GP (at least one
     * observation).
     */
    public Recommendation recommend(List<Observation> observations) {
        return recommend(fitModel(observations), observations);
    }

    /** As {@link #recommend(List)}, under a GP already fitted to {@code observations} ({@link #fitModel}). */
    public Recommendation recommend(GaussianProcess gp, List<Observation> observations) {
        int best = -1;
        GaussianProcess.Prediction bestP = null;
        for (int i = 0; i < observations.size(); i++) {
            GaussianProcess.Prediction p = gp.predict(space.features(observations.get(i).point()));
            if (bestP == null || p.mean() > bestP.mean()) {
                best = i;
                bestP = p;
            }
        }
        Observation o = observations.get(best);
        return new Recommendation(best, o.point(), bestP.mean(), bestP.std(), o.value(),
                gp.observationNoiseVariance(best));
    }

    /**
     * The posterior probability that f at observation {@code i} exceeds f at observation
     * {@code j}: Φ((μ_i − μ_j) / sd(f_i − f_j)) under the joint posterior of {@code gp}, the GP
     * this optimiser fitted to them ({@link #fitModel}); 0.5 when the two are the same point.
     */
    public double probabilityGreater(GaussianProcess gp, List<Observation> observations, int i, int j) {
        if (i < 0 || j < 0 || i >= observations.size() || j >= observations.size()) {
            throw new IllegalArgumentException("observations " + i + " and " + j + " of " + observations.size());
        }
        GaussianProcess.JointPosterior post = gp.posterior(new double[][]{
                space.features(observations.get(i).point()), space.features(observations.get(j).point())});
        double mean = post.mean()[0] - post.mean()[1];
        double var = post.covariance()[0][0] + post.covariance()[1][1] - 2 * post.covariance()[0][1];
        if (!(var > 1e-300)) {
            return mean > 0 ? 1 : mean < 0 ? 0 : 0.5;
        }
        return NormalFunctions.cdf(mean / Math.sqrt(var));
    }

    private GaussianProcess fit(List<Observation> observations, long callSeed) {
        int n = observations.size();
        double[][] x = new double[n][];
        double[] y = new double[n];
        double[] noise = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = space.features(observations.get(i).point());
            y[i] = observations.get(i).value();
            noise[i] = observations.get(i).noiseVariance();
        }
        return GaussianProcess.fit(x, y, noise, options.model().withSeed(LogNoisyExpectedImprovement.mix(callSeed, 1)));
    }

    private double[][] features(double[][] units) {
        double[][] f = new double[units.length][];
        for (int j = 0; j < units.length; j++) {
            f[j] = space.features(space.fromUnit(units[j]));
        }
        return f;
    }

    /**
     * Perturbations (Gaussian, σ = 0.01 and 0.05 alternately, clipped to the unit box) of the
     * unit coordinates of the {@value #AROUND_BEST_POINTS} observed points with the best posterior
     * means: a quarter as many as the raw samples.
     */
    private List<double[][]> aroundBest(GaussianProcess gp, List<Observation> observations, long seed) {
        int n = observations.size();
        double[] means = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            means[i] = gp.predict(space.features(observations.get(i).point())).mean();
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(means[b], means[a]) != 0
                ? Double.compare(means[b], means[a]) : Integer.compare(a, b));
        int top = Math.min(AROUND_BEST_POINTS, n);
        int count = Math.max(1, options.optimizer().rawSamples() / 4);
        RandomGenerator rng = new Well19937c(seed);
        List<double[][]> out = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            double[] u = space.toUnit(observations.get(order[c % top]).point());
            double sigma = c % 2 == 0 ? 0.01 : 0.05;
            for (int k = 0; k < u.length; k++) {
                u[k] = Math.min(1, Math.max(0, u[k] + sigma * rng.nextGaussian()));
            }
            out.add(new double[][] {u});
        }
        return out;
    }

    private void checkObservations(List<Observation> observations) {
        if (observations == null) {
            throw new IllegalArgumentException("observations must not be null (use an empty list)");
        }
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            if (o == null) {
                throw new IllegalArgumentException("observation " + i + " is null");
            }
            try {
                space.checkPoint(o.point());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("observation " + i + ": " + e.getMessage(), e);
            }
        }
    }
}
