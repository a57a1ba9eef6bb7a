package dev.densify.rl;

import dev.densify.attribution.Attribution;
import dev.densify.attribution.AttributionMethod;
import dev.densify.attribution.AttributionOptions;
import dev.densify.attribution.Attributor;
import dev.densify.attribution.ScoredSequence;
import dev.densify.model.Generation;
import dev.densify.model.GenerationOptions;
import dev.densify.model.Policy;
import dev.densify.shaping.DenseRewardShaper;
import dev.densify.shaping.ShapingWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects rollouts: generate → score → attribute → shape. A response is what the policy
 * generated (the stop token included when it stopped); the reward model and the attributions
 * see it without the stop token, whose credit from attributions is 0 (the sparse component
 * still puts its share on the last generated token).
 */
final class Rollouts {

    private final PpoTask task;
    private final PpoConfig config;
    private final DenseRewardShaper shaper;
    private final Map<AttributionMethod, Attributor> attributors = new EnumMap<>(AttributionMethod.class);

    Rollouts(PpoTask task, PpoConfig config, ShapingWeights weights) {
        this.task = task;
        this.config = config;
        this.shaper = new DenseRewardShaper(weights);
        for (AttributionMethod m : weights.weights().keySet()) {
            if (weights.weight(m) != 0 && m.isAttribution()) {
                if (!task.reward().supports(m)) {
                    throw new IllegalArgumentException(m.id() + " credit needs a reward model's attention; this run's "
                            + "reward is a function: give " + m.id() + " weight 0");
                }
                attributors.put(m, task.reward().attributor(attribution(m)));
            }
        }
    }

    /** The options of a method: the samples, selection and seed of the PPO configuration. */
    private AttributionOptions attribution(AttributionMethod m) {
        AttributionOptions o = AttributionOptions.defaults(m).withBaselineToken(task.baselineToken())
                .withMaxBatchTokens(config.maxBatchTokens());
        return switch (m) {
            case SHAP -> o.withSamples(config.shapSamples()).withSelection(config.shapSelection()).withSeed(config.seed());
            case LIME -> o.withSamples(config.limeSamples()).withSeed(config.seed());
            case ATTENTION, SPARSE -> o;
        };
    }

    /** One batch of rollouts with timings. */
    record Batch(int[][] prompts, int[][] responses, float[] scores, float[][] rewards,
                 Map<AttributionMethod, float[][]> attributions, double generateSeconds, double scoreSeconds,
                 double attributeSeconds) {

        int[][] sequences() {
            int[][] out = new int[prompts.length][];
            for (int i = 0; i < prompts.length; i++) {
                out[i] = concat(prompts[i], responses[i]);
            }
            return out;
        }

        int[] responseStarts() {
            return Arrays.stream(prompts).mapToInt(p -> p.length).toArray();
        }

        long responseTokens() {
            return Arrays.stream(responses).mapToLong(r -> r.length).sum();
        }
    }

    Batch collect(Policy policy, int[][] prompts, long seed) {
        long t0 = System.nanoTime();
        GenerationOptions generation = GenerationOptions.defaults().withMaxNewTokens(config.maxNewTokens())
                .withTemperature(config.temperature()).withTopK(config.topK()).withTopP(config.topP())
                .withStopToken(task.stopToken()).withPadToken(task.padToken()).withSeed(seed).withUseCache(true);
        Generation g = policy.generate(prompts, generation);
        long t1 = System.nanoTime();
        int n = prompts.length;
        int[][] words = new int[n][];
        int[][] scored = new int[n][];
        for (int i = 0; i < n; i++) {
            words[i] = withoutStop(g.tokens()[i]);
            scored[i] = concat(prompts[i], words[i]);
        }
        float[] scores = task.reward().score(scored);
        long t2 = System.nanoTime();
        Map<AttributionMethod, float[][]> attributions = attribute(prompts, words);
        long t3 = System.nanoTime();
        float[][] rewards = new float[n][];
        for (int i = 0; i < n; i++) {
            int length = g.tokens()[i].length;
            Map<AttributionMethod, float[]> perToken = new EnumMap<>(AttributionMethod.class);
            for (Map.Entry<AttributionMethod, float[][]> e : attributions.entrySet()) {
                perToken.put(e.getKey(), Arrays.copyOf(e.getValue()[i], length));  // stop token: 0
            }
            rewards[i] = shaper.shape(scores[i], perToken, length);
        }
        return new Batch(prompts, g.tokens(), scores, rewards, attributions, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (t3 - t2) / 1e9);
    }

    /** Per method, per rollout, one value per response word (empty responses get none). */
    Map<AttributionMethod, float[][]> attribute(int[][] prompts, int[][] words) {
        Map<AttributionMethod, float[][]> out = new EnumMap<>(AttributionMethod.class);
        List<ScoredSequence> sequences = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < prompts.length; i++) {
            if (words[i].length > 0) {
                sequences.add(new ScoredSequence(prompts[i], words[i]));
                rows.add(i);
            }
        }
        for (Map.Entry<AttributionMethod, Attributor> e : attributors.entrySet()) {
            float[][] values = new float[prompts.length][0];
            if (!sequences.isEmpty()) {
                List<Attribution> a = e.getValue().attribute(sequences);
                for (int k = 0; k < rows.size(); k++) {
                    values[rows.get(k)] = a.get(k).values();
                }
            }
            out.put(e.getKey(), values);
        }
        return out;
    }

    int[] withoutStop(int[] response) {
        int n = response.length;
        return n > 0 && response[n - 1] == task.stopToken() ? Arrays.copyOf(response, n - 1) : response;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
