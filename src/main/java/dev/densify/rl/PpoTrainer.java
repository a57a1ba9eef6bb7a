package dev.densify.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.densify.attribution.AttributionMethod;
import dev.densify.engine.DirectoryLock;
import dev.densify.engine.ComputeDtype;
import dev.densify.engine.Densify;
import dev.densify.engine.Json;
import dev.densify.model.AdamOptions;
import dev.densify.model.ForwardOutputs;
import dev.densify.model.Model;
import dev.densify.model.Optimizer;
import dev.densify.model.Policy;
import dev.densify.model.PolicyOutput;
import dev.densify.model.TokenBatch;
import dev.densify.shaping.ShapingWeights;
import dev.densify.text.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * PPO with dense shaped rewards. Each step: sample prompts, generate, score, attribute, shape
 * (r_t = R · Σ_k w_k ε_k,t), then one native PPO update against the frozen SFT policy as the KL
 * reference. Validation every {@code validationEvery} steps and after the last one: mean reward
 * and KL to the reference on held-out prompts, with sample responses.
 *
 * <p>Every random choice of step s derives from (seed, s), and a checkpoint holds the policy,
 * the Adam state and β, so a resumed run continues exactly as an uninterrupted one.
 * Not thread-safe; one trainer per run.
 *
 * <p>Data-parallel (with a {@link ProcessGroup}): every rank draws the step's whole batch of
 * prompts and generates, scores and attributes its own contiguous share with sampling seeds of
 * its own; the update is {@link PpoStep}'s group step, so the weights stay identical on every
 * rank. Rank 0 alone validates, writes the run directory (metrics, checkpoints, lock) and reports;
 * the other ranks only read its checkpoint when they start, so a resume continues as an
 * uninterrupted run of the same number of processes.
 */
public final class PpoTrainer implements AutoCloseable {

    /** Receives progress after each step and validation. */
    public interface Listener {
        void step(long step, long total, ObjectNode metrics);

        default void validation(long step, ObjectNode metrics) {
        }

        Listener NONE = (step, total, metrics) -> { };
    }

    /** The end of a run: the validation curve and the last validation's metrics. */
    public record Result(List<double[]> validationCurve, ObjectNode lastValidation, Path runDirectory) {
        /**
         * The result a finished run left in its directory (another process's, e.g. rank 0 of a
         * data-parallel run).
         *
         * @throws IllegalStateException the directory holds no validation
         */
        public static Result read(Path runDirectory) {
            return of(TrainingRun.readOnly(runDirectory));
        }

        static Result of(TrainingRun run) {
            List<JsonNode> validations = run.rows(TrainingRun.Table.VALIDATION);
            if (validations.isEmpty()) {
                throw new IllegalStateException(run.dir() + " holds no validation: the run did not finish a step");
            }
            List<double[]> curve = new ArrayList<>();
            for (JsonNode v : validations) {
                curve.add(new double[] {v.path("step").asDouble(), v.path("reward").asDouble()});
            }
            return new Result(curve, (ObjectNode) validations.get(validations.size() - 1), run.dir());
        }

        /** Mean validation reward of the last validation. */
        public double finalReward() {
            return lastValidation.path("reward").asDouble();
        }

        /** Area under the validation-reward curve (trapezoids over steps), divided by the steps spanned. */
        public double meanRewardOverTraining() {
            if (validationCurve.size() == 1) {
                return validationCurve.get(0)[1];
            }
            double area = 0;
            for (int i = 1; i < validationCurve.size(); i++) {
                double[] a = validationCurve.get(i - 1);
                double[] b = validationCurve.get(i);
                area += (b[0] - a[0]) * (a[1] + b[1]) / 2;
            }
            return area / (validationCurve.get(validationCurve.size() - 1)[0] - validationCurve.get(0)[0]);
        }
    }

    private static final int SAMPLES_KEPT = 6;
    /** The trained policy, a Hugging Face model directory with the task's tokenizer files. */
    private static final String POLICY = "policy";
    /** Where checkpoints before the directory layout kept the policy; still resumed from. */
    private static final String POLICY_FILE = "policy.safetensors";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final String STATE = "state.json";
    /** Held while a trainer writes the run: a second process or trainer on it is refused. */
    static final String LOCK_FILE = "run.lock";

    private final PpoTask task;
    private final ShapingWeights weights;
    private final PpoConfig config;
    private final TrainingRun run;
    private final Rollouts rollouts;
    private final Policy policy;
    private final Optimizer optimizer;
    private final KlController kl;
    private final DirectoryLock lock;
    private final ProcessGroup group;
    private long step;

    /**
     * A trainer writing to {@code runDirectory}; when it holds a checkpoint of the same
     * configuration the run resumes from it.
     */
    public PpoTrainer(PpoTask task, ShapingWeights weights, PpoConfig config, Path runDirectory, String device) {
        this(task, weights, config, runDirectory, device, null);
    }

    /**
     * A trainer that is one rank of a data-parallel group (null: a single process). Every rank
     * must be given the same task, weights, configuration and run directory; the configuration's
     * batch size must be a multiple of the group's size. Collective.
     */
    public PpoTrainer(PpoTask task, ShapingWeights weights, PpoConfig config, Path runDirectory, String device,
                      ProcessGroup group) {
        this.task = Objects.requireNonNull(task, "task");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(runDirectory, "runDirectory");
        if (ComputeDtype.parse(config.trainingDtype()) == ComputeDtype.FLOAT16 && !device.startsWith("cuda")) {
            throw new IllegalArgumentException("trainingDtype float16 needs a CUDA device; on the CPU use bfloat16 or "
                    + "float32");
        }
                this.group = group != null && group.worldSize() > 1 ? group : null;
        if (this.group != null && config.batchSize() % this.group.worldSize() != 0) {
            throw new IllegalArgumentException("batchSize (" + config.batchSize() + ") must be a multiple of the "
                    + this.group.worldSize() + " processes: each generates an equal share of the rollouts");
        }
        // Only rank 0 writes the run directory; the others read its checkpoint.
        boolean writer = this.group == null || this.group.rank() == 0;
        this.run = writer ? new TrainingRun(runDirectory) : TrainingRun.readOnly(runDirectory);
        this.lock = writer ? DirectoryLock.acquire(runDirectory, LOCK_FILE, "the training run " + runDirectory) : null;
        try {
            ObjectNode resolved = Json.MAPPER.createObjectNode();
            resolved.set("ppo", config.toJson());
            resolved.put("weights", weights.toString());
            resolved.put("device", device);
            // Forwards in reduced precision sample other rollouts: a run keeps the precision it began with.
            ComputeDtype dtype = Densify.computeDtype();
            if (dtype != ComputeDtype.FLOAT32) {
                resolved.put("compute_dtype", dtype.toString());
            }
            if (writer && run.exists("config.json")
                    && !withoutSteps(run.readJson("config.json")).equals(withoutSteps(resolved))) {
                throw new IllegalArgumentException("run directory " + runDirectory
                        + " holds a run with another configuration (only the number of steps may change on resume);"
                        + " choose a new --out");
            }
            this.rollouts = new Rollouts(task, config, weights);
            this.kl = config.adaptiveKl() ? KlController.adaptive(config.initKlCoef(), config.klTarget(), config.klHorizon())
                    : KlController.fixed(config.initKlCoef());
            Path checkpoint = run.checkpoint();
            if (Files.exists(checkpoint.resolve(STATE))) {
                JsonNode state = readState(checkpoint);
                Path saved = checkpoint.resolve(POLICY);
                this.policy = Policy.load(Files.isDirectory(saved) ? saved : checkpoint.resolve(POLICY_FILE), device);
                this.optimizer = Optimizer.adam(policy, adam(config));
                optimizer.load(checkpoint.resolve(OPTIMIZER));
                this.step = state.path("step").asLong();
                kl.set(state.path("klCoef").asDouble());
                if (writer) {
                    run.truncate(TrainingRun.Table.METRICS, step);
                    run.truncate(TrainingRun.Table.VALIDATION, step);
                    run.writeJson("config.json", resolved);
                }
            } else {
                this.policy = task.policy().copy(device);
                this.optimizer = Optimizer.adam(policy, adam(config));
                this.step = 0;
                if (writer) {
                    // Rows a killed process wrote before its first checkpoint are not this run's.
                    run.truncate(TrainingRun.Table.METRICS, 0);
                    run.truncate(TrainingRun.Table.VALIDATION, 0);
                    run.writeJson("config.json", resolved);
                }
            }
            if (this.group != null) {
                // Every rank must run the same configuration from the same checkpoint; the weights
                // are rank 0's from here on (the Adam state and beta came from the same files).
                this.group.requireSame(withoutSteps(resolved).toString().hashCode() * 1_000_003L + config.steps(),
                        "the training configuration");
                this.group.requireSame(step, "the checkpoint's step");
                this.group.requireSame(Double.doubleToLongBits(kl.value()), "the checkpoint's KL coefficient");
                this.group.broadcast(policy, 0);
            }
        } catch (RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
    }

    /** Steps done so far (after a resume: those of the checkpoint). */
    public long step() {
        return step;
    }

    /**
     * Whether this trainer writes the run (a single process, or rank 0 of a group); the others'
     * {@link #run} results have no validation (an empty curve, a null last validation).
     */
    public boolean isWriter() {
        return group == null || group.rank() == 0;
    }

    /** The policy being trained. */
    public Policy policy() {
        return policy;
    }

    /** Runs to {@code config.steps()}, checkpointing after every validation. */
    public Result run(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        boolean writer = isWriter();
        if (writer && step == 0 && run.rows(TrainingRun.Table.VALIDATION).isEmpty()) {
            validate(listener);
        }
        while (step < config.steps()) {
            step++;
            trainStep(listener);
            if (writer && (step % config.validationEvery() == 0 || step == config.steps())) {
                validate(listener);
                checkpoint();
            }
        }
        if (!writer) {
            return new Result(List.of(), null, run.dir());
        }
        return Result.of(run);
    }

    /**
     * Tokens per PPO forward and backward: from the policy's device's free memory when the
     * configuration asks for budgets from memory (maxBatchTokens = AUTO), else 0 (each minibatch at once).
     */
    private long ppoBudget(int[][] sequences) {
        if (config.maxBatchTokens() != dev.densify.attribution.AttributionOptions.AUTO_MAX_BATCH_TOKENS) {
            return 0;
        }
        long keys = 1;
        for (int[] s : sequences) {
            keys = Math.max(keys, s.length);
        }
        var c = policy.config();
        return dev.densify.engine.BatchBudget.forDevice(policy.device(), c.nLayer(), c.nEmbd(), c.nHead(), c.vocabSize(),
                keys, 4, dev.densify.engine.BatchBudget.Use.TRAINING);
    }

    private void trainStep(Listener listener) {
        long t0 = System.nanoTime();
        SplittableRandom rng = new SplittableRandom(mix(config.seed(), step));
        int[][] prompts = new int[config.batchSize()][];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = task.trainPrompts().get(rng.nextInt(task.trainPrompts().size()));
        }
        long sampling = rng.nextLong();
        if (group != null) {
            // This rank's contiguous share, sampled from streams of its own.
            int share = prompts.length / group.worldSize();
            prompts = Arrays.copyOfRange(prompts, group.rank() * share, (group.rank() + 1) * share);
            sampling = group.rank() == 0 ? sampling : mix(sampling, group.rank());
        }
        Rollouts.Batch batch = rollouts.collect(policy, prompts, sampling);
        long t1 = System.nanoTime();
        double beta = kl.value();
        PpoStats stats = PpoStep.run(group, policy, beta > 0 ? task.reference() : null, optimizer, batch.sequences(),
                batch.responseStarts(), batch.rewards(), config.options(beta, rng.nextLong()), ppoBudget(batch.sequences()));
        long t2 = System.nanoTime();
        kl.update(stats.klReference(), config.batchSize());
        double scoreSum = sum(batch.scores());
        double responseTokens = batch.responseTokens();
        if (group != null) {
            double[] sums = group.allReduceSum(scoreSum, responseTokens);
            scoreSum = sums[0];
            responseTokens = sums[1];
        }
        if (!isWriter()) {
            return;
        }
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("step", step);
        row.put("score", group == null ? mean(batch.scores()) : scoreSum / config.batchSize());
        row.put("shaped_reward", stats.reward());
        row.put("kl", stats.klReference());
        row.put("kl_coef", beta);
        row.put("policy_loss", stats.policyLoss());
        row.put("value_loss", stats.valueLoss());
        row.put("entropy", stats.entropy());
        row.put("approx_kl", stats.approxKl());
        row.put("clip_fraction", stats.clipFraction());
        row.put("explained_variance", stats.explainedVariance());
        row.put("grad_norm", stats.gradNorm());
        row.put("response_length", responseTokens / config.batchSize());
        row.put("generate_s", batch.generateSeconds());
        row.put("score_s", batch.scoreSeconds());
        row.put("attribute_s", batch.attributeSeconds());
        row.put("update_s", (t2 - t1) / 1e9);
        row.put("step_s", (t2 - t0) / 1e9);
        run.append(TrainingRun.Table.METRICS, row);
        listener.step(step, config.steps(), row);
    }

    private void validate(Listener listener) {
        List<int[]> prompts = task.validationPrompts().subList(0,
                Math.min(config.validationPrompts(), task.validationPrompts().size()));
        int[][] p = prompts.toArray(new int[0][]);
        Rollouts.Batch batch = rollouts.collect(policy, p, mix(config.seed(), -1));
        double klSum = 0;
        int[][] sequences = batch.sequences();
        float[][] now = logprobs(policy, sequences);
        float[][] ref = logprobs(task.reference(), sequences);
        for (int i = 0; i < sequences.length; i++) {
            for (int t = p[i].length - 1; t < sequences[i].length - 1; t++) {
                klSum += now[i][t] - ref[i][t];
            }
        }
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("step", step);
        row.put("reward", mean(batch.scores()));
        row.put("kl", klSum / sequences.length);
        row.put("response_length", (double) batch.responseTokens() / sequences.length);
        run.append(TrainingRun.Table.VALIDATION, row);
        run.writeJson("samples.json", samples(batch));
        listener.validation(step, row);
    }

    private ArrayNode samples(Rollouts.Batch batch) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < Math.min(SAMPLES_KEPT, batch.prompts().length); i++) {
            ObjectNode s = out.addObject();
            s.put("step", step);
            s.put("score", batch.scores()[i]);
            ArrayNode prompt = s.putArray("prompt");
            for (int id : batch.prompts()[i]) {
                prompt.add(task.tokenText().apply(id));
            }
            ArrayNode tokens = s.putArray("tokens");
            ArrayNode rewards = s.putArray("rewards");
            for (int t = 0; t < batch.responses()[i].length; t++) {
                tokens.add(task.tokenText().apply(batch.responses()[i][t]));
                rewards.add(batch.rewards()[i][t]);
            }
            for (Map.Entry<AttributionMethod, float[][]> e : batch.attributions().entrySet()) {
                ArrayNode values = s.putArray(e.getKey().id());
                for (float v : e.getValue()[i]) {
                    values.add(v);
                }
            }
        }
        return out;
    }

    private void checkpoint() {
        Path dir = run.dir();
        Path next = dir.resolve("checkpoint.partial");
        Path old = dir.resolve("checkpoint.old");
        try {
            AtomicFiles.deleteRecursively(next);
            Files.createDirectories(next);
            policy.saveDirectory(next.resolve(POLICY), task.tokenizerFiles(),
                    new Model.SpecialIds(-1, task.stopToken(), task.padToken()));
            optimizer.save(next.resolve(OPTIMIZER));
            ObjectNode state = Json.MAPPER.createObjectNode();
            state.put("step", step);
            state.put("klCoef", kl.value());
            Files.writeString(next.resolve(STATE), Json.MAPPER.writeValueAsString(state));
            // Swap: the previous checkpoint stays readable until the new one is in place.
            AtomicFiles.deleteRecursively(old);
            if (Files.exists(run.checkpoint())) {
                Files.move(run.checkpoint(), old);
            }
            Files.move(next, run.checkpoint());
            AtomicFiles.deleteRecursively(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The configuration as it reads back from a file (number node types normalised), steps left out. */
    private static JsonNode withoutSteps(JsonNode config) {
        try {
            ObjectNode copy = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(config));
            // Keys added to the configuration since a run began take their defaults (what that run used).
            if (copy.path("ppo").isObject()) {
                copy.set("ppo", PpoConfig.fromJson(copy.get("ppo"), PpoConfig.defaults(), "the run's config.json").toJson());
            }
            ((ObjectNode) copy.path("ppo")).remove("steps");
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode readState(Path checkpoint) {
        try {
            return Json.MAPPER.readTree(Files.readString(checkpoint.resolve(STATE)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint state in " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    private static float[][] logprobs(Policy model, int[][] sequences) {
        PolicyOutput out = model.forward(TokenBatch.rightPadded(sequences, 0), ForwardOutputs.TOKEN_LOGPROBS);
        return out.tokenLogprobs();
    }

    private static AdamOptions adam(PpoConfig c) {
        return AdamOptions.defaults().withLearningRate(c.learningRate()).withBetas(c.adamBeta1(), c.adamBeta2())
                .withEps(c.adamEps()).withMaxGradNorm(c.maxGradNorm());
    }

    private static double sum(float[] xs) {
        double s = 0;
        for (float x : xs) {
            s += x;
        }
        return s;
    }

    private static double mean(float[] xs) {
        double s = 0;
        for (float x : xs) {
            s += x;
        }
        return xs.length == 0 ? 0 : s / xs.length;
    }

    static long mix(long seed, long step) {
        long z = seed + 0x9E3779B97F4A7C15L * (step + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        try {
            optimizer.close();
            policy.close();
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
