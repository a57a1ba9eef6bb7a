package dev.densify.bo;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Asynchronous BO: suggestions conditioned on the points other workers are evaluating (BoTorch's
 * X_pending). With k pending points the next suggestion keeps away from them; four workers that
 * each ask for a point when they finish still beat Sobol search at equal budget.
 */
class AsynchronousBoTest {

    /** The stated spread: pending points and the new suggestion at least this far apart (unit box). */
    static final double MIN_DISTANCE = 0.05;

    static List<Observation> noisyBranin(int n, long seed) {
        Well19937c rng = new Well19937c(seed);
        List<Observation> obs = new ArrayList<>();
        for (double[] p : new SobolDesign(2, seed).points(0, n)) {
            obs.add(new Observation(p, -TestFunctions.branin(p) + rng.nextGaussian()));
        }
        return obs;
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    @Test
    void withKPendingPointsTheNextSuggestionKeepsAway() {
        for (long seed = 0; seed < 5; seed++) {
            BayesianOptimizer bo = new BayesianOptimizer(BoxSpace.unitCube(2),
                    BayesianOptimizerOptions.defaults().withSeed(seed));
            List<Observation> obs = noisyBranin(12, seed);
            List<double[]> pending = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                double[] next = bo.suggest(obs, 1, pending).points().get(0);
                for (double[] p : pending) {
                    assertTrue(distance(next, p) >= MIN_DISTANCE, "seed " + seed + ", " + k + " pending: "
                            + Arrays.toString(next) + " is " + distance(next, p) + " from " + Arrays.toString(p));
                }
                pending.add(next);
            }
        }
    }

    @Test
    void withoutPendingPointsNothingChanges() {
        BayesianOptimizer bo = new BayesianOptimizer(BoxSpace.unitCube(2), BayesianOptimizerOptions.defaults().withSeed(3));
        List<Observation> obs = noisyBranin(12, 3);
        assertArrayEquals(bo.suggest(obs, 1).points().get(0), bo.suggest(obs, 1, List.of()).points().get(0));
        assertThrows(IllegalArgumentException.class, () -> bo.suggest(obs, 1, List.of(new double[]{2, 0})));
        assertThrows(IllegalArgumentException.class, () -> bo.suggest(obs, 1, null));
    }

    private record Run(double bo, double sobol) {
    }

    /**
     * Four workers; each evaluation takes an exponentially distributed time; a worker that
     * finishes records its observation and asks for its next point with the other three running
     * points pending. Regret of the recommended point, as in {@link BayesianOptimizerBenchmarkTest}.
     */
    private static Run run(int dim, ToDoubleFunction<double[]> f, double min, int budget, double noise, int seed) {
        BoxSpace space = BoxSpace.unitCube(dim);
        BayesianOptimizer bo = new BayesianOptimizer(space, BayesianOptimizerOptions.defaults().withSeed(seed));
        Well19937c rng = new Well19937c(7919L * seed + 17);
        record Running(double finish, double[] point) {
        }
        PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> Double.compare(a.finish, b.finish));
        List<Observation> obs = new ArrayList<>();
        int started = 0;
        double now = 0;
        while (obs.size() < budget) {
            while (running.size() < 4 && started < budget) {
                List<double[]> pending = running.stream().map(Running::point).toList();
                double[] p = bo.suggest(obs, 1, pending).points().get(0);
                running.add(new Running(now - Math.log(1 - rng.nextDouble()), p));
                started++;
            }
            Running done = running.poll();
            now = done.finish;
            obs.add(new Observation(done.point, -f.applyAsDouble(done.point) + noise * rng.nextGaussian()));
        }
        double boRegret = f.applyAsDouble(bo.recommend(obs).point()) - min;
        List<Observation> sobol = new ArrayList<>();
        for (double[] p : new SobolDesign(dim, 1000 + seed).points(0, budget)) {
            sobol.add(new Observation(p, -f.applyAsDouble(p) + noise * rng.nextGaussian()));
        }
        return new Run(boRegret, f.applyAsDouble(bo.recommend(sobol).point()) - min);
    }

    private static void compare(String name, int dim, ToDoubleFunction<double[]> f, double min, int budget, double noise) {
        Run[] runs = IntStream.range(0, 10).parallel().mapToObj(s -> run(dim, f, min, budget, noise, s))
                .toArray(Run[]::new);
        int wins = 0;
        for (Run r : runs) {
            wins += r.bo < r.sobol ? 1 : 0;
        }
        double[] bo = Arrays.stream(runs).mapToDouble(Run::bo).sorted().toArray();
        double[] sobol = Arrays.stream(runs).mapToDouble(Run::sobol).sorted().toArray();
        System.out.printf("%s, 4 asynchronous workers (budget %d): median regret BO %.4f, Sobol %.4f; BO lower on "
                + "%d/10 seeds%n", name, budget, (bo[4] + bo[5]) / 2, (sobol[4] + sobol[5]) / 2, wins);
        assertTrue(wins >= 8, name + ": asynchronous BO beat Sobol on only " + wins + " of 10 seeds");
    }

    @Test
    void fourAsynchronousWorkersBeatSobolOnBranin() {
        compare("Branin", 2, TestFunctions::branin, TestFunctions.BRANIN_MIN, 30, 1.0);
    }

    @Test
    void fourAsynchronousWorkersBeatSobolOnHartmann6() {
        compare("Hartmann-6", 6, TestFunctions::hartmann6, TestFunctions.HARTMANN6_MIN, 50, 0.05);
    }
}
