package dev.densify.bo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class GaussianProcessTest {

    // ---- an independent closed form: plain arrays, Gaussian elimination ----

    private static double matern(double[] a, double[] b, double[] ls, double s) {
        double r2 = 0;
        for (int i = 0; i < a.length; i++) {
            r2 += Math.pow((a[i] - b[i]) / ls[i], 2);
        }
        double r = Math.sqrt(r2);
        return s * (1 + Math.sqrt(5) * r + 5 * r * r / 3) * Math.exp(-Math.sqrt(5) * r);
    }

    /** Solves A x = b by Gaussian elimination with partial pivoting (A is copied). */
    private static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            double tb = b[c];
            b[c] = b[p];
            b[p] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    /** log det by elimination (the matrix is positive definite, so no pivoting sign issues). */
    private static double logDet(double[][] a0) {
        int n = a0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        double ld = 0;
        for (int c = 0; c < n; c++) {
            ld += Math.log(a[c][c]);
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
        return ld;
    }

    private static double[][] randomPoints(Random rng, int n, int d) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = rng.nextDouble();
            }
        }
        return x;
    }

    private static final GpHyperparameters FIXED = new GpHyperparameters(new double[] {0.3, 0.7}, 1.3, 0.05, 0.2);

    @Test
    void posteriorEqualsTheClosedForm() {
        Random rng = new Random(11);
        double[][] x = randomPoints(rng, 7, 2);
        double[] y = new double[7];
        for (int i = 0; i < 7; i++) {
            y[i] = 10 + 3 * Math.sin(5 * x[i][0]) + x[i][1] + 0.1 * rng.nextGaussian();
        }
        GaussianProcess gp = GaussianProcess.withHyperparameters(x, y, FIXED);

        // Closed form on the standardised scale.
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double ss = 0;
        for (double v : y) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (y.length - 1));
        double[] ls = {0.3, 0.7};
        double s = 1.3;
        double noise = 0.05;
        double c = 0.2;
        int n = x.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = matern(x[i], x[j], ls, s) + (i == j ? noise : 0);
            }
        }
        double[] resid = new double[n];
        for (int i = 0; i < n; i++) {
            resid[i] = (y[i] - mean) / std - c;
        }
        double[] alpha = solve(k, resid);

        double[][] test = randomPoints(rng, 3, 2);
        double[][] kStar = new double[3][n];
        double[][] kinvKStar = new double[3][];
        for (int a = 0; a < 3; a++) {
            for (int i = 0; i < n; i++) {
                kStar[a][i] = matern(test[a], x[i], ls, s);
            }
            kinvKStar[a] = solve(k, kStar[a]);
        }
        GaussianProcess.JointPosterior joint = gp.posterior(test);
        for (int a = 0; a < 3; a++) {
            double mu = c;
            for (int i = 0; i < n; i++) {
                mu += kStar[a][i] * alpha[i];
            }
            double expectedMean = mean + std * mu;
            GaussianProcess.Prediction p = gp.predict(test[a]);
            assertEquals(expectedMean, p.mean(), 1e-10);
            assertEquals(expectedMean, joint.mean()[a], 1e-10);
            for (int b = 0; b < 3; b++) {
                double cov = matern(test[a], test[b], ls, s);
                for (int i = 0; i < n; i++) {
                    cov -= kStar[a][i] * kinvKStar[b][i];
                }
                cov *= std * std;
                assertEquals(cov, joint.covariance()[a][b], 1e-10, "covariance " + a + "," + b);
                if (a == b) {
                    assertEquals(cov, p.variance(), 1e-10);
                }
            }
        }
        // Log marginal likelihood of the standardised outcomes.
        double quad = 0;
        for (int i = 0; i < n; i++) {
            quad += resid[i] * alpha[i];
        }
        double lml = -0.5 * quad - 0.5 * logDet(k) - 0.5 * n * Math.log(2 * Math.PI);
        assertEquals(lml, gp.logMarginalLikelihood(), 1e-10);
        double[] theta = FIXED.toParameters(GpPriors.defaults().noiseFloor());
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (y[i] - mean) / std;
        }
        assertEquals(lml, MarginalLikelihood.evaluate(x, z, theta, GpPriors.defaults(), false).logMarginalLikelihood(),
                1e-10);
    }

    @Test
    void standardisationRoundTrips() {
        double[] y = {3.5, -1, 7.25, 0, 2};
        Standardization st = Standardization.of(y);
        double[] z = st.forward(y);
        double m = 0;
        double ss = 0;
        for (double v : z) {
            m += v;
        }
        for (double v : z) {
            ss += v * v;
        }
        assertEquals(0, m / z.length, 1e-14);
        assertEquals(1, ss / (z.length - 1), 1e-14);
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i], st.inverse(z[i]), 1e-14);
        }
        assertEquals(4 * st.std() * st.std(), st.inverseVariance(4), 1e-12);
        // Constant outcomes and a single outcome: std 1, no division by zero.
        assertEquals(1, Standardization.of(new double[] {5, 5, 5}).std());
        assertEquals(1, Standardization.of(new double[] {5}).std());

        // With fixed (standardised-scale) hyperparameters, predictions are affine-equivariant.
        Random rng = new Random(3);
        double[][] x = randomPoints(rng, 6, 2);
        double[] y1 = new double[6];
        double[] y2 = new double[6];
        for (int i = 0; i < 6; i++) {
            y1[i] = Math.cos(4 * x[i][0]) - x[i][1];
            y2[i] = 1000 + 50 * y1[i];
        }
        GaussianProcess g1 = GaussianProcess.withHyperparameters(x, y1, FIXED);
        GaussianProcess g2 = GaussianProcess.withHyperparameters(x, y2, FIXED);
        double[] t = {0.4, 0.6};
        assertEquals(1000 + 50 * g1.predict(t).mean(), g2.predict(t).mean(), 1e-9);
        assertEquals(2500 * g1.predict(t).variance(), g2.predict(t).variance(), 1e-8);
    }

    @Test
    void predictionGradientMatchesFiniteDifferences() {
        Random rng = new Random(5);
        double[][] x = randomPoints(rng, 9, 2);
        double[] y = new double[9];
        for (int i = 0; i < 9; i++) {
            y[i] = Math.sin(6 * x[i][0]) * x[i][1] + 0.05 * rng.nextGaussian();
        }
        GaussianProcess gp = GaussianProcess.withHyperparameters(x, y, FIXED);
        for (int trial = 0; trial < 5; trial++) {
            double[] p = {rng.nextDouble(), rng.nextDouble()};
            GaussianProcess.PredictionGradient g = gp.predictWithGradient(p);
            assertEquals(gp.predict(p).mean(), g.mean(), 1e-12);
            assertEquals(gp.predict(p).variance(), g.variance(), 1e-12);
            double h = 1e-6;
            for (int k = 0; k < 2; k++) {
                double[] a = p.clone();
                double[] b = p.clone();
                a[k] += h;
                b[k] -= h;
                double dm = (gp.predict(a).mean() - gp.predict(b).mean()) / (2 * h);
                double dv = (gp.predict(a).variance() - gp.predict(b).variance()) / (2 * h);
                assertEquals(dm, g.meanGradient()[k], 1e-6 * Math.max(1, Math.abs(dm)), "d mean / dx" + k);
                assertEquals(dv, g.varianceGradient()[k], 1e-6 * Math.max(1, Math.abs(dv)), "d var / dx" + k);
            }
        }
    }

    @Test
    void marginalLikelihoodGradientMatchesFiniteDifferences() {
        Random rng = new Random(8);
        for (int d : new int[] {1, 3}) {
            double[][] x = randomPoints(rng, 12, d);
            double[] z = new double[12];
            for (int i = 0; i < 12; i++) {
                z[i] = Math.sin(3 * x[i][0]) + 0.3 * rng.nextGaussian();
            }
            z = Standardization.of(z).forward(z);
            GpPriors priors = GpPriors.defaults();
            for (int trial = 0; trial < 4; trial++) {
                double[] theta = new double[d + 3];
                for (int k = 0; k < d; k++) {
                    theta[k] = Math.log(0.1 + rng.nextDouble());
                }
                theta[d] = rng.nextGaussian() * 0.5;
                theta[d + 1] = -4 + rng.nextGaussian();
                theta[d + 2] = 0.3 * rng.nextGaussian();
                for (boolean withPrior : new boolean[] {false, true}) {
                    MarginalLikelihood.Evaluation e = MarginalLikelihood.evaluate(x, z, theta, priors, withPrior);
                    for (int k = 0; k < theta.length; k++) {
                        double h = 1e-6;
                        double[] a = theta.clone();
                        double[] b = theta.clone();
                        a[k] += h;
                        b[k] -= h;
                        double fd = (MarginalLikelihood.evaluate(x, z, a, priors, withPrior).value()
                                - MarginalLikelihood.evaluate(x, z, b, priors, withPrior).value()) / (2 * h);
                        assertEquals(fd, e.gradient()[k], 1e-5 * Math.max(1, Math.abs(fd)),
                                "d=" + d + " prior=" + withPrior + " parameter " + k);
                    }
                }
            }
        }
    }

    @Test
    void priorIsTheLogNormalDensity() {
        // log p at θ = log v of LogNormal(μ, σ): −log v − log(σ√(2π)) − (log v − μ)²/(2σ²).
        double v = 0.37;
        double mu = 0.5;
        double sigma = 1.7;
        double expected = -Math.log(v) - Math.log(sigma * Math.sqrt(2 * Math.PI))
                - Math.pow(Math.log(v) - mu, 2) / (2 * sigma * sigma);
        assertEquals(expected, GpPriors.logNormalDensity(Math.log(v), mu, sigma), 1e-14);
        assertEquals(Math.sqrt(2) + 0.5 * Math.log(4), GpPriors.defaults().lengthScaleLoc(4), 1e-15);
    }

    @Test
    void fitLearnsASmoothFunctionAndIsDeterministic() {
        Random rng = new Random(2);
        double[][] x = new SobolDesign(2, 4).points(0, 30);
        double[] y = new double[30];
        for (int i = 0; i < 30; i++) {
            y[i] = Math.sin(4 * x[i][0]) + 0.2 * x[i][1] + 0.01 * rng.nextGaussian();
        }
        GaussianProcess gp = GaussianProcess.fit(x, y, GpFitOptions.defaults().withSeed(9));
        GaussianProcess again = GaussianProcess.fit(x, y, GpFitOptions.defaults().withSeed(9));
        assertEquals(gp.hyperparameters(), again.hyperparameters());
        double worst = 0;
        for (double[] t : new SobolDesign(2, 77).points(0, 50)) {
            worst = Math.max(worst, Math.abs(gp.predict(t).mean() - (Math.sin(4 * t[0]) + 0.2 * t[1])));
        }
        assertTrue(worst < 0.05, "max error " + worst);
        // The second coordinate matters less: a longer length scale.
        double[] ls = gp.hyperparameters().lengthScales();
        assertTrue(ls[1] > ls[0], "length scales " + java.util.Arrays.toString(ls));
        // The fit is at least as good as the prior-mode start.
        double[] theta = gp.hyperparameters().toParameters(GpPriors.defaults().noiseFloor());
        double fitted = MarginalLikelihood.evaluate(x, Standardization.of(y).forward(y), theta, GpPriors.defaults(),
                true).value();
        double[] mode = {Math.sqrt(2) + 0.5 * Math.log(2) - 3, Math.sqrt(2) + 0.5 * Math.log(2) - 3, -1, -5, 0};
        double atMode = MarginalLikelihood.evaluate(x, Standardization.of(y).forward(y), mode, GpPriors.defaults(),
                true).value();
        assertTrue(fitted >= atMode, fitted + " < " + atMode);
    }

    @Test
    void samplesHaveThePosteriorMoments() {
        Random rng = new Random(4);
        double[][] x = randomPoints(rng, 5, 2);
        double[] y = {1, 2, 0.5, -1, 3};
        GaussianProcess gp = GaussianProcess.withHyperparameters(x, y, FIXED);
        double[][] pts = {{0.1, 0.2}, {0.15, 0.25}, {0.9, 0.9}};
        GaussianProcess.JointPosterior post = gp.posterior(pts);
        int count = 40000;
        double[][] s = gp.sample(pts, count, 42);
        assertArrayEquals(s[7], gp.sample(pts, count, 42)[7]);
        for (int a = 0; a < 3; a++) {
            double m = 0;
            for (double[] row : s) {
                m += row[a];
            }
            m /= count;
            double sdA = Math.sqrt(post.covariance()[a][a]);
            assertEquals(post.mean()[a], m, 5 * sdA / Math.sqrt(count));
            for (int b = 0; b < 3; b++) {
                double c = 0;
                for (double[] row : s) {
                    c += (row[a] - post.mean()[a]) * (row[b] - post.mean()[b]);
                }
                c /= count;
                double sdB = Math.sqrt(post.covariance()[b][b]);
                assertEquals(post.covariance()[a][b], c, 0.03 * sdA * sdB + 1e-12, "cov " + a + "," + b);
            }
        }
    }

    @Test
    void choleskyEscalatesJitterForDuplicatePoints() {
        double[][] x = {{0.5, 0.5}, {0.5, 0.5}, {0.2, 0.1}};
        double[] y = {1, 1.1, 0};
        GaussianProcess gp = GaussianProcess.withHyperparameters(x, y,
                new GpHyperparameters(new double[] {0.3, 0.3}, 1, 1e-300, 0));
        assertTrue(gp.factor().jitter() > 0);
        assertTrue(Double.isFinite(gp.predict(new double[] {0.4, 0.4}).mean()));

        double[][] singular = {{1, 1}, {1, 1}};
        Cholesky c = Cholesky.decompose(singular);
        assertTrue(c.jitter() > 0);
        assertThrows(IllegalStateException.class, () -> Cholesky.decompose(new double[][] {{-1, 0}, {0, -1}}));
        double[][] a = {{4, 2, 0.4}, {2, 3, 0.5}, {0.4, 0.5, 2}};
        Cholesky ca = Cholesky.decompose(a);
        double[][] inv = ca.inverse();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int k = 0; k < 3; k++) {
                    s += a[i][k] * inv[k][j];
                }
                assertEquals(i == j ? 1 : 0, s, 1e-14);
            }
        }
        assertArrayEquals(solve(a, new double[] {1, 2, 3}), ca.solve(new double[] {1, 2, 3}), 1e-14);
        assertEquals(logDet(a), ca.logDeterminant(), 1e-14);
    }

    @Test
    void badInputsAreRejectedWithTheProblemNamed() {
        double[][] x = {{0.1, 0.2}, {0.3, 0.4}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.withHyperparameters(x, new double[] {1}, FIXED));
        assertTrue(e.getMessage().contains("2 inputs but 1 outcomes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.fit(x, new double[] {1, Double.NaN}, GpFitOptions.defaults()));
        assertTrue(e.getMessage().contains("outcome 1 is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.fit(new double[][] {{0.1, 0.2}, {0.3}}, new double[] {1, 2}, GpFitOptions.defaults()));
        assertTrue(e.getMessage().contains("input 1 has 1 coordinates, expected 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.fit(new double[][] {{0.1, Double.POSITIVE_INFINITY}}, new double[] {1},
                        GpFitOptions.defaults()));
        assertTrue(e.getMessage().contains("input 0 coordinate 1 is Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GaussianProcess.withHyperparameters(x,
                new double[] {1, 2}, new GpHyperparameters(new double[] {1}, 1, 0.1, 0)));
        assertTrue(e.getMessage().contains("1 length scales"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcess.fit(new double[0][], new double[0], GpFitOptions.defaults()));
        assertTrue(e.getMessage().contains("at least one observation"), e.getMessage());
        GaussianProcess gp = GaussianProcess.withHyperparameters(x, new double[] {1, 2}, FIXED);
        e = assertThrows(IllegalArgumentException.class, () -> gp.predict(new double[] {0.1}));
        assertTrue(e.getMessage().contains("point has 1 coordinates, the GP has 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GpHyperparameters(new double[] {-1}, 1, 0.1, 0));
        assertTrue(e.getMessage().contains("lengthScales[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GpFitOptions(0, 10, GpPriors.defaults(), 0));
        assertTrue(e.getMessage().contains("restarts"), e.getMessage());
    }
}
