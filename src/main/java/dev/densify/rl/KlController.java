package dev.densify.rl;

/**
 * The KL coefficient β: fixed, or adapted towards a target KL as in Ziegler et al. (and TRL's
 * {@code AdaptiveKLController}): β ← β · (1 + clip(KL/target − 1, ±0.2) · n / horizon).
 * Not thread-safe.
 */
public final class KlController {

    private final boolean adaptive;
    private final double target;
    private final double horizon;
    private double value;

    private KlController(double value, boolean adaptive, double target, double horizon) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException("initial KL coefficient must be finite and >= 0, got " + value);
        }
        if (adaptive && (!(target > 0) || !(horizon > 0))) {
            throw new IllegalArgumentException("adaptive KL needs target > 0 and horizon > 0, got " + target + ", " + horizon);
        }
        this.value = value;
        this.adaptive = adaptive;
        this.target = target;
        this.horizon = horizon;
    }

    public static KlController fixed(double value) {
        return new KlController(value, false, 0, 0);
    }

    public static KlController adaptive(double initial, double target, double horizon) {
        return new KlController(initial, true, target, horizon);
    }

    public double value() {
        return value;
    }

    /** Restores a value (from a checkpoint). */
    public void set(double restored) {
        if (!Double.isFinite(restored) || restored < 0) {
            throw new IllegalArgumentException("KL coefficient must be finite and >= 0, got " + restored);
        }
        value = restored;
    }

    /**
     * Updates β after a step.
     *
     * @param kl     the step's mean per-sequence KL to the reference
     * @param batch  sequences in the step
     */
    public void update(double kl, int batch) {
        if (!adaptive || !Double.isFinite(kl)) {
            return;
        }
        double error = Math.max(-0.2, Math.min(0.2, kl / target - 1));
        value *= 1 + error * batch / horizon;
    }
}
