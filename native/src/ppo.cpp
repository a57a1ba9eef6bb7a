#include "ppo.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>

#include <torch/csrc/autograd/autograd.h>

#include "handle.hpp"

namespace dfy::ppo {
namespace {


// Log-probs of the next tokens and values at every position but the last: [B, T-1] each,
// plus the per-position entropy when asked.
struct Outputs {
    at::Tensor logprobs, values, entropy;
};

Outputs run(const Gpt2& model, const at::Tensor& ids, const at::Tensor& mask, bool entropy) {
    const int64_t T = ids.size(1);
    at::Tensor h = model.hidden(ids, positions_from_mask(mask), mask, nullptr).narrow(1, 0, T - 1);
    at::Tensor logits = model.lm_logits(h);
    at::Tensor logp = at::log_softmax(logits, -1);
    Outputs out;
    out.logprobs = logp.gather(-1, ids.narrow(1, 1, T - 1).unsqueeze(-1)).squeeze(-1);
    out.values = model.value(h);
    if (entropy) out.entropy = -(logp.exp() * logp).sum(-1);
    return out;
}

// The step's matrix-product type (ComputeScope), opened on every thread that runs its forwards.
int32_t step_dtype(const dfy_ppo_options& o) { return o.compute_dtype == 0 ? DFY_DTYPE_FLOAT32 : o.compute_dtype; }

double masked_mean(const at::Tensor& x, const at::Tensor& m) { return ((x * m).sum() / m.sum()).item<double>(); }

struct Losses {
    at::Tensor total, policy, value, entropy, approx_kl, clip_fraction, value_clip_fraction;
};

// The per-token inputs of the loss (act: 1 at action positions) for a set of rows.
struct Targets {
    at::Tensor old_logprobs, old_values, advantages, returns, act;
    Targets rows(const at::Tensor& index) const {
        return {old_logprobs.index_select(0, index), old_values.index_select(0, index), advantages.index_select(0, index),
                returns.index_select(0, index), act.index_select(0, index)};
    }
};

// Masked means over the action tokens of a whole minibatch: `count` is the minibatch's token
// count, so that the losses of row pieces of one minibatch add up to the minibatch's.
Losses losses(const Outputs& now, const Targets& t, double count, const dfy_ppo_options& o, bool with_entropy) {
    const at::Tensor &old_logprobs = t.old_logprobs, &old_values = t.old_values, &advantages = t.advantages,
                     &returns = t.returns, &m = t.act;
    auto mean = [&](const at::Tensor& x) { return (x * m).sum() / count; };
    Losses l;
    at::Tensor log_ratio = now.logprobs - old_logprobs;
    at::Tensor ratio = log_ratio.exp();
    at::Tensor pg1 = -advantages * ratio;
    at::Tensor pg2 = -advantages * ratio.clamp(1 - o.clip_range, 1 + o.clip_range);
    l.policy = mean(at::max(pg1, pg2));
    // Clamp the new value itself (as TRL's clip_by_value): old + clamp(new - old) can land one
    // rounding step off `new` and count an unclipped token as clipped.
    at::Tensor clipped = at::min(at::max(now.values, old_values - o.clip_range_value), old_values + o.clip_range_value);
    at::Tensor vf1 = (now.values - returns).pow(2);
    at::Tensor vf2 = (clipped - returns).pow(2);
    l.value = 0.5 * mean(at::max(vf1, vf2));
    l.total = l.policy + o.value_coef * l.value;
    if (with_entropy) {
        l.entropy = mean(now.entropy);
        if (o.entropy_coef > 0) l.total = l.total - o.entropy_coef * l.entropy;
    }
    c10::NoGradGuard no_grad;
    l.approx_kl = mean(0.5 * log_ratio.pow(2));
    l.clip_fraction = mean(pg2.gt(pg1).to(at::kFloat));
    l.value_clip_fraction = mean(vf2.gt(vf1).to(at::kFloat));
    return l;
}

// Sums the gradients over the group's ranks in one collective: every gradient flattened into one
// buffer, with a flag per weight saying whether this rank has its gradient (a rank without rows
// in a minibatch has none), so that a weight no rank reached stays without one, as alone.
void reduce_gradients(const Group& group, const std::vector<at::Tensor>& params) {
    c10::NoGradGuard no_grad;
    std::vector<at::Tensor> parts;
    std::vector<float> flags(params.size(), 0.0f);
    for (size_t i = 0; i < params.size(); ++i) {
        const at::Tensor& g = params[i].grad();
        flags[i] = g.defined() ? 1.0f : 0.0f;
        parts.push_back(g.defined() ? g.reshape(-1) : at::zeros({params[i].numel()}, params[i].options()));
    }
    parts.push_back(at::from_blob(flags.data(), {int64_t(flags.size())}, at::kFloat).to(params[0].device()));
    at::Tensor flat = at::cat(parts);
    group.allreduce_sum(flat);
    at::Tensor reached = flat.narrow(0, flat.size(0) - int64_t(params.size()), int64_t(params.size())).to(at::kCPU);
    int64_t at = 0;
    for (size_t i = 0; i < params.size(); ++i) {
        const int64_t n = params[i].numel();
        if (reached[int64_t(i)].item<float>() > 0) {
            at::Tensor sum = flat.narrow(0, at, n).view(params[i].sizes());
            at::Tensor g = params[i].mutable_grad();
            if (g.defined()) {
                g.copy_(sum);
            } else {
                params[i].mutable_grad() = sum.clone();
            }
        }
        at += n;
    }
}

// One clipped update on the rows `index` of this process's batch, `count` the action tokens of
// the whole minibatch (over every rank); adds its statistics to `sums`. On CPU with several
// threads the rows are split into pieces whose forwards and backwards run concurrently; their
// gradients are summed in piece order, so a run is reproducible for a given thread count. A rank
// holding no row of the minibatch still joins the gradient sum. With o.max_batch_tokens > 0 each
// piece runs in micro-batches of at most that many rows x positions, their gradients accumulated
// (the losses are normalised by the whole minibatch's token count, so they add up to its loss).
void update(const InterOp& parallel, Gpt2& policy, Adam& adam, const at::Tensor& ids, const at::Tensor& mask,
            const Targets& targets, const at::Tensor& index, double count, const dfy_ppo_options& o,
            const Group* group, dfy_ppo_stats& sums) {
    const int64_t rows = index.size(0);
    const int64_t pieces = rows == 0 ? 0 : parallel.pieces(rows);
    const int64_t micro = o.max_batch_tokens > 0 ? std::max<int64_t>(1, o.max_batch_tokens / ids.size(1)) : rows;
    std::vector<std::vector<double>> piece_stats(static_cast<size_t>(pieces), std::vector<double>(6, 0.0));
    std::vector<std::vector<at::Tensor>> grads(static_cast<size_t>(pieces));
    const std::vector<at::Tensor>& params = adam.parameters();
    adam.zero_grad();
    if (pieces > 0) parallel.run(pieces, [&](int64_t p) {
        const ComputeScope precision(step_dtype(o));
        const int64_t begin = piece_begin(rows, pieces, p), end = piece_begin(rows, pieces, p + 1);
        for (int64_t first = begin; first < end; first += micro) {
            at::Tensor part = index.narrow(0, first, std::min(micro, end - first));
            Outputs now = run(policy, ids.index_select(0, part), mask.index_select(0, part), true);
            Losses l = losses(now, targets.rows(part), count, o, true);
            if (pieces == 1) {
                l.total.backward();  // accumulates into .grad across micro-batches
            } else {
                auto g = torch::autograd::grad({l.total}, params, {}, false, false, /*allow_unused=*/true);
                std::vector<at::Tensor>& acc = grads[size_t(p)];
                if (acc.empty()) {
                    acc = std::move(g);
                } else {
                    c10::NoGradGuard no_grad;
                    for (size_t i = 0; i < acc.size(); ++i)
                        if (g[i].defined()) acc[i] = acc[i].defined() ? acc[i].add_(g[i]) : g[i];
                }
            }
            std::vector<double>& st = piece_stats[size_t(p)];
            st[0] += l.policy.item<double>();
            st[1] += l.value.item<double>();
            st[2] += l.entropy.item<double>();
            st[3] += l.approx_kl.item<double>();
            st[4] += l.clip_fraction.item<double>();
            st[5] += l.value_clip_fraction.item<double>();
        }
    });
    if (pieces > 1) {
        c10::NoGradGuard no_grad;
        for (size_t i = 0; i < params.size(); ++i) {
            at::Tensor g = params[i].mutable_grad();
            for (const auto& piece : grads)
                if (piece[i].defined()) g = g.defined() ? g.add_(piece[i]) : piece[i].clone();
            params[i].mutable_grad() = g;
        }
    }
    if (group != nullptr) reduce_gradients(*group, params);
    sums.grad_norm += adam.step();
    for (const std::vector<double>& st : piece_stats) {
        sums.policy_loss += st[0];
        sums.value_loss += st[1];
        sums.entropy += st[2];
        sums.approx_kl += st[3];
        sums.clip_fraction += st[4];
        sums.value_clip_fraction += st[5];
    }
}

// The whole batch's loss, in the row pieces of `parallel`: outputs(part) gives the rows' outputs.
// The loss before and after the update are summed the same way, so that with the weights unchanged
// they are the same number.
double batch_loss(const InterOp& parallel, const Targets& targets, double count, const dfy_ppo_options& o,
                  const std::function<Outputs(const at::Tensor&)>& outputs) {
    const int64_t rows = targets.act.size(0);
    const int64_t pieces = parallel.pieces(rows);
    std::vector<double> totals(static_cast<size_t>(pieces));
    parallel.run(pieces, [&](int64_t p) {
        c10::InferenceMode no_grad;
        const ComputeScope precision(step_dtype(o));
        const int64_t begin = piece_begin(rows, pieces, p), end = piece_begin(rows, pieces, p + 1);
        at::Tensor part = at::arange(begin, end, targets.act.options().dtype(at::kLong));
        totals[size_t(p)] = losses(outputs(part), targets.rows(part), count, o, o.entropy_coef > 0).total.item<double>();
    });
    return std::accumulate(totals.begin(), totals.end(), 0.0);
}

}  // namespace

void gae(const double* rewards, const double* values, int64_t n, double gamma, double lam, double* advantages,
         double* returns) {
    double next_value = 0, running = 0;
    for (int64_t t = n - 1; t >= 0; --t) {
        const double delta = rewards[t] + gamma * next_value - values[t];
        running = delta + gamma * lam * running;
        advantages[t] = running;
        returns[t] = running + values[t];
        next_value = values[t];
    }
}

Rollouts prepare_rollouts(const Gpt2& policy, const int64_t* ids, const int64_t* mask, int64_t batch, int64_t seq_len,
                          const int64_t* response_start, const int64_t* response_length, const float* rewards) {
    TokenBatch tokens = read_batch(policy, ids, mask, batch, seq_len);
    // Action t predicts token t + 1; actions of row b: [start - 1, start + length - 1).
    at::Tensor act = at::zeros({batch, seq_len - 1}, at::kFloat);
    at::Tensor given = at::zeros({batch, seq_len - 1}, at::kFloat);
    int64_t packed = 0;
    const bool* m = tokens.mask.data_ptr<bool>();
    auto act_a = act.accessor<float, 2>();
    auto given_a = given.accessor<float, 2>();
    for (int64_t b = 0; b < batch; ++b) {
        const int64_t s = response_start[b], n = response_length[b];
        require(s >= 1 && n >= 1 && s + n <= seq_len, "row ", b, ": response [", s, ", ", s + n,
                ") must start at >= 1, be non-empty and fit in seq_len ", seq_len);
        for (int64_t t = s; t < s + n; ++t) {
            require(m[b * seq_len + t], "row ", b, ": response token ", t, " is masked out");
            const float r = rewards[packed++];
            require(std::isfinite(r), "reward of row ", b, ", token ", t - s, " is not finite (", r, ")");
            act_a[b][t - 1] = 1.0f;
            given_a[b][t - 1] = r;
        }
    }
    const at::Device dev = policy.device();
    Rollouts in;
    in.batch = batch;
    in.seq_len = seq_len;
    in.ids = tokens.ids.to(dev);
    in.mask = tokens.mask.to(dev);
    in.act = act.to(dev);
    in.act_cpu = act;
    in.given = given;
    in.response_start = response_start;
    in.response_length = response_length;
    return in;
}

OldOutputs score_rollouts(const InterOp& parallel, const Gpt2& policy, const Gpt2* reference, const Rollouts& in,
                          const dfy_ppo_options& o) {
    // The old policy's and the reference's forwards are independent: on CPU with several
    // threads they run side by side. Clones are made in inference mode: the outputs outlive
    // it as plain inputs of the loss.
    OldOutputs old;
    at::Tensor ref_logprobs;
    // Within the memory budget too: rows of at most max_batch_tokens positions a forward (their
    // logits are the largest tensors of the step), the outputs concatenated.
    const int64_t rows = o.max_batch_tokens > 0 ? std::max<int64_t>(1, o.max_batch_tokens / in.seq_len) : in.batch;
    auto forward = [&](const Gpt2& model, bool entropy) {
        if (rows >= in.batch) return run(model, in.ids, in.mask, entropy);
        std::vector<at::Tensor> logprobs, values, entropies;
        for (int64_t first = 0; first < in.batch; first += rows) {
            const int64_t n = std::min(rows, in.batch - first);
            Outputs part = run(model, in.ids.narrow(0, first, n), in.mask.narrow(0, first, n), entropy);
            logprobs.push_back(part.logprobs);
            values.push_back(part.values);
            if (entropy) entropies.push_back(part.entropy);
        }
        Outputs out{at::cat(logprobs), at::cat(values), entropy ? at::cat(entropies) : at::Tensor()};
        return out;
    };
    auto old_forward = [&] {
        c10::InferenceMode no_grad;
        const ComputeScope precision(step_dtype(o));
        // With entropy when the loss uses it: the loss before the update is read off these outputs.
        Outputs out = forward(policy, o.entropy_coef > 0);
        old.logprobs = out.logprobs.clone();
        old.values = out.values.clone();
        if (out.entropy.defined()) old.entropy = out.entropy.clone();
    };
    auto reference_forward = [&] {
        c10::InferenceMode no_grad;
        const ComputeScope precision(step_dtype(o));
        ref_logprobs = forward(*reference, false).logprobs.clone();
    };
    if (reference != nullptr && parallel.pieces(2) == 2) {
        parallel.run(2, [&](int64_t p) { p == 0 ? old_forward() : reference_forward(); });
    } else {
        old_forward();
        if (reference != nullptr) reference_forward();
    }
    c10::InferenceMode no_grad;
    if (reference != nullptr) {
        at::Tensor diff = old.logprobs - ref_logprobs;
        old.kl = (o.kl_estimator == DFY_KL_K1 ? diff : (at::exp(-diff) - 1) + diff).clone();
    } else {
        old.kl = at::zeros_like(old.logprobs);
    }
    return old;
}

Layout layout(const Rollouts& in, const Group* group) {
    Layout l;
    l.group = group;
    at::Tensor tokens = in.act_cpu.sum(1).to(at::kDouble).contiguous();
    if (group == nullptr) {
        l.global_batch = in.batch;
        l.row_tokens.assign(tokens.data_ptr<double>(), tokens.data_ptr<double>() + in.batch);
        return l;
    }
    std::vector<double> rows(size_t(group->size()), 0.0);
    rows[size_t(group->rank())] = double(in.batch);
    allreduce_sum(group, rows);
    for (int r = 0; r < group->size(); ++r) {
        if (r < group->rank()) l.offset += int64_t(rows[size_t(r)]);
        l.global_batch += int64_t(rows[size_t(r)]);
    }
    l.row_tokens.assign(size_t(l.global_batch), 0.0);
    std::copy(tokens.data_ptr<double>(), tokens.data_ptr<double>() + in.batch, l.row_tokens.begin() + l.offset);
    allreduce_sum(group, l.row_tokens);
    return l;
}

Advantages advantages(const Rollouts& in, const OldOutputs& old, const dfy_ppo_options& o, const Group* group) {
    // Per-token rewards and GAE, in double on the CPU (B x T is small next to the forwards).
    at::Tensor values_cpu = old.values.to(at::kCPU, at::kDouble).contiguous();
    at::Tensor kl_cpu = old.kl.to(at::kCPU, at::kDouble).contiguous();
    at::Tensor adv = at::zeros({in.batch, in.seq_len - 1}, at::kDouble);
    at::Tensor ret = at::zeros({in.batch, in.seq_len - 1}, at::kDouble);
    auto given_a = in.given.accessor<float, 2>();
    auto values_a = values_cpu.accessor<double, 2>();
    auto kl_a = kl_cpu.accessor<double, 2>();
    auto adv_a = adv.accessor<double, 2>();
    auto ret_a = ret.accessor<double, 2>();
    Advantages out;
    std::vector<double> r, v, a, g;
    for (int64_t b = 0; b < in.batch; ++b) {
        const int64_t first = in.response_start[b] - 1, n = in.response_length[b];
        r.resize(size_t(n));
        v.resize(size_t(n));
        a.resize(size_t(n));
        g.resize(size_t(n));
        for (int64_t j = 0; j < n; ++j) {
            const double k = kl_a[b][first + j];
            r[size_t(j)] = double(given_a[b][first + j]) - o.kl_coef * k;
            v[size_t(j)] = values_a[b][first + j];
            out.kl_total += k;
            out.reward_total += double(given_a[b][first + j]);
        }
        gae(r.data(), v.data(), n, o.gamma, o.lam, a.data(), g.data());
        for (int64_t j = 0; j < n; ++j) {
            adv_a[b][first + j] = a[size_t(j)];
            ret_a[b][first + j] = g[size_t(j)];
        }
    }
    const at::Device dev = in.act.device();
    out.advantages = adv.to(at::kFloat).to(dev);
    out.returns = ret.to(at::kFloat).to(dev);
    if (group != nullptr) {
        // The same statistics over every rank's action tokens, summed in double (two passes);
        // explained variance from float returns and residuals, as alone.
        at::Tensor ret_f = ret.to(at::kFloat), res_f = (ret_f - values_cpu.to(at::kFloat)).to(at::kDouble);
        ret_f = ret_f.to(at::kDouble);
        std::vector<double> sums{in.act_cpu.sum().item<double>(), (adv * in.act_cpu).sum().item<double>(),
                                 (ret_f * in.act_cpu).sum().item<double>(), (res_f * in.act_cpu).sum().item<double>(),
                                 out.kl_total, out.reward_total};
        allreduce_sum(group, sums);
        const double count = sums[0], adv_mean = sums[1] / count, ret_mean = sums[2] / count, res_mean = sums[3] / count;
        out.kl_total = sums[4];
        out.reward_total = sums[5];
        std::vector<double> squares{((adv - adv_mean).pow(2) * in.act_cpu).sum().item<double>(),
                                    ((ret_f - ret_mean).pow(2) * in.act_cpu).sum().item<double>(),
                                    ((res_f - res_mean).pow(2) * in.act_cpu).sum().item<double>()};
        allreduce_sum(group, squares);
        if (o.whiten_advantages) {
            const double var = squares[0] / std::max(count - 1, 1.0);
            out.advantages = ((adv - adv_mean) * (1.0 / std::sqrt(var + 1e-8)) * in.act_cpu).to(at::kFloat).to(dev);
        }
        const double total = squares[1] / count;
        out.explained_variance = total > 0 ? 1.0 - (squares[2] / count) / total : 0.0;
        return out;
    }
    if (o.whiten_advantages) {
        const at::Tensor count = in.act.sum();
        at::Tensor mean = (out.advantages * in.act).sum() / count;
        at::Tensor var = ((out.advantages - mean).pow(2) * in.act).sum() / (count - 1).clamp_min(1);
        out.advantages = (out.advantages - mean) * at::rsqrt(var + 1e-8) * in.act;
    }
    at::Tensor returns_cpu = ret.to(at::kFloat), values_float = values_cpu.to(at::kFloat);
    at::Tensor residual = returns_cpu - values_float;
    auto var = [&](const at::Tensor& x) {
        const double mean = masked_mean(x, in.act_cpu);
        return masked_mean((x - mean).pow(2), in.act_cpu);
    };
    const double total = var(returns_cpu);
    out.explained_variance = total > 0 ? 1.0 - var(residual) / total : 0.0;
    return out;
}

dfy_ppo_stats optimise(const InterOp& parallel, Gpt2& policy, Adam& adam, const Rollouts& in, const OldOutputs& old,
                       const Advantages& a, const dfy_ppo_options& o, const Layout& layout) {
    const Targets targets{old.logprobs, old.values, a.advantages, a.returns, in.act};
    const Group* group = layout.group;
    const double action_count =
        group == nullptr ? in.act.sum().item<double>()
                         : std::accumulate(layout.row_tokens.begin(), layout.row_tokens.end(), 0.0);
    dfy_ppo_stats stats{};
    const bool with_entropy = o.entropy_coef > 0;
    // Before any update the policy is the old policy: its whole-batch loss needs no forward.
    stats.loss_before = batch_loss(parallel, targets, action_count, o, [&](const at::Tensor& part) {
        Outputs rows{old.logprobs.index_select(0, part), old.values.index_select(0, part), at::Tensor()};
        if (with_entropy) rows.entropy = old.entropy.index_select(0, part);
        return rows;
    });
    stats.loss_before = allreduce_sum(group, stats.loss_before);
    std::mt19937_64 rng(o.seed);
    // The order is over the whole batch's rows (the same draws on every rank); each rank updates
    // on the rows of each minibatch that it holds.
    const int64_t batch = layout.global_batch;
    std::vector<int64_t> order(static_cast<size_t>(batch));
    std::vector<int64_t> mine;
    int64_t updates = 0;
    for (int64_t epoch = 0; epoch < o.epochs; ++epoch) {
        std::iota(order.begin(), order.end(), 0);
        for (int64_t i = batch - 1; i > 0; --i) std::swap(order[size_t(i)], order[size_t(rng() % uint64_t(i + 1))]);
        for (int64_t start = 0; start < batch; start += o.minibatch_size) {
            double count = 0;
            mine.clear();
            for (int64_t j = start; j < start + o.minibatch_size; ++j) {
                const int64_t row = order[size_t(j)];
                count += layout.row_tokens[size_t(row)];
                if (row >= layout.offset && row < layout.offset + in.batch) mine.push_back(row - layout.offset);
            }
            at::Tensor rows =
                at::from_blob(mine.data(), {int64_t(mine.size())}, at::kLong).clone().to(in.ids.device());
            update(parallel, policy, adam, in.ids, in.mask, targets, rows, count, o, group, stats);
            ++updates;
        }
    }
    if (group != nullptr) {
        // Each rank's loss pieces are shares of the minibatch's means: their sum over ranks is it.
        std::vector<double> sums{stats.policy_loss,   stats.value_loss,    stats.entropy,
                                 stats.approx_kl,     stats.clip_fraction, stats.value_clip_fraction};
        allreduce_sum(group, sums);
        stats.policy_loss = sums[0];
        stats.value_loss = sums[1];
        stats.entropy = sums[2];
        stats.approx_kl = sums[3];
        stats.clip_fraction = sums[4];
        stats.value_clip_fraction = sums[5];
    }
    for (double* field : {&stats.grad_norm, &stats.policy_loss, &stats.value_loss, &stats.entropy, &stats.approx_kl,
                          &stats.clip_fraction, &stats.value_clip_fraction})
        *field /= double(updates);
    stats.loss_after = batch_loss(parallel, targets, action_count, o, [&](const at::Tensor& part) {
        return run(policy, in.ids.index_select(0, part), in.mask.index_select(0, part), with_entropy);
    });
    stats.loss_after = allreduce_sum(group, stats.loss_after);
    stats.explained_variance = a.explained_variance;
    stats.kl_reference = a.kl_total / double(batch);
    stats.reward = a.reward_total / double(batch);
    return stats;
}

}  // namespace dfy::ppo
