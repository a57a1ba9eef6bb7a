package dev.densify.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.attribution.FeatureSelection;
import dev.densify.engine.ComputeDtype;
import dev.densify.engine.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a PPO run needs besides the shaping weights, named after TRL's {@code PPOConfig}
 * where a knob exists there. Validated on construction, so a bad configuration fails before
 * any work starts.
 *
 * @param steps              PPO steps (rollout + update), ≥ 1
 * @param batchSize          prompts (rollouts) per step
 * @param minibatchSize      rollouts per gradient update; divides batchSize
 * @param ppoEpochs          passes over each batch
 * @param learningRate       Adam learning rate
 * @param adamBeta1          Adam β1
 * @param adamBeta2          Adam β2
 * @param adamEps            Adam ε
 * @param maxGradNorm        global gradient-norm clipping (0 = off)
 * @param gamma              discount, in [0, 1]
 * @param lam                GAE λ, in [0, 1]
 * @param clipRange          policy ratio clip ε
 * @param clipRangeValue     value clip around the old values
 * @param vfCoef             value-loss coefficient
 * @param entropyCoef        entropy bonus coefficient
 * @param initKlCoef         initial β of the per-token KL penalty
 * @param adaptiveKl         adapt β towards {@code klTarget} over {@code klHorizon}
 * @param klTarget           target KL per sequence (adaptive only)
 * @param klHorizon          horizon in rollouts (adaptive only)
 * @param klEstimator        k1 or k3
 * @param whitenAdvantages   whiten advantages per batch
 * @param maxNewTokens       generation length limit
 * @param temperature        sampling temperature of rollouts
 * @param topK               top-k of rollouts (0 = off)
 * @param topP               top-p of rollouts (1 = off)
 * @param shapSamples        KernelSHAP coalitions per response
 * @param shapSelection      KernelSHAP feature selection ({@link FeatureSelection}; JSON: "none",
 *                           "auto", "aic", "bic" or "top:K"): tokens left out get no dense reward
 *                           from SHAP
 * @param limeSamples        LIME perturbations per response
 * @param maxBatchTokens     memory budget of one attribution forward; {@code
 *                           AttributionOptions.AUTO_MAX_BATCH_TOKENS} (9223372036854775807): budgets from
 *                           the devices' free memory for attribution and for the PPO update's
 *                           forwards and backwards (micro-batches with accumulated gradients)
 * @param trainingDtype      matrix products of the PPO update's forwards and backwards: "float32"
 *                           (default), "bfloat16", or "float16" (CUDA); weights, gradients, Adam's
 *                           state, log-softmax, the value head and the losses stay float32
 * @param validationEvery    steps between validations (the last step is always validated)
 * @param validationPrompts  held-out prompts per validation
 * @param seed               every random choice of the run derives from it
 */
public record PpoConfig(int steps, int batchSize, int minibatchSize, int ppoEpochs, double learningRate,
                        double adamBeta1, double adamBeta2, double adamEps, double maxGradNorm, double gamma,
                        double lam, double clipRange, double clipRangeValue, double vfCoef, double entropyCoef,
                        double initKlCoef, boolean adaptiveKl, double klTarget, double klHorizon,
                        KlEstimator klEstimator, boolean whitenAdvantages, int maxNewTokens, double temperature,
                        int topK, double topP, int shapSamples, FeatureSelection shapSelection, int limeSamples,
                        long maxBatchTokens, String trainingDtype,
                        int validationEvery, int validationPrompts, long seed) {


    public PpoConfig {
        positive("steps", steps);
        positive("batchSize", batchSize);
        positive("minibatchSize", minibatchSize);
        if (batchSize % minibatchSize != 0) {
            throw new IllegalArgumentException("batchSize (" + batchSize + ") must be divisible by minibatchSize ("
                    + minibatchSize + ")");
        }
        positive("ppoEpochs", ppoEpochs);
        range("learningRate", learningRate, 0, 1);
        range("adamBeta1", adamBeta1, 0, 0.999999);
        range("adamBeta2", adamBeta2, 0, 0.999999);
        if (!(adamEps > 0) || !Double.isFinite(adamEps)) {
            throw new IllegalArgumentException("adamEps must be finite and > 0, got " + adamEps);
        }
        range("maxGradNorm", maxGradNorm, 0, Double.MAX_VALUE);
        range("gamma", gamma, 0, 1);
        range("lam", lam, 0, 1);
        range("clipRange", clipRange, 1e-9, Double.MAX_VALUE);
        range("clipRangeValue", clipRangeValue, 1e-9, Double.MAX_VALUE);
        range("vfCoef", vfCoef, 0, Double.MAX_VALUE);
        range("entropyCoef", entropyCoef, 0, Double.MAX_VALUE);
        range("initKlCoef", initKlCoef, 0, Double.MAX_VALUE);
        if (adaptiveKl) {
            range("klTarget", klTarget, 1e-12, Double.MAX_VALUE);
            range("klHorizon", klHorizon, 1e-12, Double.MAX_VALUE);
        }
        if (klEstimator == null) {
            throw new IllegalArgumentException("klEstimator is missing (k1 or k3)");
        }
        positive("maxNewTokens", maxNewTokens);
        range("temperature", temperature, 1e-6, 100);
        range("topK", topK, 0, Integer.MAX_VALUE);
        range("topP", topP, 1e-9, 1);
        if (shapSelection == null) {
            throw new IllegalArgumentException("shapSelection is missing (none, auto, aic, bic or top:K)");
        }
        if (shapSamples < 2 || limeSamples < 2) {
            throw new IllegalArgumentException("shapSamples and limeSamples must be >= 2, got " + shapSamples + ", "
                    + limeSamples);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 1, got " + maxBatchTokens);
        }
        if (trainingDtype == null) {
            throw new IllegalArgumentException("trainingDtype is missing (float32, bfloat16 or float16)");
        }
        ComputeDtype.parse(trainingDtype); // a message naming the accepted values
                positive("validationEvery", validationEvery);
        positive("validationPrompts", validationPrompts);
    }

    /** Defaults sized for the built-in reviews task on a CPU (small models: a larger learning rate than TRL's 1.41e-5). */
    public static PpoConfig defaults() {
        return new PpoConfig(100, 16, 4, 4, 2e-4, 0.9, 0.999, 1e-8, 1.0, 1.0, 0.95, 0.2, 0.2, 0.1, 0.0, 0.05,
                true, 6.0, 10_000, KlEstimator.K1, true, 20, 1.0, 0, 1.0, 64, FeatureSelection.none(), 64, 65_536, "float32", 10, 64, 0);
    }

    public PpoConfig withSteps(int n) {
        return with(Map.of("steps", n));
    }

    public PpoConfig withSeed(long s) {
        return with(Map.of("seed", s));
    }

    /** A copy with the named fields replaced (names as the record's components). */
    public PpoConfig with(Map<String, ?> changes) {
        return fromJson(Json.MAPPER.valueToTree(changes), this, "overrides");
    }

    /** This configuration as a JSON object (component names as keys). */
    public ObjectNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }

    /**
     * Reads a JSON object whose keys override {@code base}; an unknown key or a value of the wrong
     * type is an error naming the key and the source.
     */
    public static PpoConfig fromJson(JsonNode json, PpoConfig base, String source) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException(source + ": a PPO configuration must be a JSON object");
        }
        return Json.bind(base.toJson().setAll((ObjectNode) json), PpoConfig.class, source, "PPO");
    }

    /** Reads overrides of the defaults from a JSON file. */
    public static PpoConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("PPO configuration " + file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PPO configuration " + file + ": " + e.getMessage(), e);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The original message, without Jackson's source excerpt and location lines.
            throw new IllegalArgumentException(file + ": not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + "): " + Json.excerpt(e.getOriginalMessage()), e);
        }
        return fromJson(json, defaults(), file.toString());
    }

    /** The native options of one update at step {@code step} with coefficient β. */
    PpoOptions options(double klCoef, long stepSeed) {
        return new PpoOptions(gamma, lam, clipRange, clipRangeValue, vfCoef, entropyCoef, klCoef, klEstimator,
                whitenAdvantages, ppoEpochs, minibatchSize, stepSeed, ComputeDtype.parse(trainingDtype));
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    private static void range(String name, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], got " + value);
        }
    }
}
