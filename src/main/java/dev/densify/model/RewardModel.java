package dev.densify.model;

import dev.densify.bindings.densify_h;
import dev.densify.engine.Densify;
import dev.densify.engine.internal.ModelCalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * A GPT-2 backbone with a scalar score head, in native memory: scores each sequence at its last
 * real (mask 1) token.
 *
 * <p>Thread-safety: as {@link Model}: calls on one reward model are serialised, different reward
 * models run concurrently.
 */
public final class RewardModel extends Model {

    /** The score head must have exactly one row ({@code DFY_SCORE_ONLY_ROW}). */
    public static final int ONLY_ROW = densify_h.DFY_SCORE_ONLY_ROW();
    /** Row 1 minus row 0 of a two-label head ({@code DFY_SCORE_LOGIT_DIFFERENCE}). */
    public static final int LOGIT_DIFFERENCE = densify_h.DFY_SCORE_LOGIT_DIFFERENCE();

    private RewardModel(ModelCalls.Described described, String device) {
        super(ModelKind.REWARD, described, device);
    }

    /**
     * A new reward model with GPT-2's initialisation.
     *
     * @param device "cpu", "cuda" or "cuda:N"
     * @param seed   seeds the initialisation
     */
    public static RewardModel create(ModelConfig config, String device, long seed) {
        return created(ModelKind.REWARD, config, device, seed, RewardModel::new);
    }

    /** Loads a checkpoint (a file, or a Hugging Face directory) whose configuration it records. */
    public static RewardModel load(Path path, String device) {
        return load(path, null, device);
    }

    /**
     * Loads a checkpoint with an explicit configuration (overriding the recorded one; may be null).
     * Its score head must have one row.
     *
     * @see Checkpoint for the errors
     */
    public static RewardModel load(Path path, ModelConfig config, String device) {
        return load(path, config, device, ONLY_ROW);
    }

    /**
     * Loads a checkpoint whose {@code score.weight} may have several rows, as Hugging Face's
     * {@code GPT2ForSequenceClassification} writes it ({@code [num_labels, n_embd]}).
     *
     * @param label the row that is the score: a label in {@code [0, num_labels)},
     *              {@link #LOGIT_DIFFERENCE} (row 1 − row 0, the log-odds of label 1, for two
     *              labels) or {@link #ONLY_ROW} (the head must have one row)
     * @throws dev.densify.engine.InvalidArgumentException when the label does not fit the head
     */
    public static RewardModel load(Path path, ModelConfig config, String device, int label) {
        return loaded(ModelKind.REWARD, path, config, device, label, RewardModel::new);
    }

    /**
     * Loads a reward model of any architecture saved by {@code torch.jit.save}: its
     * {@code forward(input_ids, attention_mask)} takes right-padded int64 rows and returns one
     * score per row, or logits of which {@code label} picks the score (as for a classifier head).
     * It is scored by libtorch's JIT in the engine's packed batches; SHAP and LIME over it run every
     * evaluation on the whole row (the module is not known to be causal, so no prefix reuse) and
     * attention attribution, saving and training refuse it.
     *
     * @param vocabularySize ids are checked against [0, vocabularySize) (its tokenizer's size)
     * @param contextLength  the longest row passed to it, >= 2
     * @throws dev.densify.engine.FormatException          when the file is not a TorchScript
     *                                                     module or forward has another signature
     * @throws dev.densify.engine.InvalidArgumentException when the label does not fit its output
     * @throws dev.densify.engine.CallbackException        when the module fails on a probe batch
     */
    public static RewardModel loadTorchScript(Path file, int vocabularySize, int contextLength, String device,
                                              int label) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("TorchScript reward model not found: " + file);
        }
        String canonical = Densify.checkDevice(device);
        return new RewardModel(ModelCalls.loadScript(file, canonical, vocabularySize, contextLength, label), canonical);
    }

    /** The longest row given to a TorchScript module, which declares no context of its own. */
    public static final int TORCHSCRIPT_CONTEXT = 1 << 20;

    /**
     * A reward model of either kind: a TorchScript archive ({@link #isTorchScript}), whose ids are
     * checked against {@code vocabulary.getAsInt()} (its tokenizer's size; asked for only then) and
     * whose rows may be up to {@link #TORCHSCRIPT_CONTEXT} long, else a GPT-2 checkpoint as
     * {@link #load(Path, ModelConfig, String, int)} reads it.
     */
    public static RewardModel load(Path path, String device, int label, IntSupplier vocabulary) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(vocabulary, "vocabulary");
        if (isTorchScript(path)) {
            return loadTorchScript(path, vocabulary.getAsInt(), TORCHSCRIPT_CONTEXT, device, label);
        }
        return load(path, null, device, label);
    }

    /**
     * Whether {@code path} is a TorchScript archive ({@code torch.jit.save} writes a zip file),
     * not a safetensors checkpoint or a directory.
     */
    public static boolean isTorchScript(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (var in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * One score per row, read at the row's last position with mask 1. A call that runs out of memory
     * is retried with the rows in halves ({@link dev.densify.engine.OomRetry}).
     */
    public float[] score(TokenBatch batch) {
        Objects.requireNonNull(batch, "batch");
        int[][] ids = batch.rawIds();
        int[][] mask = batch.rawMask();
        return dev.densify.engine.OomRetry.run("dfy_reward_score", ids.length, 1, rows -> {
            if (rows >= ids.length) {
                return ModelCalls.score(handle(), ids, mask);
            }
            float[] out = new float[ids.length];
            for (int from = 0; from < ids.length; from += (int) rows) {
                int to = (int) Math.min(ids.length, from + rows);
                float[] part = ModelCalls.score(handle(), java.util.Arrays.copyOfRange(ids, from, to),
                        java.util.Arrays.copyOfRange(mask, from, to));
                System.arraycopy(part, 0, out, from, part.length);
            }
            return out;
        }).value();
    }

    /**
     * One step as a classifier: mean logistic loss of the score (the logit of label 1) against
     * {@code labels} in [0, 1], one per row.
     *
     * @param optimizer an optimizer created for this reward model
     */
    public TrainStep classifierStep(Optimizer optimizer, TokenBatch batch, float[] labels) {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(labels, "labels");
        int b = batch.batchSize();
        if (labels.length != b) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, the batch has " + b + " rows");
        }
        return ModelCalls.classifierStep(handle(), optimizer.handleFor(this), batch.rawIds(), batch.rawMask(), labels);
    }

    /** Scores sequences of any lengths (right-padded with id 0, mask 0). */
    public float[] score(int[][] sequences) {
        return score(TokenBatch.rightPadded(sequences, 0));
    }
}
