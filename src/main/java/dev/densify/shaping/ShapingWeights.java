package dev.densify.shaping;

import dev.densify.attribution.AttributionMethod;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Blend weights w on the probability simplex over {@link AttributionMethod}s: every weight finite and
 * non-negative, and their sum 1 within {@link #TOLERANCE}. Components not named weigh 0.
 */
public record ShapingWeights(Map<AttributionMethod, Double> weights) {

    /** How far the sum of the weights may be from 1. */
    public static final double TOLERANCE = 1e-6;

    public ShapingWeights {
        if (weights == null || weights.isEmpty()) {
            throw new IllegalArgumentException("shaping weights must name at least one component");
        }
        EnumMap<AttributionMethod, Double> copy = new EnumMap<>(AttributionMethod.class);
        double sum = 0;
        for (Map.Entry<AttributionMethod, Double> e : weights.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("shaping weights name a null component");
            }
            double w = e.getValue() == null ? Double.NaN : e.getValue();
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("weight of " + e.getKey().id() + " must be finite and >= 0, got " + w);
            }
            copy.put(e.getKey(), w);
            sum += w;
        }
        if (Math.abs(sum - 1) > TOLERANCE) {
            throw new IllegalArgumentException("shaping weights must sum to 1 (the probability simplex), got " + sum);
        }
        weights = Collections.unmodifiableMap(copy);
    }

    /** All weight on one component. */
    public static ShapingWeights only(AttributionMethod component) {
        return new ShapingWeights(Map.of(component, 1.0));
    }

    /**
     * Parses {@code sparse=0.2,shap=0.5,lime=0.2,attention=0.1}.
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    public static ShapingWeights parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("shaping weights are empty (expected e.g. sparse=0.5,shap=0.5)");
        }
        EnumMap<AttributionMethod, Double> map = new EnumMap<>(AttributionMethod.class);
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not of the form component=weight");
            }
            AttributionMethod c = AttributionMethod.parse(part.substring(0, eq));
            if (map.containsKey(c)) {
                throw new IllegalArgumentException("component " + c.id() + " is given twice");
            }
            try {
                map.put(c, Double.parseDouble(part.substring(eq + 1).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight of " + c.id() + " is not a number: '"
                        + part.substring(eq + 1).strip() + "'");
            }
        }
        return new ShapingWeights(map);
    }

    /** The weights by component id (in {@link AttributionMethod}'s order). */
    public Map<String, Double> asMap() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        weights.forEach((c, w) -> out.put(c.id(), w));
        return out;
    }

    /** The weight of a component (0 when not named). */
    public double weight(AttributionMethod component) {
        return weights.getOrDefault(component, 0.0);
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(",");
        weights.forEach((c, w) -> j.add(c.id() + "=" + w));
        return j.toString();
    }
}
