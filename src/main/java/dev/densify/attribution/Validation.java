package dev.densify.attribution;

/** Checks shared by the option records. */
final class Validation {

    private Validation() {
    }

    static void samples(int samples) {
        if (samples < 2 || samples > Attributor.MAX_SAMPLES) {
            throw new IllegalArgumentException("samples must be in [2, " + Attributor.MAX_SAMPLES + "], got " + samples);
        }
    }

    static void baselineToken(int baselineToken) {
        if (baselineToken < 0) {
            throw new IllegalArgumentException("baselineToken must be >= 0, got " + baselineToken);
        }
    }

    static void maxBatchTokens(long maxBatchTokens) {
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 1, got " + maxBatchTokens);
        }
    }
}
