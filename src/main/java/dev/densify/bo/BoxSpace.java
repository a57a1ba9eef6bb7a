package dev.densify.bo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * A box of {@link BoxDimension}s. Unit coordinates and GP features are the same: each
 * coordinate rescaled to [0, 1] (in log(value) for logarithmic dimensions). A point is accepted
 * when each coordinate is within 1e-9 × its interval's width of the interval.
 */
public final class BoxSpace implements SearchSpace {

    private final List<BoxDimension> dimensions;
    private final List<String> names;

    public BoxSpace(List<BoxDimension> dimensions) {
        if (dimensions == null || dimensions.isEmpty()) {
            throw new IllegalArgumentException("a box needs at least one dimension");
        }
        HashSet<String> seen = new HashSet<>();
        List<String> n = new ArrayList<>();
        for (BoxDimension d : dimensions) {
            if (d == null) {
                throw new IllegalArgumentException("box dimensions must not be null");
            }
            if (!seen.add(d.name())) {
                throw new IllegalArgumentException("duplicate dimension name '" + d.name() + "'");
            }
            n.add(d.name());
        }
        this.dimensions = List.copyOf(dimensions);
        this.names = List.copyOf(n);
    }

    /** The unit cube [0, 1]^d with coordinates named x0, x1, … */
    public static BoxSpace unitCube(int d) {
        if (d < 1) {
            throw new IllegalArgumentException("a box needs at least one dimension, got " + d);
        }
        List<BoxDimension> dims = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            dims.add(BoxDimension.linear("x" + i, 0, 1));
        }
        return new BoxSpace(dims);
    }

    public List<BoxDimension> boxDimensions() {
        return dimensions;
    }

    @Override
    public int dimension() {
        return dimensions.size();
    }

    @Override
    public int pointDimension() {
        return dimensions.size();
    }

    @Override
    public int featureDimension() {
        return dimensions.size();
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public double[] fromUnit(double[] u) {
        SearchSpace.checkUnit(u, dimension());
        double[] p = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            p[i] = dimensions.get(i).fromUnit(u[i]);
        }
        return p;
    }

    @Override
    public double[] toUnit(double[] point) {
        checkPoint(point);
        double[] u = new double[point.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = dimensions.get(i).toUnit(point[i]);
        }
        return u;
    }

    @Override
    public double[] features(double[] point) {
        return toUnit(point);
    }

    @Override
    public void checkPoint(double[] point) {
        if (point == null || point.length != dimensions.size()) {
            throw new IllegalArgumentException("box point has " + (point == null ? 0 : point.length)
                    + " coordinates, expected " + dimensions.size() + " " + names);
        }
        for (int i = 0; i < point.length; i++) {
            BoxDimension d = dimensions.get(i);
            double v = point[i];
            double tol = 1e-9 * (d.upper() - d.lower());
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("coordinate '" + d.name() + "' is " + v);
            }
            if (v < d.lower() - tol || v > d.upper() + tol) {
                throw new IllegalArgumentException("coordinate '" + d.name() + "' = " + v + " is outside ["
                        + d.lower() + ", " + d.upper() + "]");
            }
        }
    }

    @Override
    public String toString() {
        return "BoxSpace" + dimensions;
    }
}
