package dev.densify.bo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;

/**
 * The concatenation of search spaces, e.g. blend weights on a simplex together with a box of
 * a log KL coefficient and a log learning rate: points, unit coordinates and features are the
 * parts' concatenated in order. Names must be distinct across parts.
 */
public final class ProductSpace implements SearchSpace {

    private final List<SearchSpace> parts;
    private final List<String> names;
    private final int dimension;
    private final int pointDimension;
    private final int featureDimension;

    public ProductSpace(List<SearchSpace> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("a product needs at least one part");
        }
        List<String> n = new ArrayList<>();
        HashSet<String> seen = new HashSet<>();
        int dim = 0;
        int pdim = 0;
        int fdim = 0;
        for (SearchSpace p : parts) {
            if (p == null) {
                throw new IllegalArgumentException("parts must not be null");
            }
            for (String name : p.names()) {
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("duplicate coordinate name '" + name + "'");
                }
                n.add(name);
            }
            dim += p.dimension();
            pdim += p.pointDimension();
            fdim += p.featureDimension();
        }
        this.parts = List.copyOf(parts);
        this.names = List.copyOf(n);
        this.dimension = dim;
        this.pointDimension = pdim;
        this.featureDimension = fdim;
    }

    public static ProductSpace of(SearchSpace... parts) {
        return new ProductSpace(Arrays.asList(parts));
    }

    public List<SearchSpace> parts() {
        return parts;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int pointDimension() {
        return pointDimension;
    }

    @Override
    public int featureDimension() {
        return featureDimension;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public double[] fromUnit(double[] u) {
        SearchSpace.checkUnit(u, dimension);
        return perPart(u, SearchSpace::dimension, SearchSpace::pointDimension, pointDimension, SearchSpace::fromUnit);
    }

    @Override
    public double[] toUnit(double[] point) {
        checkLength(point);
        return perPart(point, SearchSpace::pointDimension, SearchSpace::dimension, dimension, SearchSpace::toUnit);
    }

    @Override
    public double[] features(double[] point) {
        checkLength(point);
        return perPart(point, SearchSpace::pointDimension, SearchSpace::featureDimension, featureDimension,
                SearchSpace::features);
    }

    /** Applies {@code map} to each part's slice of {@code in} and concatenates the results. */
    private double[] perPart(double[] in, ToIntFunction<SearchSpace> inLength, ToIntFunction<SearchSpace> outLength,
                             int total, BiFunction<SearchSpace, double[], double[]> map) {
        double[] out = new double[total];
        int i = 0;
        int o = 0;
        for (SearchSpace p : parts) {
            double[] part = map.apply(p, Arrays.copyOfRange(in, i, i + inLength.applyAsInt(p)));
            System.arraycopy(part, 0, out, o, part.length);
            i += inLength.applyAsInt(p);
            o += outLength.applyAsInt(p);
        }
        return out;
    }

    @Override
    public void checkPoint(double[] point) {
        checkLength(point);
        int pi = 0;
        for (SearchSpace p : parts) {
            p.checkPoint(Arrays.copyOfRange(point, pi, pi + p.pointDimension()));
            pi += p.pointDimension();
        }
    }

    private void checkLength(double[] point) {
        if (point == null || point.length != pointDimension) {
            throw new IllegalArgumentException("point has " + (point == null ? 0 : point.length)
                    + " coordinates, expected " + pointDimension + " " + names);
        }
    }

    @Override
    public String toString() {
        return "ProductSpace" + parts;
    }
}
