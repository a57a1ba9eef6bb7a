package dev.densify.cli;

import dev.densify.task.ExternalTask;
import dev.densify.task.TaskSource;
import dev.densify.task.reviews.ReviewsPpoTask;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;

/** The options of {@code train} and {@code study} that say what to train: a built-in task, or your own files. */
final class TaskOptions {

    @Option(names = "--task-dir", paramLabel = "DIR",
            description = "A prepared built-in task (densify prepare); or give --policy, --prompts and a reward.")
    Path taskDir;

    @Option(names = "--policy", paramLabel = "DIR",
            description = "Your GPT-2 policy: a Hugging Face directory (config.json, model.safetensors, tokenizer.json) "
                    + "or a densify checkpoint. It is also the frozen reference unless --reference is given.")
    Path policy;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "The frozen KL reference policy, as --policy (default: the starting policy).")
    Path reference;

    @Option(names = "--tokenizer", paramLabel = "PATH", description = "tokenizer.json (default: the policy's directory).")
    Path tokenizer;

    @Option(names = "--prompts", paramLabel = "F", description = "Training prompts: .jsonl (see --prompt-key) or text, one a line.")
    Path prompts;

    @Option(names = "--eval-prompts", paramLabel = "F", description = "Validation prompts (default: the training prompts).")
    Path evalPrompts;

    @Option(names = "--prompt-key", defaultValue = "prompt", paramLabel = "K",
            description = "The JSONL key of a prompt (default: ${DEFAULT-VALUE}); lines without it may have 'messages'.")
    String promptKey;

    @Option(names = "--max-prompt-tokens", paramLabel = "N",
            description = "Drop (and count) prompts longer than N tokens (default and upper bound: the policy's "
                    + "n_positions minus the new tokens of a response).")
    Integer maxPromptTokens;

    @Option(names = "--reward-model", paramLabel = "PATH",
            description = "A GPT-2 reward model (a Hugging Face directory or a densify checkpoint), or a TorchScript "
                    + "module (.pt from torch.jit.save: forward(input_ids, attention_mask) -> scores or logits).")
    Path rewardModel;

    @Option(names = "--reward-tokenizer", paramLabel = "PATH",
            description = "The reward model's tokenizer when it differs from the policy's (default: its directory's "
                    + "tokenizer.json): attributions go through text and back to the policy's tokens.")
    Path rewardTokenizer;

    @Mixin
    RewardLabel.Option rewardLabel;

    @Option(names = "--reward-url", paramLabel = "URL",
            description = "A reward server: POST {\"query\": [texts]} -> {\"rewards\": [numbers]} (OpenRLHF's format).")
    String rewardUrl;

    @Option(names = "--reward-class", paramLabel = "CLASS",
            description = "A RewardFunction on the class path, constructed with the tokenizer or with no arguments.")
    String rewardClass;

    /** The task these options name; usage errors for a missing or contradictory combination. */
    TaskSource source(CommandSpec spec) {
        boolean own = policy != null || reference != null || prompts != null || rewardModel != null || rewardUrl != null
                || rewardClass != null || maxPromptTokens != null;
        if ((taskDir == null) == !own) {
            throw new ParameterException(spec.commandLine(), taskDir == null
                    ? "give --task-dir (a prepared built-in task), or --policy, --prompts and one of --reward-model, "
                    + "--reward-url, --reward-class"
                    : "--task-dir cannot be combined with --policy, --reference, --prompts or a --reward-* option");
        }
        if (!own) {
            return ReviewsPpoTask.source(taskDir);
        }
        if (policy == null || prompts == null) {
            throw new ParameterException(spec.commandLine(), "with your own models give both --policy and --prompts");
        }
        try {
            if (maxPromptTokens != null && maxPromptTokens < 1) {
                throw new ParameterException(spec.commandLine(), "--max-prompt-tokens must be >= 1, got " + maxPromptTokens);
            }
            return new ExternalTask.Spec(policy, reference, tokenizer, prompts, evalPrompts, promptKey,
                    maxPromptTokens == null ? 0 : maxPromptTokens,
                    new ExternalTask.Reward(rewardModel, rewardTokenizer, rewardLabel.label(), rewardUrl, rewardClass));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
