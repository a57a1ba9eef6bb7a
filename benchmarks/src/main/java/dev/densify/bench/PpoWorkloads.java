package dev.densify.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.model.AdamOptions;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.Generation;
import dev.densify.model.GenerationOptions;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;
import dev.densify.model.PolicyOutput;
import dev.densify.model.RewardModel;
import dev.densify.model.TokenBatch;
import dev.densify.rl.KlEstimator;
import dev.densify.rl.PpoConfig;
import dev.densify.rl.PpoOptions;
import dev.densify.rl.PpoStats;
import dev.densify.rl.PpoStep;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The PPO workloads of {@code benchmarks/compare} ({@code ppo_rollout}, {@code ppo_update}) for
 * {@link Worker}, and the operations {@link PpoStepBenchmark} times.
 *
 * <ul>
 *   <li>rollout: {@link Policy#generate} with the KV cache, then a {@link Policy#forward} of the
 *       policy (token log-probs and values), one of the frozen reference (token log-probs) and
 *       {@link RewardModel#score} of every prompt + response — the rollout phase of PPO as TRL runs
 *       it (densify's own rollouts generate and score; its PPO step recomputes the log-probs);</li>
 *   <li>update: one {@link PpoStep#run} (native {@code dfy_ppo_step}) from the same weights and a
 *       new Adam state every call; the copy of the initial weights and the new optimizer are made
 *       in {@link Worker.Workload#prepare}, outside the timed call.</li>
 * </ul>
 *
 * Inputs files are written by {@code python/compare_ppo.py}; see benchmarks/README.md.
 */
final class PpoWorkloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PpoWorkloads() {
    }

    /** One rollout batch: the sequences (prompt + response), the forwards' outputs and the scores. */
    record Rollout(Generation generation, int[][] sequences, PolicyOutput policy, PolicyOutput reference,
                   float[] scores) {
    }

    /** Generation, then the policy's, the reference's and the reward model's forwards over the sequences. */
    static Rollout collect(Policy policy, Policy reference, RewardModel reward, int[][] prompts,
                           GenerationOptions options) {
        Generation g = policy.generate(prompts, options);
        int[][] sequences = new int[prompts.length][];
        for (int b = 0; b < prompts.length; b++) {
            sequences[b] = Arrays.copyOf(prompts[b], prompts[b].length + g.lengths()[b]);
            System.arraycopy(g.tokens()[b], 0, sequences[b], prompts[b].length, g.lengths()[b]);
        }
        return forwards(g, sequences, policy, reference, reward);
    }

    private static Rollout forwards(Generation g, int[][] sequences, Policy policy, Policy reference,
                                    RewardModel reward) {
        TokenBatch batch = TokenBatch.rightPadded(sequences, 0);
        PolicyOutput out = policy.forward(batch, new ForwardOutputs(false, true, true));
        PolicyOutput ref = reference.forward(batch, ForwardOutputs.TOKEN_LOGPROBS);
        float[] scores = reward.score(batch);
        return new Rollout(g, sequences, out, ref, scores);
    }

    /**
     * Per-token rewards shaped as {@code DenseRewardShaper} makes them: per row a score R ~ N(0, 2²)
     * spread over {@code length} tokens by uniform non-negative weights that sum to 1.
     */
    static float[][] shapedRewards(long seed, int rows, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[rows][length];
        for (float[] row : out) {
            double score = 2.0 * gaussian(random);
            double[] w = new double[length];
            double total = 0;
            for (int t = 0; t < length; t++) {
                w[t] = random.nextDouble();
                total += w[t];
            }
            for (int t = 0; t < length; t++) {
                row[t] = (float) (score * w[t] / total);
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble(Double.MIN_VALUE, 1.0);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** PpoConfig's defaults as step options, with beta fixed at the initial KL coefficient. */
    static PpoOptions defaultOptions(int epochs, int minibatchSize, long seed) {
        PpoConfig c = PpoConfig.defaults();
        return new PpoOptions(c.gamma(), c.lam(), c.clipRange(), c.clipRangeValue(), c.vfCoef(), c.entropyCoef(),
                c.initKlCoef(), c.klEstimator(), c.whitenAdvantages(), epochs, minibatchSize, seed);
    }

    /** PpoConfig's default Adam (learning rate, betas, eps, gradient clipping). */
    static AdamOptions defaultAdam() {
        PpoConfig c = PpoConfig.defaults();
        return AdamOptions.defaults().withLearningRate(c.learningRate()).withBetas(c.adamBeta1(), c.adamBeta2())
                .withEps(c.adamEps()).withMaxGradNorm(c.maxGradNorm());
    }

    // ---------------------------------------------------------------------------------------------
    // Worker workloads

    static Worker.Workload rollout(Path checkpoint, JsonNode inputs, String device) {
        return new RolloutWorkload(checkpoint, inputs, device);
    }

    static Worker.Workload update(Path checkpoint, JsonNode inputs, String device) {
        return new UpdateWorkload(checkpoint, inputs, device);
    }

    private static final class RolloutWorkload implements Worker.Workload {
        private final Policy policy;
        private final Policy reference;
        private final RewardModel reward;
        private final int[][] prompts;
        private final GenerationOptions timed;
        private final int[][] checkSequences;
        private final int[] checkStarts;

        RolloutWorkload(Path checkpoint, JsonNode inputs, String device) {
            Policy p = null;
            Policy r = null;
            try {
                p = Policy.load(checkpoint, device);
                r = Policy.load(Path.of(text(inputs, "reference_checkpoint")), device);
                this.reward = RewardModel.load(Path.of(text(inputs, "reward_checkpoint")), device);
            } catch (RuntimeException e) {
                closeAll(p, r);
                throw e;
            }
            this.policy = p;
            this.reference = r;
            this.prompts = matrix(inputs.get("prompts"), "prompts");
            this.timed = GenerationOptions.defaults()
                    .withMaxNewTokens(inputs.path("max_new_tokens").asInt(32))
                    .withTemperature(inputs.path("temperature").asDouble(1.0))
                    .withSeed(inputs.path("seed").asLong(0))
                    .withUseCache(true);
            JsonNode c = inputs.path("check");
            this.checkSequences = c.has("sequences") ? matrix(c.get("sequences"), "check.sequences") : null;
            this.checkStarts = c.has("response_start") ? vector(c.get("response_start"), "check.response_start") : null;
        }

        @Override
        public void run() {
            collect(policy, reference, reward, prompts, timed);
        }

        @Override
        public ObjectNode outputs() {
            ObjectNode o = JSON.createObjectNode();
            Rollout greedy = collect(policy, reference, reward, prompts, timed.greedy());
            ArrayNode ids = o.putArray("greedy_ids");
            int[] starts = new int[prompts.length];
            int[] lengths = greedy.generation().lengths();
            for (int b = 0; b < prompts.length; b++) {
                starts[b] = prompts[b].length;
                ArrayNode row = ids.addArray();
                for (int j = 0; j < lengths[b]; j++) {
                    row.add(greedy.generation().tokens()[b][j]);
                }
            }
            put(o, "greedy_", greedy, starts, lengths);
            if (checkSequences != null) {
                Rollout check = forwards(null, checkSequences, policy, reference, reward);
                int[] checkLengths = new int[checkSequences.length];
                for (int b = 0; b < checkSequences.length; b++) {
                    checkLengths[b] = checkSequences[b].length - checkStarts[b];
                }
                put(o, "", check, checkStarts, checkLengths);
            }
            return o;
        }

        private static void put(ObjectNode o, String prefix, Rollout r, int[] starts, int[] lengths) {
            o.set(prefix + "logprobs", actions(r.policy().tokenLogprobs(), starts, lengths));
            o.set(prefix + "values", actions(r.policy().values(), starts, lengths));
            o.set(prefix + "ref_logprobs", actions(r.reference().tokenLogprobs(), starts, lengths));
            ArrayNode scores = o.putArray(prefix + "scores");
            for (float s : r.scores()) {
                scores.add(s);
            }
        }

        @Override
        public void close() {
            closeAll(policy, reference, reward);
        }
    }

    private static final class UpdateWorkload implements Worker.Workload {
        private final String device;
        private final Policy initial;
        private final Policy reference;
        private final AdamOptions adam;
        private final PpoOptions options;
        private final Batch batch;
        private final Batch check;
        private Policy policy;
        private Optimizer optimizer;

        /** Rollouts as PpoStep takes them. */
        private record Batch(int[][] sequences, int[] starts, float[][] rewards) {
            static Batch of(JsonNode part, String name) {
                return new Batch(matrix(part.get("sequences"), name + ".sequences"),
                        vector(part.get("response_start"), name + ".response_start"),
                        floats(part.get("rewards"), name + ".rewards"));
            }
        }

        UpdateWorkload(Path checkpoint, JsonNode inputs, String device) {
            this.device = device;
            JsonNode o = inputs.get("options");
            JsonNode a = inputs.get("adam");
            if (o == null || a == null) {
                throw new IllegalArgumentException("inputs: 'options' and 'adam' are required");
            }
            this.options = new PpoOptions(o.path("gamma").asDouble(), o.path("lam").asDouble(),
                    o.path("clip_range").asDouble(), o.path("clip_range_value").asDouble(),
                    o.path("value_coef").asDouble(), o.path("entropy_coef").asDouble(), o.path("kl_coef").asDouble(),
                    KlEstimator.parse(o.path("kl_estimator").asText()), o.path("whiten_advantages").asBoolean(),
                    o.path("epochs").asInt(), o.path("minibatch_size").asInt(), o.path("seed").asLong());
            this.adam = AdamOptions.defaults().withLearningRate(a.path("learning_rate").asDouble())
                    .withBetas(a.path("beta1").asDouble(), a.path("beta2").asDouble())
                    .withEps(a.path("eps").asDouble()).withMaxGradNorm(a.path("max_grad_norm").asDouble());
            this.batch = Batch.of(inputs, "inputs");
            this.check = inputs.has("check") ? Batch.of(inputs.get("check"), "check") : null;
            Policy p = null;
            try {
                p = Policy.load(checkpoint, device);
                this.reference = Policy.load(Path.of(text(inputs, "reference_checkpoint")), device);
            } catch (RuntimeException e) {
                closeAll(p);
                throw e;
            }
            this.initial = p;
            prepare();
        }

        /** Untimed: a copy of the initial weights and a new Adam (step 0, zero moments). */
        @Override
        public void prepare() {
            closeAll(optimizer, policy);
            optimizer = null;
            policy = initial.copy(device);
            optimizer = Optimizer.adam(policy, adam);
        }

        private PpoStats step(Batch b, PpoOptions o) {
            return PpoStep.run(policy, reference, optimizer, b.sequences(), b.starts(), b.rewards(), o);
        }

        @Override
        public void run() {
            step(batch, options);
        }

        /**
         * From the initial weights: one step of one epoch with one minibatch = the whole check batch
         * (every statistic but {@code lossAfter} computed before any update), the updated policy's
         * log-probs and values on that batch, then a step with the timed options (epochs x minibatches;
         * the policy now differs from the reference, so the KL terms are not 0, and ratios != 1).
         */
        @Override
        public ObjectNode outputs() {
            if (check == null) {
                throw new IllegalArgumentException("inputs have no 'check' batch");
            }
            prepare();
            ObjectNode out = JSON.createObjectNode();
            out.set("stats", stats(step(check, new PpoOptions(options.gamma(), options.lam(), options.clipRange(),
                    options.clipRangeValue(), options.valueCoef(), options.entropyCoef(), options.klCoef(),
                    options.klEstimator(), options.whitenAdvantages(), 1, check.sequences().length,
                    options.seed()))));
            PolicyOutput after = policy.forward(TokenBatch.rightPadded(check.sequences(), 0),
                    new ForwardOutputs(false, true, true));
            int[] lengths = Arrays.stream(check.rewards()).mapToInt(r -> r.length).toArray();
            out.set("updated_logprobs", actions(after.tokenLogprobs(), check.starts(), lengths));
            out.set("updated_values", actions(after.values(), check.starts(), lengths));
            out.set("stats_second", stats(step(check, options)));
            prepare();
            return out;
        }

        private static ObjectNode stats(PpoStats s) {
            ObjectNode o = JSON.createObjectNode();
            o.put("policy_loss", s.policyLoss());
            o.put("value_loss", s.valueLoss());
            o.put("entropy", s.entropy());
            o.put("approx_kl", s.approxKl());
            o.put("clip_fraction", s.clipFraction());
            o.put("value_clip_fraction", s.valueClipFraction());
            o.put("explained_variance", s.explainedVariance());
            o.put("grad_norm", s.gradNorm());
            o.put("kl_reference", s.klReference());
            o.put("reward", s.reward());
            o.put("loss_before", s.lossBefore());
            o.put("loss_after", s.lossAfter());
            return o;
        }

        @Override
        public void close() {
            closeAll(optimizer, policy, initial, reference);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /** Per row, the entries of x[b] (positions t predicting token t + 1) at [start - 1, start - 1 + length). */
    private static ArrayNode actions(float[][] x, int[] starts, int[] lengths) {
        ArrayNode rows = JSON.createArrayNode();
        for (int b = 0; b < starts.length; b++) {
            ArrayNode row = rows.addArray();
            for (int j = 0; j < lengths[b]; j++) {
                row.add(x[b][starts[b] - 1 + j]);
            }
        }
        return rows;
    }

    private static void closeAll(AutoCloseable... handles) {
        for (AutoCloseable h : handles) {
            if (h != null) {
                try {
                    h.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("inputs: missing string field '" + key + "'");
        }
        return v.asText();
    }

    private static int[] vector(JsonNode node, String name) {
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException("inputs: '" + name + "' must be an array");
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    private static int[][] matrix(JsonNode node, String name) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("inputs: '" + name + "' must be a non-empty array of arrays");
        }
        int[][] rows = new int[node.size()][];
        for (int b = 0; b < rows.length; b++) {
            rows[b] = vector(node.get(b), name + "[" + b + "]");
        }
        return rows;
    }

    private static float[][] floats(JsonNode node, String name) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("inputs: '" + name + "' must be a non-empty array of arrays");
        }
        float[][] rows = new float[node.size()][];
        for (int b = 0; b < rows.length; b++) {
            JsonNode row = node.get(b);
            if (!row.isArray()) {
                throw new IllegalArgumentException("inputs: " + name + "[" + b + "] is not an array");
            }
            rows[b] = new float[row.size()];
            for (int t = 0; t < rows[b].length; t++) {
                rows[b][t] = (float) row.get(t).asDouble();
            }
        }
        return rows;
    }
}
