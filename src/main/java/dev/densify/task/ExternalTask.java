package dev.densify.task;

import dev.densify.attribution.RewardFunction;
import dev.densify.data.PromptDataset;
import dev.densify.model.ModelConfig;
import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.reward.HttpReward;
import dev.densify.reward.RewardClass;
import dev.densify.reward.RewardSource;
import dev.densify.rl.PpoTask;
import dev.densify.text.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A PPO task from the user's own files, as TRL's {@code PPOTrainer} takes one: a GPT-2 policy (a
 * Hugging Face directory or a densify checkpoint; also the frozen reference), its tokenizer,
 * prompt files, and a reward from a densify/Hugging Face GPT-2 reward model, a
 * {@link RewardFunction} class or an HTTP endpoint.
 *
 * <p>Tokens: responses stop at the tokenizer's eos; the pad token is its pad, else eos; a token
 * SHAP or LIME removes becomes the pad token. The tokenizer's vocabulary must fit the policy's,
 * and a reward model must share the policy's vocabulary (one tokenizer for both; separate
 * tokenizers are not supported yet). Prompts longer than {@code n_positions − maxNewTokens}
 * tokens are dropped and counted.
 */
public final class ExternalTask implements AutoCloseable {

    /** Where the reward comes from: exactly one of the three. */
    public record Reward(Path model, String url, String className) {
        public Reward {
            int given = (model != null ? 1 : 0) + (url != null ? 1 : 0) + (className != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException("give exactly one reward: a reward model, a reward URL or a reward "
                        + "class (" + given + " given)");
            }
        }
    }

    /**
     * @param policy      a Hugging Face GPT-2 directory or a densify policy checkpoint
     * @param tokenizer   tokenizer.json or a directory with one; null: the policy's directory
     * @param prompts     training prompts (.jsonl or text)
     * @param evalPrompts validation prompts; null: the training prompts
     */
    public record Spec(Path policy, Path tokenizer, Path prompts, Path evalPrompts, String promptKey, Reward reward)
            implements TaskSource {
        public Spec {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(prompts, "prompts");
            Objects.requireNonNull(promptKey, "promptKey");
            Objects.requireNonNull(reward, "reward");
        }

        @Override
        public Opened open(String device, int maxNewTokens) {
            ExternalTask task = ExternalTask.open(this, device, maxNewTokens);
            return new Opened(task.ppoTask(), task);
        }

        @Override
        public Map<String, String> describe() {
            Map<String, String> m = new TreeMap<>();
            m.put("policy", absolute(policy));
            if (tokenizer != null) {
                m.put("tokenizer", absolute(tokenizer));
            }
            m.put("prompts", absolute(prompts));
            if (evalPrompts != null) {
                m.put("eval_prompts", absolute(evalPrompts));
            }
            m.put("prompt_key", promptKey);
            if (reward.model() != null) {
                m.put("reward_model", absolute(reward.model()));
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
    private final PromptDataset train;
    private final PromptDataset validation;

    private ExternalTask(PpoTask task, Tokenizer tokenizer, List<AutoCloseable> owned, PromptDataset train,
                         PromptDataset validation) {
        this.task = task;
        this.tokenizer = tokenizer;
        this.owned = owned;
        this.train = train;
        this.validation = validation;
    }

    /** Loads everything; closes what it opened when a step fails. */
    public static ExternalTask open(Spec spec, String device, int maxNewTokens) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Path tokenizerPath = spec.tokenizer() != null ? spec.tokenizer()
                    : Files.isDirectory(spec.policy()) ? spec.policy() : spec.policy().resolveSibling("tokenizer.json");
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
            PromptDataset train = PromptDataset.read(spec.prompts(), spec.promptKey(), tokenizer, maxPrompt, new int[0]);
            PromptDataset validation = spec.evalPrompts() == null ? train
                    : PromptDataset.read(spec.evalPrompts(), spec.promptKey(), tokenizer, maxPrompt, new int[0]);
            int pad = special.pad() >= 0 ? special.pad() : special.eos();
            RewardSource reward = reward(spec.reward(), tokenizer, config, pad, device, owned);
            PpoTask task = new PpoTask(policy, reward, train.prompts(), validation.prompts(), special.eos(), pad, pad,
                    id -> tokenizer.decode(new int[]{id}));
            return new ExternalTask(task, tokenizer, owned, train, validation);
        } catch (RuntimeException e) {
            closeAll(owned, e);
            throw e;
        }
    }

    private static RewardSource reward(Reward reward, Tokenizer tokenizer, ModelConfig policy, int removed, String device,
                                       List<AutoCloseable> owned) {
        if (reward.model() != null) {
            RewardModel model = RewardModel.load(reward.model(), device);
            owned.add(model);
            if (model.config().vocabSize() != policy.vocabSize()) {
                throw new IllegalArgumentException("the reward model " + reward.model() + " has vocab_size "
                        + model.config().vocabSize() + ", the policy " + policy.vocabSize() + ": densify needs one "
                        + "tokenizer for both for now (or serve the reward model: --reward-url)");
            }
            return RewardSource.of(model);
        }
        RewardFunction function = reward.url() != null
                ? new HttpReward(reward.url(), tokenizer, removed, HttpReward.Options.defaults())
                : RewardClass.instantiate(reward.className(), tokenizer, Thread.currentThread().getContextClassLoader());
        return RewardSource.of(function, policy.vocabSize());
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

    public PromptDataset trainPrompts() {
        return train;
    }

    public PromptDataset validationPrompts() {
        return validation;
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
