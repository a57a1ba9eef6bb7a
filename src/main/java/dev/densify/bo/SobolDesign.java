package dev.densify.bo;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Quasi-random points in the unit cube [0, 1)^d: the Sobol sequence of Commons Math's
 * {@link SobolSequenceGenerator} (Joe–Kuo direction numbers, up to {@value #MAX_DIMENSION}
 * dimensions) with a random digital shift: each coordinate, a 52-bit binary fraction, is XORed
 * with a random 52-bit mask drawn from a Well19937c generator seeded with {@code seed}. The
 * shift keeps the net structure of the sequence (its stratification) while different seeds give
 * different point sets; BoTorch uses Owen scrambling for the same purpose. Immutable.
 */
public final class SobolDesign {

    /** The largest dimension Commons Math's direction numbers cover. */
    public static final int MAX_DIMENSION = 1000;
    private static final int BITS = 52;
    private static final double SCALE = Math.pow(2, BITS);

    private final int dimension;
    private final long[] masks;

    /**
     * @param dimension in [1, {@value #MAX_DIMENSION}]
     * @param seed      selects the digital shift
     */
    public SobolDesign(int dimension, long seed) {
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException("Sobol dimension must be in [1, " + MAX_DIMENSION + "], got " + dimension);
        }
        this.dimension = dimension;
        this.masks = new long[dimension];
        RandomGenerator rng = new Well19937c(seed);
        for (int i = 0; i < dimension; i++) {
            masks[i] = rng.nextLong() & ((1L << BITS) - 1);
        }
    }

    public int dimension() {
        return dimension;
    }

    /** The points with indices {@code start .. start + count − 1}, each in [0, 1)^d. */
    public double[][] points(int start, int count) {
        if (start < 0 || count < 0) {
            throw new IllegalArgumentException("start and count must be >= 0, got " + start + " and " + count);
        }
        double[][] out = new double[count][];
        if (count == 0) {
            return out;
        }
        SobolSequenceGenerator gen = new SobolSequenceGenerator(dimension);
        double[] raw = gen.skipTo(start);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                raw = gen.nextVector();
            }
            double[] p = new double[dimension];
            for (int k = 0; k < dimension; k++) {
                long bits = (long) (raw[k] * SCALE);
                p[k] = (bits ^ masks[k]) / SCALE;
            }
            out[i] = p;
        }
        return out;
    }

    /**
     * {@code count} quasi-random standard-normal vectors of length {@code dimension}: shifted
     * Sobol points mapped through the inverse normal CDF (uniforms clamped to [1e-10, 1 − 1e-10]),
     * as BoTorch's {@code SobolQMCNormalSampler}. Above {@value #MAX_DIMENSION} dimensions,
     * pseudo-random normals of a Well19937c generator seeded with {@code seed}.
     */
    public static double[][] standardNormal(int count, int dimension, long seed) {
        if (count < 1 || dimension < 1) {
            throw new IllegalArgumentException("count and dimension must be >= 1, got " + count + " and " + dimension);
        }
        double[][] out = new double[count][];
        if (dimension > MAX_DIMENSION) {
            RandomGenerator rng = new Well19937c(seed);
            for (int s = 0; s < count; s++) {
                double[] z = new double[dimension];
                for (int k = 0; k < dimension; k++) {
                    z[k] = rng.nextGaussian();
                }
                out[s] = z;
            }
            return out;
        }
        double[][] u = new SobolDesign(dimension, seed).points(0, count);
        for (int s = 0; s < count; s++) {
            double[] z = u[s];
            for (int k = 0; k < dimension; k++) {
                z[k] = NormalFunctions.inverseCdf(Math.min(1 - 1e-10, Math.max(1e-10, z[k])));
            }
            out[s] = z;
        }
        return out;
    }
}
