package dev.densify.rl;

import dev.densify.model.Policy;
import dev.densify.model.RewardModel;
import dev.densify.reward.RewardSource;

import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * What PPO needs from a task: the starting (SFT) policy, which also serves as the frozen
 * reference, a reward model, prompts as token ids, and the special tokens.
 *
 * @param policy            the SFT policy: the reference, and what training starts from
 * @param reward            scores prompt + response (without the stop token): a model or a function
 * @param trainPrompts      prompts sampled for rollouts
 * @param validationPrompts held-out prompts for validation, used in order
 * @param stopToken         ends a response (not shown to the reward model)
 * @param padToken          written after a response has stopped
 * @param baselineToken     replaces removed tokens in attributions
 * @param tokenText         the text of a token id, for samples and reports
 */
public record PpoTask(Policy policy, RewardSource reward, List<int[]> trainPrompts, List<int[]> validationPrompts,
                      int stopToken, int padToken, int baselineToken, IntFunction<String> tokenText) {

    public PpoTask {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reward, "reward");
        Objects.requireNonNull(tokenText, "tokenText");
        if (trainPrompts == null || trainPrompts.isEmpty()) {
            throw new IllegalArgumentException("the task has no training prompts");
        }
        if (validationPrompts == null || validationPrompts.isEmpty()) {
            throw new IllegalArgumentException("the task has no validation prompts");
        }
        trainPrompts = List.copyOf(trainPrompts);
        validationPrompts = List.copyOf(validationPrompts);
    }

    /** A task scored by a densify reward model. */
    public PpoTask(Policy policy, RewardModel reward, List<int[]> trainPrompts, List<int[]> validationPrompts,
                   int stopToken, int padToken, int baselineToken, IntFunction<String> tokenText) {
        this(policy, RewardSource.of(Objects.requireNonNull(reward, "reward")), trainPrompts, validationPrompts,
                stopToken, padToken, baselineToken, tokenText);
    }
}
