// dfy_ppo_step and dfy_gae: the checks of the C ABI, then the phases of ppo.hpp.
#include <cmath>
#include <vector>

#include "group.hpp"
#include "handle.hpp"
#include "parallel.hpp"
#include "ppo.hpp"
#include "train.hpp"

using namespace dfy;

namespace {

void validate_ppo_options(const dfy_ppo_options& o, int64_t batch) {
    require(o.gamma >= 0 && o.gamma <= 1, "gamma must be in [0, 1], got ", o.gamma);
    require(o.lam >= 0 && o.lam <= 1, "lam must be in [0, 1], got ", o.lam);
    require(std::isfinite(o.clip_range) && o.clip_range > 0, "clip_range must be finite and > 0, got ", o.clip_range);
    require(std::isfinite(o.clip_range_value) && o.clip_range_value > 0,
            "clip_range_value must be finite and > 0, got ", o.clip_range_value);
    require(std::isfinite(o.value_coef) && o.value_coef >= 0, "value_coef must be finite and >= 0, got ", o.value_coef);
    require(std::isfinite(o.entropy_coef) && o.entropy_coef >= 0, "entropy_coef must be finite and >= 0, got ",
            o.entropy_coef);
    require(std::isfinite(o.kl_coef) && o.kl_coef >= 0, "kl_coef must be finite and >= 0, got ", o.kl_coef);
    require(o.kl_estimator == DFY_KL_K1 || o.kl_estimator == DFY_KL_K3, "kl_estimator must be DFY_KL_K1 (1) or DFY_KL_K3 (2), got ",
            o.kl_estimator);
    require(o.whiten_advantages == 0 || o.whiten_advantages == 1, "whiten_advantages must be 0 or 1");
    require(o.epochs >= 1 && o.epochs <= 1000, "epochs must be in [1, 1000], got ", o.epochs);
    require(o.minibatch_size >= 1 && batch % o.minibatch_size == 0, "minibatch_size (", o.minibatch_size,
            ") must be >= 1 and divide the batch (", batch, ")");
    require(o.max_batch_tokens >= 0, "max_batch_tokens must be >= 0 (0 = off), got ", o.max_batch_tokens);
    require(o.compute_dtype == 0 || o.compute_dtype == DFY_DTYPE_FLOAT32 || o.compute_dtype == DFY_DTYPE_BFLOAT16
                || o.compute_dtype == DFY_DTYPE_FLOAT16,
            "compute_dtype must be 0 or DFY_DTYPE_FLOAT32 (1), DFY_DTYPE_BFLOAT16 (2) or DFY_DTYPE_FLOAT16 (3), got ",
            o.compute_dtype);
}

dfy_status ppo_step(const Group* group, dfy_model policy_handle, dfy_model reference_handle, dfy_optimizer optimizer,
                    const int64_t* ids, const int64_t* mask, int64_t batch, int64_t seq_len,
                    const int64_t* response_start, const int64_t* response_length, const float* rewards,
                    const dfy_ppo_options* options, dfy_ppo_stats* out_stats) {
    return guarded([&] {
        Gpt2& policy = model_of(policy_handle, DFY_MODEL_POLICY, "policy");
        require_pointer(options, "options");
        require_pointer(out_stats, "out_stats");
        require_pointer(response_start, "response_start");
        require_pointer(response_length, "response_length");
        require_pointer(rewards, "rewards");
        Adam& adam = adam_of(optimizer, policy);
        const dfy_ppo_options& o = *options;
        if (group == nullptr) validate_ppo_options(o, batch);
        const Gpt2* reference = nullptr;
        if (reference_handle != nullptr) {
            reference = &model_of(reference_handle, DFY_MODEL_POLICY, "reference policy");
            require(reference != &policy, "the reference must be a separate (frozen) copy of the policy");
            const auto& a = reference->config();
            const auto& b = policy.config();
            require(a.vocab_size == b.vocab_size && a.n_positions == b.n_positions, "reference and policy differ in vocabulary or context");
        } else {
            require(o.kl_coef == 0, "a reference policy is needed when kl_coef > 0");
        }
        require(seq_len >= 2, "seq_len must be >= 2, got ", seq_len);
        require(o.compute_dtype != DFY_DTYPE_FLOAT16 || policy.device().is_cuda(),
                "a PPO step in float16 needs a CUDA device; on the CPU use bfloat16 or float32");
        const InterOp parallel(policy.device());
        const ppo::Rollouts in = ppo::prepare_rollouts(policy, ids, mask, batch, seq_len, response_start, response_length,
                                                       rewards);
        const ppo::Layout layout = ppo::layout(in, group);
        if (group != nullptr) {
            validate_ppo_options(o, layout.global_batch);
            // Every rank must draw the same minibatch order and apply the same update.
            require_same(*group,
                         {double(o.seed >> 32), double(o.seed & 0xffffffffULL), double(o.epochs), double(o.minibatch_size),
                          double(o.whiten_advantages), double(o.kl_estimator), o.kl_coef, o.gamma, o.lam, o.clip_range,
                          o.clip_range_value, o.value_coef, o.entropy_coef, double(adam.steps()),
                          double(o.compute_dtype == 0 ? DFY_DTYPE_FLOAT32 : o.compute_dtype)},
                         "the PPO options or the optimizer's step count");
        }
        const ppo::OldOutputs old = ppo::score_rollouts(parallel, policy, reference, in, o);
        const ppo::Advantages advantages = ppo::advantages(in, old, o, group);
        *out_stats = ppo::optimise(parallel, policy, adam, in, old, advantages, o, layout);
    });
}

}  // namespace

extern "C" {

DFY_API dfy_status dfy_ppo_step(dfy_model policy, dfy_model reference, dfy_optimizer optimizer, const int64_t* ids,
                                const int64_t* mask, int64_t batch, int64_t seq_len, const int64_t* response_start,
                                const int64_t* response_length, const float* rewards, const dfy_ppo_options* options,
                                dfy_ppo_stats* out_stats) {
    return ppo_step(nullptr, policy, reference, optimizer, ids, mask, batch, seq_len, response_start, response_length,
                    rewards, options, out_stats);
}

DFY_API dfy_status dfy_ppo_step_group(dfy_group group, dfy_model policy, dfy_model reference, dfy_optimizer optimizer,
                                      const int64_t* ids, const int64_t* mask, int64_t batch, int64_t seq_len,
                                      const int64_t* response_start, const int64_t* response_length,
                                      const float* rewards, const dfy_ppo_options* options, dfy_ppo_stats* out_stats) {
    const Group* g = nullptr;
    const dfy_status status = guarded([&] { g = &group_of(group); });
    if (status != DFY_OK) return status;
    // A group of one is one process: the plain step, bit for bit.
    if (g->size() == 1) g = nullptr;
    return ppo_step(g, policy, reference, optimizer, ids, mask, batch, seq_len, response_start, response_length, rewards,
                    options, out_stats);
}

DFY_API dfy_status dfy_gae(const float* rewards, const float* values, const int64_t* lengths, int64_t batch,
                           int64_t max_length, double gamma, double lam, float* out_advantages, float* out_returns) {
    return guarded([&] {
        require_pointer(rewards, "rewards");
        require_pointer(values, "values");
        require_pointer(lengths, "lengths");
        require_pointer(out_advantages, "out_advantages");
        require_pointer(out_returns, "out_returns");
        require(batch >= 1, "empty batch: batch must be >= 1, got ", batch);
        require(max_length >= 1, "max_length must be >= 1, got ", max_length);
        require(gamma >= 0 && gamma <= 1, "gamma must be in [0, 1], got ", gamma);
        require(lam >= 0 && lam <= 1, "lam must be in [0, 1], got ", lam);
        checked_mul(batch, max_length, "batch * max_length");
        std::vector<double> r, v, a, g;
        for (int64_t b = 0; b < batch; ++b) {
            const int64_t n = lengths[b];
            require(n >= 0 && n <= max_length, "length ", n, " of row ", b, " is outside [0, ", max_length, "]");
            r.assign(rewards + b * max_length, rewards + b * max_length + n);
            v.assign(values + b * max_length, values + b * max_length + n);
            for (int64_t t = 0; t < n; ++t)
                require(std::isfinite(r[size_t(t)]) && std::isfinite(v[size_t(t)]), "row ", b, ", token ", t,
                        ": reward or value is not finite");
            a.resize(size_t(n));
            g.resize(size_t(n));
            ppo::gae(r.data(), v.data(), n, gamma, lam, a.data(), g.data());
            for (int64_t t = 0; t < max_length; ++t) {
                out_advantages[b * max_length + t] = t < n ? float(a[size_t(t)]) : 0.0f;
                out_returns[b * max_length + t] = t < n ? float(g[size_t(t)]) : 0.0f;
            }
        }
    });
}

}  // extern "C"
