package dev.densify.bo;

import java.util.List;

/**
 * Where candidates live, in three coordinate systems:
 * <ul>
 *   <li><b>points</b> — what the user sees and the objective takes (simplex weights, a learning
 *       rate), {@link #pointDimension()} coordinates named by {@link #names()};</li>
 *   <li><b>unit coordinates</b> — the unit cube [0, 1]^{@link #dimension()} that designs and the
 *       acquisition optimiser work in; {@link #fromUnit} maps every unit point to a valid point
 *       (exactly on the simplex, inside the box), {@link #toUnit} is its inverse;</li>
 *   <li><b>features</b> — the GP's inputs, {@link #featureDimension()} coordinates in [0, 1]
 *       (simplex weights as they are, box coordinates rescaled to [0, 1], on a log scale where
 *       the dimension is logarithmic).</li>
 * </ul>
 * Implementations are immutable and thread-safe.
 */
public interface SearchSpace {

    /** Number of unit coordinates (the optimiser's dimension). */
    int dimension();

    /** Number of point coordinates. */
    int pointDimension();

    /** Number of GP inputs. */
    int featureDimension();

    /** Names of the point coordinates, in order. */
    List<String> names();

    /** The point of unit coordinates {@code u} (each in [0, 1]). */
    double[] fromUnit(double[] u);

    /** The unit coordinates of a valid point. */
    double[] toUnit(double[] point);

    /** The GP inputs of a valid point. */
    double[] features(double[] point);

    /**
     * Throws IllegalArgumentException naming the problem unless {@code point} is a valid point
     * (right length, finite, inside the space up to a small tolerance).
     */
    void checkPoint(double[] point);

    /** Unit coordinates must have {@link #dimension()} entries, each finite in [0, 1]. */
    static void checkUnit(double[] u, int dimension) {
        if (u == null || u.length != dimension) {
            throw new IllegalArgumentException("unit point has " + (u == null ? 0 : u.length)
                    + " coordinates, expected " + dimension);
        }
        for (int i = 0; i < u.length; i++) {
            if (!(u[i] >= 0 && u[i] <= 1)) {
                throw new IllegalArgumentException("unit coordinate " + i + " must be in [0, 1], got " + u[i]);
            }
        }
    }
}
