package dev.densify.model;

/**
 * How {@link Policy#generate} samples. Immutable; validated on construction (messages name the
 * option). Derive variants with the {@code with*} methods from {@link #defaults()}.
 *
 * @param maxNewTokens tokens to generate per prompt, &gt;= 1
 * @param temperature  0 = greedy; otherwise finite and &gt; 0
 * @param topK         keep the k most likely tokens; 0 = off
 * @param topP         nucleus sampling mass in (0, 1]; 1 = off
 * @param stopToken    a sequence ends after emitting it; -1 = none
 * @param padToken     written after a sequence has stopped
 * @param seed         seeds the sampler; same seed, build and device give the same tokens
 * @param useCache     use the key/value cache (false recomputes the whole sequence each step)
 */
public record GenerationOptions(int maxNewTokens, double temperature, int topK, double topP, int stopToken,
                                int padToken, long seed, boolean useCache) {

    public GenerationOptions {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        if (!Double.isFinite(temperature) || temperature < 0) {
            throw new IllegalArgumentException("temperature must be finite and >= 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = off), got " + topP);
        }
        if (stopToken < -1) {
            throw new IllegalArgumentException("stopToken must be a token id or -1 (none), got " + stopToken);
        }
        if (padToken < 0) {
            throw new IllegalArgumentException("padToken must be a token id (>= 0), got " + padToken);
        }
    }

    /** 16 new tokens, temperature 1, no top-k/top-p, no stop token, pad 0, seed 0, KV cache on. */
    public static GenerationOptions defaults() {
        return new GenerationOptions(16, 1.0, 0, 1.0, -1, 0, 0L, true);
    }

    public GenerationOptions withMaxNewTokens(int maxNewTokens) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, useCache);
    }

    public GenerationOptions withTemperature(double temperature) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, useCache);
    }

    public GenerationOptions withTopK(int topK) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, useCache);
    }

    public GenerationOptions withTopP(double topP) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, useCache);
    }

    public GenerationOptions withStopToken(int stopToken) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, useCache);
    }

    public GenerationOptions withPadToken(int padToken) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, useCache);
    }

    public GenerationOptions withSeed(long seed) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, useCache);
    }

    public GenerationOptions withUseCache(boolean useCache) {
        return new GenerationOptions(maxNewTokens, temperature, topK, topP, stopToken, padToken, seed, useCache);
    }

    /** Greedy decoding (temperature 0). */
    public GenerationOptions greedy() {
        return withTemperature(0);
    }
}
