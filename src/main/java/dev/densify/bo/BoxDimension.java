package dev.densify.bo;

/**
 * One coordinate of a {@link BoxSpace}: a closed interval, on a linear or logarithmic scale
 * (a learning rate, a KL coefficient).
 *
 * @param name        non-blank
 * @param lower       finite, {@code < upper}; {@code > 0} on a log scale
 * @param upper       finite
 * @param logarithmic whether unit coordinates and GP features are linear in log(value)
 */
public record BoxDimension(String name, double lower, double upper, boolean logarithmic) {

    public BoxDimension {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("dimension name must be non-blank");
        }
        if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
            throw new IllegalArgumentException("dimension '" + name + "' needs finite lower < upper, got ["
                    + lower + ", " + upper + "]");
        }
        if (logarithmic && !(lower > 0)) {
            throw new IllegalArgumentException("logarithmic dimension '" + name + "' needs lower > 0, got " + lower);
        }
    }

    public static BoxDimension linear(String name, double lower, double upper) {
        return new BoxDimension(name, lower, upper, false);
    }

    public static BoxDimension log(String name, double lower, double upper) {
        return new BoxDimension(name, lower, upper, true);
    }

    double fromUnit(double u) {
        if (logarithmic) {
            double v = Math.exp(Math.log(lower) + u * (Math.log(upper) - Math.log(lower)));
            return Math.min(upper, Math.max(lower, v));
        }
        return Math.min(upper, Math.max(lower, lower + u * (upper - lower)));
    }

    double toUnit(double v) {
        double u = logarithmic
                ? (Math.log(v) - Math.log(lower)) / (Math.log(upper) - Math.log(lower))
                : (v - lower) / (upper - lower);
        return Math.min(1, Math.max(0, u));
    }
}
