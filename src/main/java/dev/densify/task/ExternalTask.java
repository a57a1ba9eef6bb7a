package dev.densify.task;

import dev.densify.attribution.RewardFunction;
import dev.densify.data.PromptDataset;
import dev.densify.model.ModelConfig;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.reward.HttpReward;
import dev.densify.reward.Retokenization;
import dev.densify.reward.RewardClass;
import dev.densify.reward.RewardSource;
import dev.densify.rl.PpoTask;
import dev.densify.text.HuggingFaceTokenizer;
import dev.densify.text.Tokenizer;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A PPO task from the user's own files, as TRL's {@code PPOTrainer} takes one: a GPT-2 policy (a
 * Hugging Face directory or a densify checkpoint), the frozen reference (the policy unless given), its tokenizer,
 * prompt files, and a reward from a densify/Hugging Face GPT-2 reward model, a
 * {@link RewardFunction} class or an HTTP endpoint.
 *
 * <p>Tokens: responses stop at the tokenizer's eos; the pad token is its pad, else eos; a token
 * SHAP or LIME removes becomes its mask token, else the pad token
 * ({@link Tokenizer.SpecialTokens#removed}). The tokenizer's vocabulary must fit the policy's.
 * A reward model with a tokenizer of its own (given, or a {@code tokenizer.json} in its directory
 * that differs from the policy's) is reached through text ({@link Retokenization}); without one
 * it must share the policy's vocabulary. Prompts longer than {@code n_positions − maxNewTokens}
 * tokens are dropped and counted.
 */
public final class ExternalTask implements AutoCloseable {

    /**
     * Where the reward comes from: exactly one of a model, a URL and a class.
     *
     * @param tokenizer the reward model's tokenizer when it differs from the policy's; null: the
     *                  model directory's tokenizer.json if it has one
     * @param label     the reward model's score row ({@link RewardModel#load(Path, ModelConfig, String, int)})
     */
    public record Reward(Path model, Path tokenizer, int label, String url, String className) {
        public Reward {
            int given = (model != null ? 1 : 0) + (url != null ? 1 : 0) + (className != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException("give exactly one reward: a reward model, a reward URL or a reward "
                        + "class (" + given + " given)");
            }
            if ((tokenizer != null || label != RewardModel.ONLY_ROW) && model == null) {
                throw new IllegalArgumentException("a reward tokenizer and a reward label go with a reward model");
            }
        }
    }

    /**
     * @param policy      a Hugging Face GPT-2 directory or a densify policy checkpoint
     * @param reference   the frozen KL reference, as {@code policy}; null: the policy itself
     * @param tokenizer   tokenizer.json or a directory with one; null: the policy's directory
     * @param prompts     training prompts (.jsonl or text)
     * @param evalPrompts validation prompts; null: the training prompts
     * @param maxPromptTokens prompts longer than this are dropped (and counted); 0: the policy's
     *                        limit, {@code n_positions − maxNewTokens}, which also bounds this
     */
    public record Spec(Path policy, Path reference, Path tokenizer, Path prompts, Path evalPrompts, String promptKey,
                       int maxPromptTokens, Reward reward)
            implements TaskSource {
        public Spec {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(prompts, "prompts");
            Objects.requireNonNull(promptKey, "promptKey");
            Objects.requireNonNull(reward, "reward");
            if (maxPromptTokens < 0) {
                throw new IllegalArgumentException("maxPromptTokens must be >= 1, or 0 for the policy's limit; got "
                        + maxPromptTokens);
            }
        }

        @Override
        public Opened open(String device, int maxNewTokens, PrintStream log) {
            ExternalTask task = ExternalTask.open(this, device, maxNewTokens, log);
            return new Opened(task.ppoTask(), task);
        }

        @Override
        public Map<String, String> describe() {
            Map<String, String> m = new TreeMap<>();
            m.put("policy", absolute(policy));
            if (reference != null) {
                m.put("reference", absolute(reference));
            }
            if (tokenizer != null) {
                m.put("tokenizer", absolute(tokenizer));
            }
            m.put("prompts", absolute(prompts));
            if (evalPrompts != null) {
                m.put("eval_prompts", absolute(evalPrompts));
            }
            m.put("prompt_key", promptKey);
            if (maxPromptTokens > 0) {
                m.put("max_prompt_tokens", Integer.toString(maxPromptTokens));
            }
            if (reward.model() != null) {
                m.put("reward_model", absolute(reward.model()));
                if (reward.tokenizer() != null) {
                    m.put("reward_tokenizer", absolute(reward.tokenizer()));
                }
                m.put("reward_label", Integer.toString(reward.label()));
            } else if (reward.url() != null) {
                m.put("reward_url", reward.url());
            } else {
                m.put("reward_class", reward.className());
            }
            return m;
        }

        private static String absolute(Path p) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    private final PpoTask task;
    private final Tokenizer tokenizer;
    private final List<AutoCloseable> owned;

    private ExternalTask(PpoTask task, Tokenizer tokenizer, List<AutoCloseable> owned) {
        this.task = task;
        this.tokenizer = tokenizer;
        this.owned = owned;
    }

    private static void report(PrintStream log, String which, Path file, PromptDataset d, int maxPrompt) {
        log.printf(java.util.Locale.ROOT, "%s prompts: %d of %d kept from %s%s%n", which, d.prompts().size(), d.read(),
                file, d.tooLong() == 0 ? "" : " (" + d.tooLong() + " longer than " + maxPrompt + " tokens dropped)");
    }

    /** Loads everything; closes what it opened when a step fails. */
    public static ExternalTask open(Spec spec, String device, int maxNewTokens, PrintStream log) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Path tokenizerPath = spec.tokenizer() != null ? spec.tokenizer() : Tokenizer.besideModel(spec.policy());
            Tokenizer tokenizer = Tokenizer.load(tokenizerPath);
            if (tokenizer instanceof AutoCloseable c) {
                owned.add(c);
            }
            Tokenizer.SpecialTokens special = tokenizer.specialTokens();
            if (special.eos() < 0) {
                throw new IllegalArgumentException("the tokenizer " + tokenizerPath + " has no eos token to stop "
                        + "responses at (add eos_token to tokenizer_config.json)");
            }
            Policy policy = Policy.load(spec.policy(), device);
            owned.add(policy);
            ModelConfig config = policy.config();
            if (tokenizer.vocabularySize() > config.vocabSize()) {
                throw new IllegalArgumentException("the tokenizer " + tokenizerPath + " has " + tokenizer.vocabularySize()
                        + " ids, more than the policy's vocab_size " + config.vocabSize());
            }
            int maxPrompt = config.nPositions() - maxNewTokens;
            if (maxPrompt < 1) {
                throw new IllegalArgumentException("maxNewTokens " + maxNewTokens + " leaves no room for a prompt "
                        + "in the policy's " + config.nPositions() + " positions");
            }
            if (spec.maxPromptTokens() > 0) {
                maxPrompt = Math.min(maxPrompt, spec.maxPromptTokens());
            }
            PromptDataset train = PromptDataset.read(spec.prompts(), spec.promptKey(), tokenizer, maxPrompt, new int[0]);
            PromptDataset validation = spec.evalPrompts() == null ? train
                    : PromptDataset.read(spec.evalPrompts(), spec.promptKey(), tokenizer, maxPrompt, new int[0]);
            report(log, "training", spec.prompts(), train, maxPrompt);
            if (spec.evalPrompts() != null) {
                report(log, "validation", spec.evalPrompts(), validation, maxPrompt);
            }
            int pad = special.pad() >= 0 ? special.pad() : special.eos();
            int removed = special.removed();
            RewardSource reward = reward(spec.reward(), tokenizer, config, removed, device, owned, log);
            Policy reference = null;
            if (spec.reference() != null) {
                reference = Policy.load(spec.reference(), device);
                owned.add(reference);
                log.println("reference policy: " + spec.reference());
            }
            PpoTask task = new PpoTask(policy, reference, reward, train.prompts(), validation.prompts(), special.eos(),
                    pad, removed, id -> tokenizer.decode(new int[]{id}), Tokenizer.files(tokenizerPath));
            return new ExternalTask(task, tokenizer, owned);
        } catch (RuntimeException e) {
            closeAll(owned, e);
            throw e;
        }
    }

    private static RewardSource reward(Reward reward, Tokenizer tokenizer, ModelConfig policy, int removed, String device,
                                       List<AutoCloseable> owned, PrintStream log) {
        if (reward.model() != null) {
            Tokenizer own = rewardTokenizer(reward, tokenizer, owned);
            // A TorchScript module declares no vocabulary: its tokenizer's bounds the ids.
            RewardModel model = RewardModel.load(reward.model(), device, reward.label(),
                    () -> own != null ? own.vocabularySize() : policy.vocabSize());
            owned.add(model);
            if (model.isTorchScript()) {
                log.println("reward model: TorchScript " + reward.model() + " (not known to be causal: SHAP and LIME "
                        + "evaluate every coalition on the whole sequence, without prefix reuse)");
            }
            if (own != null) {
                if (own.vocabularySize() > model.vocabularySize()) {
                    throw new IllegalArgumentException("the reward tokenizer has " + own.vocabularySize()
                            + " ids, more than the reward model's vocab_size " + model.vocabularySize());
                }
                int ownRemoved = own.specialTokens().removed();
                if (ownRemoved < 0) {
                    throw new IllegalArgumentException("the reward tokenizer has no pad, eos or unk token to put where "
                            + "attributions remove a token");
                }
                return RewardSource.of(model, new Retokenization(tokenizer, own, ownRemoved));
            }
            if (model.vocabularySize() != policy.vocabSize()) {
                throw new IllegalArgumentException("the reward model " + reward.model() + " has vocab_size "
                        + model.vocabularySize() + ", the policy " + policy.vocabSize() + ": give its tokenizer "
                        + "(--reward-tokenizer, or a tokenizer.json in its directory)");
            }
            return RewardSource.of(model);
        }
        RewardFunction function = reward.url() != null
                ? new HttpReward(reward.url(), tokenizer, removed, HttpReward.Options.defaults())
                : RewardClass.instantiate(reward.className(), tokenizer, Thread.currentThread().getContextClassLoader());
        return RewardSource.of(function, policy.vocabSize());
    }

    /** The reward model's own tokenizer, or null when it is the policy's (or none is given). */
    private static Tokenizer rewardTokenizer(Reward reward, Tokenizer policy, List<AutoCloseable> owned) {
        Path path = reward.tokenizer();
        // A model directory's tokenizer.json, or the one beside a TorchScript file.
        Path dir = Files.isDirectory(reward.model()) ? reward.model()
                : RewardModel.isTorchScript(reward.model()) ? reward.model().toAbsolutePath().getParent() : null;
        if (path == null && dir != null && Files.isRegularFile(dir.resolve(HuggingFaceTokenizer.FILE))) {
            path = dir.resolve(HuggingFaceTokenizer.FILE);
        }
        if (path == null) {
            return null;
        }
        Path file = Files.isDirectory(path) ? path.resolve(HuggingFaceTokenizer.FILE) : path;
        if (policy instanceof HuggingFaceTokenizer h && sameContent(h.source(), file)) {
            return null;
        }
        Tokenizer own = Tokenizer.load(path);
        if (own instanceof AutoCloseable c) {
            owned.add(c);
        }
        return own;
    }

    private static boolean sameContent(Path a, Path b) {
        try {
            return Files.isRegularFile(b) && Files.mismatch(a, b) == -1;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void closeAll(List<AutoCloseable> owned, RuntimeException failure) {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    public PpoTask ppoTask() {
        return task;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing the task");
        closeAll(owned, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }
}
