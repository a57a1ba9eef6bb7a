package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BayesianOptimizerTest {

    /** Lighter than the defaults, to keep the many runs below fast. */
    static BayesianOptimizerOptions light(long seed) {
        BayesianOptimizerOptions o = BayesianOptimizerOptions.defaults();
        return o.withOptimizer(o.optimizer().withRawSamples(64).withRestarts(3).withMaxIterations(15))
                .withAcquisition(o.acquisition().withSamples(64)).withSeed(seed);
    }

    /** A smooth objective on the simplex with its maximum inside, plus noise. */
    private static double objective(double[] w, Random rng) {
        double v = 0;
        for (int i = 0; i < w.length; i++) {
            double target = (i + 1.0) / (w.length * (w.length + 1) / 2.0);
            v -= (w[i] - target) * (w[i] - target);
        }
        return v + 0.001 * rng.nextGaussian();
    }

    @Test
    void everySuggestionLiesOnTheSimplex() {
        int checked = 0;
        for (int run = 0; run < 8; run++) {
            int d = 2 + run % 4; // d = 2 has one unit coordinate: Brent instead of BOBYQA
            int q = run % 2 == 0 ? 4 : 1;
            BayesianOptimizerOptions o = light(run);
            if (run % 3 == 1) {
                o = o.withOptimizer(o.optimizer().withLocalSearch(AcquisitionOptimizer.LocalSearch.BOBYQA));
            }
            BayesianOptimizer bo = new BayesianOptimizer(SimplexSpace.of(d), o);
            Random rng = new Random(run);
            List<Observation> obs = new ArrayList<>();
            while (obs.size() < 2 * d + 1 + 12) {
                Suggestion s = bo.suggest(obs, q);
                assertEquals(q, s.points().size());
                for (double[] w : s.points()) {
                    SearchSpaceTest.assertOnSimplex(w);
                    obs.add(new Observation(w, objective(w, rng)));
                    checked++;
                }
            }
        }
        assertTrue(checked > 150);
    }

    @Test
    void simplexWithExtraBoxDimensions() {
        SearchSpace space = ProductSpace.of(new SimplexSpace(List.of("sparse", "shap", "lime", "attention")),
                new BoxSpace(List.of(BoxDimension.log("kl", 1e-3, 1), BoxDimension.log("lr", 1e-6, 1e-3))));
        BayesianOptimizer bo = new BayesianOptimizer(space, light(3));
        Random rng = new Random(3);
        List<Observation> obs = new ArrayList<>();
        while (obs.size() < 24) {
            for (double[] p : bo.suggest(obs, 4).points()) {
                SearchSpaceTest.assertOnSimplex(Arrays.copyOf(p, 4));
                assertTrue(p[4] >= 1e-3 && p[4] <= 1 && p[5] >= 1e-6 && p[5] <= 1e-3, Arrays.toString(p));
                double v = objective(Arrays.copyOf(p, 4), rng) - Math.pow(Math.log10(p[4]) + 1, 2);
                obs.add(new Observation(p, v));
            }
        }
    }

    @Test
    void initialDesignThenModel() {
        SimplexSpace space = SimplexSpace.of(4);
        BayesianOptimizer bo = new BayesianOptimizer(space, light(5));
        assertEquals(7, bo.options().initialDesignSize(space.dimension()));
        Random rng = new Random(5);
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Suggestion s = bo.suggest(obs, 1);
            assertEquals(Suggestion.Phase.INITIAL_DESIGN, s.phase());
            assertNull(s.hyperparameters());
            double[] expected = space.fromUnit(new SobolDesign(3, LogNoisyExpectedImprovement.mix(5, -1)).points(i, 1)[0]);
            assertArrayEquals(expected, s.points().get(0));
            obs.add(new Observation(s.points().get(0), objective(s.points().get(0), rng)));
        }
        Suggestion s = bo.suggest(obs, 2);
        assertEquals(Suggestion.Phase.MODEL, s.phase());
        assertNotNull(s.hyperparameters());
        assertTrue(Double.isFinite(s.acquisitionValue()));
        // The two points of a batch differ.
        assertFalse(Arrays.equals(s.points().get(0), s.points().get(1)));
    }

    @Test
    void sameSeedAndDataGiveTheSameSuggestions() {
        SimplexSpace space = SimplexSpace.of(4);
        Random rng = new Random(8);
        List<Observation> obs = new ArrayList<>();
        for (double[] u : new SobolDesign(3, 1).points(0, 15)) {
            double[] w = space.fromUnit(u);
            obs.add(new Observation(w, objective(w, rng)));
        }
        BayesianOptimizerOptions o = light(42); // parallel local searches included
        List<double[]> a = new BayesianOptimizer(space, o).suggest(obs, 4).points();
        List<double[]> b = new BayesianOptimizer(space, o).suggest(new ArrayList<>(obs), 4).points();
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a.get(i), b.get(i));
        }
        List<double[]> serial = new BayesianOptimizer(space, o.withOptimizer(o.optimizer().withParallel(false)))
                .suggest(obs, 4).points();
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a.get(i), serial.get(i));
        }
        List<double[]> other = new BayesianOptimizer(space, light(43)).suggest(obs, 4).points();
        assertFalse(Arrays.equals(a.get(0), other.get(0)) && Arrays.equals(a.get(1), other.get(1)));
    }

    @Test
    void degenerateDataStillGivesValidSuggestions() {
        SimplexSpace space = SimplexSpace.of(3);
        BayesianOptimizer bo = new BayesianOptimizer(space, light(9));
        // Constant values, and the same point observed many times.
        List<Observation> constant = new ArrayList<>();
        for (double[] u : new SobolDesign(2, 1).points(0, 10)) {
            constant.add(new Observation(space.fromUnit(u), 3.0));
        }
        List<Observation> duplicates = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            duplicates.add(new Observation(new double[] {0.2, 0.3, 0.5}, i % 2));
        }
        duplicates.add(new Observation(new double[] {1, 0, 0}, 0.5));
        for (List<Observation> obs : List.of(constant, duplicates)) {
            Suggestion s = bo.suggest(obs, 4);
            assertEquals(Suggestion.Phase.MODEL, s.phase());
            for (double[] w : s.points()) {
                SearchSpaceTest.assertOnSimplex(w);
            }
        }
        // No observations at all: the initial design, q at once.
        Suggestion first = bo.suggest(List.of(), 4);
        assertEquals(Suggestion.Phase.INITIAL_DESIGN, first.phase());
        assertEquals(4, first.points().size());
    }

    @Test
    void findsTheMaximumOnTheSimplex() {
        SimplexSpace space = SimplexSpace.of(4);
        BayesianOptimizer bo = new BayesianOptimizer(space, BayesianOptimizerOptions.defaults().withSeed(11));
        Random rng = new Random(11);
        List<Observation> obs = new ArrayList<>();
        while (obs.size() < 25) {
            for (double[] w : bo.suggest(obs, 1).points()) {
                obs.add(new Observation(w, objective(w, rng)));
            }
        }
        double[] best = bo.recommend(obs).point();
        double dist = 0;
        for (int i = 0; i < 4; i++) {
            dist += Math.pow(best[i] - (i + 1) / 10.0, 2);
        }
        assertTrue(Math.sqrt(dist) < 0.05, "recommended " + Arrays.toString(best));
    }

    @Test
    void recommendationIsTheBestPosteriorMean() {
        SimplexSpace space = SimplexSpace.of(3);
        List<Observation> obs = new ArrayList<>();
        Random rng = new Random(2);
        for (double[] u : new SobolDesign(2, 3).points(0, 20)) {
            double[] w = space.fromUnit(u);
            obs.add(new Observation(w, objective(w, rng)));
        }
        BayesianOptimizer bo = new BayesianOptimizer(space, light(1));
        Recommendation r = bo.recommend(obs);
        GaussianProcess gp = bo.fitModel(obs);
        for (Observation o : obs) {
            assertTrue(gp.predict(space.features(o.point())).mean() <= r.posteriorMean() + 1e-12);
        }
        assertArrayEquals(obs.get(r.index()).point(), r.point());
    }

    @Test
    void badInputsAreRejectedWithTheProblemNamed() {
        BayesianOptimizer bo = new BayesianOptimizer(SimplexSpace.of(3), light(0));
        List<Observation> ok = List.of(new Observation(new double[] {0.2, 0.3, 0.5}, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bo.suggest(ok, 0));
        assertTrue(e.getMessage().contains("q must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> bo.suggest(List.of(new Observation(new double[] {0.5, 0.5}, 1)), 1));
        assertTrue(e.getMessage().contains("observation 0: simplex point has 2 coordinates, expected 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> bo.suggest(List.of(ok.get(0), new Observation(new double[] {0.5, 0.6, 0.5}, 1)), 1));
        assertTrue(e.getMessage().contains("observation 1: weights must sum to 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Observation(new double[] {0.2, 0.3, 0.5}, Double.NaN));
        assertTrue(e.getMessage().contains("value must be finite, got NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bo.suggest(null, 1));
        assertTrue(e.getMessage().contains("observations must not be null"), e.getMessage());
        List<Observation> withNull = new ArrayList<>(ok);
        withNull.add(null);
        e = assertThrows(IllegalArgumentException.class, () -> bo.suggest(withNull, 1));
        assertTrue(e.getMessage().contains("observation 1 is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bo.recommend(List.of()));
        assertTrue(e.getMessage().contains("at least one observation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BayesianOptimizer(null, light(0)));
        assertTrue(e.getMessage().contains("space"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BayesianOptimizerOptions.defaults().withInitialDesignSize(-1));
        assertTrue(e.getMessage().contains("initialDesignSize"), e.getMessage());
    }
}
