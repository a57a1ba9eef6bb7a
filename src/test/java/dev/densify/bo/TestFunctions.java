package dev.densify.bo;

/** Standard test functions of global optimisation, on the unit cube, to be minimised. */
final class TestFunctions {

    private TestFunctions() {
    }

    /** Branin's minimum value (attained at three points). */
    static final double BRANIN_MIN = 0.397887357729738;
    /** Hartmann-6's minimum value. */
    static final double HARTMANN6_MIN = -3.32236801141551;

    /** Branin on [0, 1]²: x1 = 15u1 − 5 ∈ [−5, 10], x2 = 15u2 ∈ [0, 15]. Range about [0.398, 308]. */
    static double branin(double[] u) {
        double x1 = 15 * u[0] - 5;
        double x2 = 15 * u[1];
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double a = x2 - b * x1 * x1 + c * x1 - 6;
        return a * a + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    private static final double[] ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] A = {
            {10, 3, 17, 3.5, 1.7, 8},
            {0.05, 10, 17, 0.1, 8, 14},
            {3, 3.5, 1.7, 10, 17, 8},
            {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] P = {
            {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
            {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
            {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
            {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

    /** Hartmann-6 on [0, 1]^6. Range about [−3.32, 0]. */
    static double hartmann6(double[] x) {
        double f = 0;
        for (int i = 0; i < 4; i++) {
            double s = 0;
            for (int j = 0; j < 6; j++) {
                double d = x[j] - P[i][j];
                s += A[i][j] * d * d;
            }
            f -= ALPHA[i] * Math.exp(-s);
        }
        return f;
    }

    static final double[] HARTMANN6_ARGMIN = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};
}
