package dev.densify.rl;

import dev.densify.model.Policy;
import dev.densify.reward.RewardSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * What PPO needs from a task: the starting (SFT) policy, the frozen reference for the KL
 * penalty, a reward, prompts as token ids, and the special tokens.
 *
 * @param policy            the SFT policy: what training starts from
 * @param reference         the frozen KL reference; null: the starting policy (TRL's default).
 *                          It must share the policy's vocabulary and context
 * @param reward            scores prompt + response (without the stop token): a model or a function
 * @param trainPrompts      prompts sampled for rollouts
 * @param validationPrompts held-out prompts for validation, used in order
 * @param stopToken         ends a response (not shown to the reward model)
 * @param padToken          written after a response has stopped
 * @param baselineToken     replaces removed tokens in attributions
 * @param tokenText         the text of a token id, for samples and reports
 * @param tokenizerFiles    the policy's tokenizer files, copied beside every checkpoint of the
 *                          trained policy so that its directory is a complete model; may be empty
 */
public record PpoTask(Policy policy, Policy reference, RewardSource reward, List<int[]> trainPrompts,
                      List<int[]> validationPrompts, int stopToken, int padToken, int baselineToken,
                      IntFunction<String> tokenText, List<Path> tokenizerFiles) {

    public PpoTask {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reward, "reward");
        Objects.requireNonNull(tokenText, "tokenText");
        if (reference == null) {
            reference = policy;
        } else if (reference.config().vocabSize() != policy.config().vocabSize()
                || reference.config().nPositions() < policy.config().nPositions()) {
            throw new IllegalArgumentException("the reference policy (vocab_size " + reference.config().vocabSize()
                    + ", n_positions " + reference.config().nPositions() + ") must share the policy's vocabulary ("
                    + policy.config().vocabSize() + ") and take its context (" + policy.config().nPositions() + ")");
        }
        if (trainPrompts == null || trainPrompts.isEmpty()) {
            throw new IllegalArgumentException("the task has no training prompts");
        }
        if (validationPrompts == null || validationPrompts.isEmpty()) {
            throw new IllegalArgumentException("the task has no validation prompts");
        }
        trainPrompts = List.copyOf(trainPrompts);
        validationPrompts = List.copyOf(validationPrompts);
        tokenizerFiles = tokenizerFiles == null ? List.of() : List.copyOf(tokenizerFiles);
    }
}
