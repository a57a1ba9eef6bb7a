package dev.densify.bo;

/**
 * Limited-memory BFGS for smooth minimisation (Nocedal & Wright, Algorithm 7.4: two-loop
 * recursion, initial Hessian scaled by sᵀy/yᵀy), unconstrained or inside a box. In a box it is
 * the simple projected variant: coordinates at a bound whose gradient pushes outwards are held
 * (their direction and projected-gradient entries are zeroed), and the line search follows the
 * projected path P(x + t·d). The line search backtracks under the Armijo condition (quadratic
 * interpolation; a non-finite value shrinks the step ×0.1). Pairs with sᵀy ≤ 1e-12·|s||y| are
 * skipped, which keeps the inverse-Hessian approximation positive definite. Stops when the
 * largest projected-gradient entry is ≤ gradientTolerance, when the relative decrease of f falls
 * below relativeTolerance, when the line search fails, after maxIterations, or when an
 * evaluation budget runs out. Immutable; one instance may be used by many threads.
 */
public final class Lbfgs {

    /** A function and its gradient. */
    @FunctionalInterface
    public interface Objective {
        /** Returns f(x) and writes ∇f(x) into {@code gradient}; a non-finite value means "outside the domain". */
        double evaluate(double[] x, double[] gradient);
    }

    /**
     * @param point       the best point found
     * @param value       f there
     * @param iterations  iterations run
     * @param evaluations calls of the objective
     * @param converged   whether a tolerance (not the iteration limit or a failed line search) stopped it
     */
    public record Result(double[] point, double value, int iterations, int evaluations, boolean converged) {
    }

    private static final double ARMIJO = 1e-4;

    private final int memory;
    private final int maxIterations;
    private final double gradientTolerance;
    private final double relativeTolerance;

    public Lbfgs(int memory, int maxIterations, double gradientTolerance, double relativeTolerance) {
        if (memory < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("memory and maxIterations must be >= 1, got " + memory + " and "
                    + maxIterations);
        }
        if (!(gradientTolerance >= 0) || !(relativeTolerance >= 0)) {
            throw new IllegalArgumentException("tolerances must be >= 0");
        }
        this.memory = memory;
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
        this.relativeTolerance = relativeTolerance;
    }

    public Result minimise(Objective f, double[] start) {
        return minimise(f, start, null, null, Integer.MAX_VALUE);
    }

    /**
     * Minimises inside the box [lower, upper] (either may be null: unbounded), the start
     * projected into it, with at most {@code maxEvaluations} calls of f.
     */
    public Result minimise(Objective f, double[] start, double[] lower, double[] upper, int maxEvaluations) {
        int n = start.length;
        if ((lower != null && lower.length != n) || (upper != null && upper.length != n)) {
            throw new IllegalArgumentException("bounds must have length " + n);
        }
        double[] x = start.clone();
        project(x, lower, upper);
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        int evaluations = 1;
        if (!Double.isFinite(fx) || !allFinite(g)) {
            return new Result(x, fx, 0, evaluations, false);
        }
        double[][] sHist = new double[memory][];
        double[][] yHist = new double[memory][];
        double[] rho = new double[memory];
        int stored = 0;
        int head = 0; // index of the next slot
        double[] xn = new double[n];
        double[] gn = new double[n];
        double[] dir = new double[n];
        double[] pg = new double[n];
        double[] alphaTmp = new double[memory];
        int iter = 0;
        boolean converged = false;
        while (iter < maxIterations && evaluations < maxEvaluations) {
            boolean[] held = heldAtBounds(x, g, lower, upper);
            for (int i = 0; i < n; i++) {
                pg[i] = held[i] ? 0 : g[i];
            }
            if (maxAbs(pg) <= gradientTolerance) {
                converged = true;
                break;
            }
            // Two-loop recursion: dir = −H pg.
            System.arraycopy(pg, 0, dir, 0, n);
            for (int k = 0; k < stored; k++) {
                int idx = Math.floorMod(head - 1 - k, memory);
                double a = rho[idx] * dot(sHist[idx], dir);
                alphaTmp[idx] = a;
                axpy(-a, yHist[idx], dir);
            }
            double gamma = 1;
            if (stored > 0) {
                int last = Math.floorMod(head - 1, memory);
                gamma = dot(sHist[last], yHist[last]) / dot(yHist[last], yHist[last]);
            }
            scale(gamma, dir);
            for (int k = stored - 1; k >= 0; k--) {
                int idx = Math.floorMod(head - 1 - k, memory);
                double b = rho[idx] * dot(yHist[idx], dir);
                axpy(alphaTmp[idx] - b, sHist[idx], dir);
            }
            for (int i = 0; i < n; i++) {
                dir[i] = held[i] ? 0 : -dir[i];
            }
            double slope = dot(pg, dir);
            if (!(slope < 0)) {
                // Not a descent direction: restart from steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) {
                    dir[i] = -pg[i];
                }
                slope = dot(pg, dir);
            }
            double step = stored == 0 ? Math.min(1, 1 / Math.sqrt(dot(pg, pg))) : 1;
            double fn = Double.NaN;
            boolean accepted = false;
            boolean moved = true;
            for (int ls = 0; ls < 40 && evaluations < maxEvaluations; ls++) {
                moved = false;
                for (int i = 0; i < n; i++) {
                    xn[i] = x[i] + step * dir[i];
                }
                project(xn, lower, upper);
                double decrease = 0;
                for (int i = 0; i < n; i++) {
                    moved |= xn[i] != x[i];
                    decrease += g[i] * (xn[i] - x[i]);
                }
                if (!moved) {
                    break;
                }
                fn = f.evaluate(xn, gn);
                evaluations++;
                if (Double.isFinite(fn) && allFinite(gn) && fn <= fx + ARMIJO * decrease) {
                    accepted = true;
                    break;
                }
                if (Double.isFinite(fn) && decrease < 0) {
                    // Minimiser of the quadratic through f(0), f'(0) and f(step), kept in [0.1, 0.5]·step.
                    double t = -decrease * step / (2 * (fn - fx - decrease));
                    step = Math.max(0.1 * step, Math.min(0.5 * step, t));
                } else {
                    step *= 0.1;
                }
            }
            iter++;
            if (!accepted) {
                converged = !moved;
                break;
            }
            double[] sv = new double[n];
            double[] yv = new double[n];
            for (int i = 0; i < n; i++) {
                sv[i] = xn[i] - x[i];
                yv[i] = gn[i] - g[i];
            }
            double sy = dot(sv, yv);
            if (sy > 1e-12 * Math.sqrt(dot(sv, sv) * dot(yv, yv))) {
                sHist[head] = sv;
                yHist[head] = yv;
                rho[head] = 1 / sy;
                head = (head + 1) % memory;
                stored = Math.min(stored + 1, memory);
            }
            double decrease = fx - fn;
            System.arraycopy(xn, 0, x, 0, n);
            System.arraycopy(gn, 0, g, 0, n);
            fx = fn;
            if (decrease <= relativeTolerance * Math.max(1, Math.abs(fx))) {
                converged = true;
                break;
            }
        }
        return new Result(x, fx, iter, evaluations, converged);
    }

    private static void project(double[] x, double[] lower, double[] upper) {
        for (int i = 0; i < x.length; i++) {
            if (lower != null && x[i] < lower[i]) {
                x[i] = lower[i];
            }
            if (upper != null && x[i] > upper[i]) {
                x[i] = upper[i];
            }
        }
    }

    private static boolean[] heldAtBounds(double[] x, double[] g, double[] lower, double[] upper) {
        boolean[] held = new boolean[x.length];
        for (int i = 0; i < x.length; i++) {
            held[i] = (lower != null && x[i] <= lower[i] && g[i] > 0) || (upper != null && x[i] >= upper[i] && g[i] < 0);
        }
        return held;
    }

    private static boolean allFinite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static void scale(double a, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }
}
