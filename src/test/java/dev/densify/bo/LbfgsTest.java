package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LbfgsTest {

    @Test
    void minimisesRosenbrock() {
        Lbfgs.Objective rosenbrock = (x, g) -> {
            double a = 1 - x[0];
            double b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        };
        Lbfgs.Result r = new Lbfgs(10, 500, 1e-10, 0).minimise(rosenbrock, new double[] {-1.2, 1});
        assertEquals(1, r.point()[0], 1e-6);
        assertEquals(1, r.point()[1], 1e-6);
        assertTrue(r.converged());
    }

    @Test
    void minimisesAnIllConditionedQuadratic() {
        double[] scale = {1, 10, 100, 1000};
        Lbfgs.Objective f = (x, g) -> {
            double v = 0;
            for (int i = 0; i < x.length; i++) {
                v += 0.5 * scale[i] * (x[i] - i) * (x[i] - i);
                g[i] = scale[i] * (x[i] - i);
            }
            return v;
        };
        Lbfgs.Result r = new Lbfgs(5, 200, 1e-9, 0).minimise(f, new double[4]);
        for (int i = 0; i < 4; i++) {
            assertEquals(i, r.point()[i], 1e-8);
        }
    }

    @Test
    void backsOffFromNonFiniteValues() {
        // log barrier: undefined for x <= 0; the minimum of x - log x is at 1.
        Lbfgs.Objective f = (x, g) -> {
            g[0] = 1 - 1 / x[0];
            return x[0] > 0 ? x[0] - Math.log(x[0]) : Double.NaN;
        };
        Lbfgs.Result r = new Lbfgs(5, 100, 1e-10, 0).minimise(f, new double[] {20});
        assertEquals(1, r.point()[0], 1e-6);
    }

    @Test
    void respectsBoxBounds() {
        // Minimum of (x−2)² + (y+1)² + (z−0.5)² over [0, 1]³ is at (1, 0, 0.5).
        Lbfgs.Objective f = (x, g) -> {
            g[0] = 2 * (x[0] - 2);
            g[1] = 2 * (x[1] + 1);
            g[2] = 2 * (x[2] - 0.5);
            return Math.pow(x[0] - 2, 2) + Math.pow(x[1] + 1, 2) + Math.pow(x[2] - 0.5, 2);
        };
        Lbfgs.Result r = new Lbfgs(5, 100, 1e-10, 0).minimise(f, new double[] {0.2, 0.9, 0.9},
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, 1000);
        assertEquals(1, r.point()[0], 1e-12);
        assertEquals(0, r.point()[1], 1e-12);
        assertEquals(0.5, r.point()[2], 1e-8);
        assertTrue(r.evaluations() <= 1000);
    }
}
