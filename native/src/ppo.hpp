// PPO with per-token rewards (as TRL's PPO), in named phases: prepare the rollouts, score them
// with the old policy and the reference, compute the advantages (KL penalty, GAE, whitening),
// then optimise (epochs x minibatches of clipped updates). dfy_ppo_step (api_ppo.cpp) checks its
// inputs and runs the phases in that order.
#pragma once

#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

#include "densify.h"
#include "gpt2.hpp"
#include "group.hpp"
#include "parallel.hpp"
#include "train.hpp"

namespace dfy::ppo {

// The batch on the policy's device with its action positions (action t predicts token t + 1;
// the actions of row b are [start - 1, start + length - 1)) and the rewards given there.
struct Rollouts {
    int64_t batch = 0, seq_len = 0;
    at::Tensor ids, mask, act;  // on the device
    at::Tensor act_cpu, given;  // [B, T-1] float on the CPU
    const int64_t* response_start = nullptr;
    const int64_t* response_length = nullptr;
};

// What the loss compares against: the old policy's log-probs, values (and entropy when the loss
// uses it) and the per-token KL to the reference (0 without one).
struct OldOutputs {
    at::Tensor logprobs, values, entropy, kl;
};

// Advantages and returns at the action positions, and the statistics read off on the way.
struct Advantages {
    at::Tensor advantages, returns;  // on the device
    double kl_total = 0, reward_total = 0, explained_variance = 0;
};

// Where this rank's rows sit in the batch of a data-parallel step (rank r holds a contiguous
// block, in rank order), and the action-token count of every row of the whole batch. Without a
// group the whole batch is this process's.
struct Layout {
    const Group* group = nullptr;
    int64_t global_batch = 0, offset = 0;
    std::vector<double> row_tokens;
};
Layout layout(const Rollouts& in, const Group* group);

Rollouts prepare_rollouts(const Gpt2& policy, const int64_t* ids, const int64_t* mask, int64_t batch, int64_t seq_len,
                          const int64_t* response_start, const int64_t* response_length, const float* rewards);
OldOutputs score_rollouts(const InterOp& parallel, const Gpt2& policy, const Gpt2* reference, const Rollouts& in,
                          const dfy_ppo_options& o);
// With a group, whitening and the statistics use the sums over every rank's rows.
Advantages advantages(const Rollouts& in, const OldOutputs& old, const dfy_ppo_options& o, const Group* group);
// The epochs of minibatch updates; the returned statistics have the losses before and after.
// With a group every rank draws the same order of the whole batch's rows and updates on its own
// rows of each minibatch, each loss divided by the minibatch's token count over all ranks; the
// gradients are summed over the ranks before each Adam step, so every rank takes the step one
// process would take on the whole batch.
dfy_ppo_stats optimise(const InterOp& parallel, Gpt2& policy, Adam& adam, const Rollouts& in, const OldOutputs& old,
                       const Advantages& a, const dfy_ppo_options& o, const Layout& layout);

// Generalised advantage estimation over one response of n tokens; the value after the last
// token is 0 (the episode ends with the response).
void gae(const double* rewards, const double* values, int64_t n, double gamma, double lam, double* advantages,
         double* returns);

}  // namespace dfy::ppo
