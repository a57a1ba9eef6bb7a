package dev.densify.study;

import java.util.List;
import java.util.Locale;

/** Which number of a {@link TrialOutcome} the study maximises. */
public enum ObjectiveKind {
    /** {@link TrialOutcome#objective()}: the trained policy's final held-out score. */
    FINAL,
    /**
     * The normalised area under {@link TrialOutcome#learningCurve()}: the trapezoidal area over
     * equally spaced evaluations divided by their span (the curve's mean height, in score units;
     * one point: that point). Rewards learning fast as well as well.
     */
    AREA_UNDER_CURVE,
    /**
     * The final score minus c times the final KL divergence to the reference policy
     * ({@code final_kl} of the outcome's metrics, in nats): the reward a policy earns net of how
     * far it moved, c the study's {@code kl_penalty}.
     */
    REWARD_MINUS_KL;

    /** The metric {@link #REWARD_MINUS_KL} subtracts. */
    public static final String FINAL_KL = "final_kl";

    /** The lower-case name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code final}, {@code area_under_curve} (or {@code auc}), {@code reward_minus_kl}, any case. */
    public static ObjectiveKind parse(String text) {
        if (text != null) {
            String t = text.strip().toLowerCase(Locale.ROOT).replace('-', '_');
            if (t.equals("auc")) {
                return AREA_UNDER_CURVE;
            }
            for (ObjectiveKind k : values()) {
                if (k.id().equals(t)) {
                    return k;
                }
            }
        }
        throw new IllegalArgumentException("unknown objective '" + text
                + "' (known: final, area_under_curve (auc), reward_minus_kl)");
    }

    /**
     * The value of an outcome under this kind.
     *
     * @param klPenalty c of {@link #REWARD_MINUS_KL} (ignored by the others)
     * @throws IllegalArgumentException when it is not finite, the curve is empty (AUC) or the
     *                                  outcome has no finite {@value #FINAL_KL} (reward − c·KL)
     */
    public double value(TrialOutcome outcome, double klPenalty) {
        return switch (this) {
            case FINAL -> finite(outcome.objective());
            case AREA_UNDER_CURVE -> normalisedArea(outcome.learningCurve());
            case REWARD_MINUS_KL -> {
                Double kl = outcome.metrics().get(FINAL_KL);
                if (kl == null || !Double.isFinite(kl)) {
                    throw new IllegalArgumentException("reward_minus_kl needs the outcome's " + FINAL_KL + ", got " + kl);
                }
                yield finite(outcome.objective()) - klPenalty * kl;
            }
        };
    }

    private static double finite(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("the objective returned a non-finite score: " + v);
        }
        return v;
    }

    /** Trapezoidal area of a curve over unit spacing, divided by its span; one point: itself. */
    static double normalisedArea(List<Double> curve) {
        if (curve.isEmpty()) {
            throw new IllegalArgumentException("area_under_curve needs a learning curve, the objective returned none");
        }
        for (int i = 0; i < curve.size(); i++) {
            Double y = curve.get(i);
            if (y == null || !Double.isFinite(y)) {
                throw new IllegalArgumentException("learning curve point " + i + " is not finite: " + y);
            }
        }
        if (curve.size() == 1) {
            return curve.get(0);
        }
        double area = 0;
        for (int i = 1; i < curve.size(); i++) {
            area += 0.5 * (curve.get(i - 1) + curve.get(i));
        }
        return area / (curve.size() - 1);
    }
}
