// Policy entry points: batched forward (logits, values, token log-probs) and generation.
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "handle.hpp"

using namespace dfy;

namespace {

void validate_generate_options(const dfy_generate_options& o, const dfy_model_config& c) {
    require(o.max_new_tokens >= 1, "max_new_tokens must be >= 1, got ", o.max_new_tokens);
    require(std::isfinite(o.temperature) && o.temperature >= 0,
            "temperature must be finite and >= 0 (0 = greedy), got ", o.temperature);
    require(o.top_k >= 0, "top_k must be >= 0 (0 = off), got ", o.top_k);
    require(std::isfinite(o.top_p) && o.top_p > 0 && o.top_p <= 1, "top_p must be in (0, 1], got ", o.top_p);
    require(o.stop_token == -1 || (o.stop_token >= 0 && o.stop_token < c.vocab_size),
            "stop_token must be -1 or in [0, ", c.vocab_size, "), got ", o.stop_token);
    require(o.pad_token >= 0 && o.pad_token < c.vocab_size, "pad_token must be in [0, ", c.vocab_size, "), got ",
            o.pad_token);
    require(o.use_cache == 0 || o.use_cache == 1, "use_cache must be 0 or 1, got ", o.use_cache);
}

// One independent stream per row, so chunking a batch never changes a row's samples.
std::mt19937_64 row_stream(uint64_t seed, int64_t row) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * uint64_t(row + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return std::mt19937_64(z ^ (z >> 31));
}

// Picks one token per row from logits [B, V]; returns (tokens [B], log-probs [B]) where the
// log-prob is under the temperature-scaled, unfiltered distribution.
std::pair<at::Tensor, at::Tensor> sample(const at::Tensor& logits, const dfy_generate_options& o,
                                         const at::Tensor& uniforms) {
    const int64_t V = logits.size(1);
    if (o.temperature == 0) {
        at::Tensor tokens = logits.argmax(-1);
        return {tokens, token_logprobs(logits, tokens)};
    }
    // In double, after subtracting the row maximum: a tiny temperature then sharpens the
    // distribution towards greedy instead of overflowing float32 into NaN.
    at::Tensor shifted = logits.to(at::kDouble);
    at::Tensor scaled = (shifted - std::get<0>(shifted.max(-1, true))) / o.temperature;
    at::Tensor filtered = scaled;
    if (o.top_k > 0 && o.top_k < V) {
        at::Tensor kth = std::get<0>(scaled.topk(o.top_k, -1)).narrow(-1, o.top_k - 1, 1);
        filtered = scaled.masked_fill(scaled < kth, -std::numeric_limits<float>::infinity());
    }
    at::Tensor probs;
    at::Tensor order;  // when set, probs are in this (descending) order
    if (o.top_p < 1) {
        auto sorted = filtered.sort(-1, /*descending=*/true);
        at::Tensor p = at::softmax(std::get<0>(sorted), -1);
        // Keep the smallest head whose mass reaches top_p: drop a token when the mass
        // before it already does. The first token is always kept.
        at::Tensor before = p.cumsum(-1) - p;
        p = p.masked_fill(before >= o.top_p, 0);
        probs = p;
        order = std::get<1>(sorted);
    } else {
        probs = at::softmax(filtered, -1);
    }
    // Inverse CDF with caller-drawn uniforms in (0, 1): device-independent and seeded.
    at::Tensor cdf = probs.cumsum(-1);
    at::Tensor target = uniforms.unsqueeze(-1) * cdf.narrow(-1, V - 1, 1);
    at::Tensor index = cdf.lt(target).sum(-1).clamp_max(V - 1);
    at::Tensor tokens = order.defined() ? order.gather(-1, index.unsqueeze(-1)).squeeze(-1) : index;
    return {tokens, token_logprobs(scaled, tokens)};
}

void generate_chunk(const Gpt2& model, const int64_t* prompt_ids, const std::vector<int64_t>& offsets,
                    const int64_t* lengths, int64_t first, int64_t rows, const dfy_generate_options& o,
                    int64_t* out_ids, float* out_logprobs, int64_t* out_lengths) {
    const int64_t N = o.max_new_tokens;
    int64_t longest = 0;
    for (int64_t r = 0; r < rows; ++r) longest = std::max(longest, lengths[first + r]);
    const at::Device dev = model.device();
    auto long_cpu = at::TensorOptions().dtype(at::kLong);

    // Left-pad the prompts so every row's next token sits in the last column.
    at::Tensor ids = at::full({rows, longest}, o.pad_token, long_cpu);
    at::Tensor valid = at::zeros({rows, longest + N}, at::kBool);
    for (int64_t r = 0; r < rows; ++r) {
        int64_t len = lengths[first + r];
        std::memcpy(ids.data_ptr<int64_t>() + r * longest + (longest - len), prompt_ids + offsets[first + r],
                    size_t(len) * sizeof(int64_t));
        valid[r].narrow(0, longest - len, len + N).fill_(true);
    }
    ids = ids.to(dev);
    valid = valid.to(dev);
    at::Tensor positions = positions_from_mask(valid.narrow(1, 0, longest));
    at::Tensor next_position = positions.narrow(1, longest - 1, 1) + 1;  // [rows, 1]

    std::vector<std::mt19937_64> streams;
    for (int64_t r = 0; r < rows; ++r) streams.push_back(row_stream(o.seed, first + r));
    std::vector<float> uniform(size_t(rows), 0.f);
    std::vector<bool> finished(size_t(rows), false);
    std::vector<int64_t> produced(size_t(rows), 0);
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t s = 0; s < N; ++s) {
            out_ids[(first + r) * N + s] = o.pad_token;
            out_logprobs[(first + r) * N + s] = 0.f;
        }
    }

    KvCache cache;
    if (o.use_cache) cache = model.make_cache(rows, longest + N);
    at::Tensor sequence = ids;  // the no-cache path re-reads the whole sequence every step
    at::Tensor h = model.hidden(ids, positions, valid.narrow(1, 0, longest), o.use_cache ? &cache : nullptr);
    for (int64_t s = 0; s < N; ++s) {
        at::Tensor logits = model.lm_logits(h.select(1, h.size(1) - 1));  // [rows, V]
        for (int64_t r = 0; r < rows; ++r)
            uniform[size_t(r)] = float((double(streams[size_t(r)]() >> 11) + 0.5) * (1.0 / 9007199254740992.0));
        at::Tensor u = at::from_blob(uniform.data(), {rows}, at::kFloat).to(dev);
        auto [tokens, logprobs] = sample(logits, o, u);
        at::Tensor tokens_cpu = tokens.to(at::kCPU).contiguous();
        at::Tensor logprobs_cpu = logprobs.to(at::kCPU, at::kFloat).contiguous();
        int64_t* tok = tokens_cpu.data_ptr<int64_t>();
        const float* lp = logprobs_cpu.data_ptr<float>();
        bool all_done = true;
        for (int64_t r = 0; r < rows; ++r) {
            if (finished[size_t(r)]) {
                tok[r] = o.pad_token;
                continue;
            }
            out_ids[(first + r) * N + s] = tok[r];
            out_logprobs[(first + r) * N + s] = lp[r];
            produced[size_t(r)] = s + 1;
            if (tok[r] == o.stop_token) finished[size_t(r)] = true;
            all_done = all_done && finished[size_t(r)];
        }
        if (all_done || s + 1 == N) break;
        at::Tensor next = tokens_cpu.to(dev).view({rows, 1});
        at::Tensor step_positions = next_position + s;
        if (o.use_cache) {
            h = model.hidden(next, step_positions, valid.narrow(1, 0, longest + s + 1), &cache);
        } else {
            sequence = at::cat({sequence, next}, 1);
            positions = at::cat({positions, step_positions}, 1);
            h = model.hidden(sequence, positions, valid.narrow(1, 0, longest + s + 1), nullptr);
        }
    }
    for (int64_t r = 0; r < rows; ++r) out_lengths[first + r] = produced[size_t(r)];
}

}  // namespace

extern "C" {

DFY_API dfy_status dfy_policy_forward(dfy_model handle, const int64_t* ids, const int64_t* mask, int64_t batch,
                                      int64_t seq_len, float* logits, float* values, float* token_logprobs_out) {
    return guarded([&] {
        Gpt2& model = model_of(handle, DFY_MODEL_POLICY, "policy");
        TokenBatch in = read_batch(model, ids, mask, batch, seq_len);
        const int64_t V = model.config().vocab_size;
        if (logits != nullptr) checked_mul(checked_mul(batch, seq_len, "batch * seq_len"), V, "logits size");
        const bool need_logits = logits != nullptr || token_logprobs_out != nullptr;
        for_chunks_inference(model.device(), batch, rows_per_chunk(model.config(), seq_len, need_logits),
                             [&](int64_t first, int64_t rows) {
            at::Tensor chunk_ids = in.ids.narrow(0, first, rows).to(model.device());
            at::Tensor chunk_mask = in.mask.narrow(0, first, rows).to(model.device());
            at::Tensor h = model.hidden(chunk_ids, positions_from_mask(chunk_mask), chunk_mask, nullptr);
            if (values != nullptr) copy_out(model.value(h), values + first * seq_len);
            if (!need_logits) return;
            at::Tensor l = model.lm_logits(h);  // [rows, T, V]
            if (logits != nullptr) copy_out(l, logits + first * seq_len * V);
            if (token_logprobs_out != nullptr && seq_len > 1) {
                at::Tensor lp = token_logprobs(l.narrow(1, 0, seq_len - 1).reshape({-1, V}),
                                               chunk_ids.narrow(1, 1, seq_len - 1).reshape({-1}))
                                    .view({rows, seq_len - 1});
                lp = lp.masked_fill(chunk_mask.narrow(1, 1, seq_len - 1).logical_not(), 0);
                copy_out(lp, token_logprobs_out + first * (seq_len - 1));
            }
        });
        if (values != nullptr) require_finite_output(values, batch, seq_len, 1, in.mask, "policy", "values");
        if (logits != nullptr) require_finite_output(logits, batch, seq_len, V, in.mask, "policy", "logits");
        if (token_logprobs_out != nullptr && seq_len > 1)
            require_finite_output(token_logprobs_out, batch * (seq_len - 1), 1, 1, at::Tensor(), "policy",
                                  "token log-probabilities");
    });
}

DFY_API dfy_status dfy_policy_generate(dfy_model handle, const int64_t* prompt_ids, int64_t total_prompt_tokens,
                                       const int64_t* prompt_lengths, int64_t batch,
                                       const dfy_generate_options* options, int64_t* out_ids, float* out_logprobs,
                                       int64_t* out_lengths) {
    return guarded([&] {
        Gpt2& model = model_of(handle, DFY_MODEL_POLICY, "policy");
        const auto& c = model.config();
        require_pointer(options, "options");
        validate_generate_options(*options, c);
        require(batch >= 1, "empty batch: batch must be >= 1, got ", batch);
        require_pointer(prompt_ids, "prompt_ids");
        require_pointer(prompt_lengths, "prompt_lengths");
        require_pointer(out_ids, "out_ids");
        require_pointer(out_logprobs, "out_logprobs");
        require_pointer(out_lengths, "out_lengths");
        checked_mul(batch, options->max_new_tokens, "batch * max_new_tokens");
        std::vector<int64_t> offsets(size_t(batch), 0);
        int64_t total = 0, longest = 0;
        for (int64_t b = 0; b < batch; ++b) {
            int64_t len = prompt_lengths[b];
            require(len >= 1, "prompt ", b, " is empty (length ", len, ")");
            require(len + options->max_new_tokens <= c.n_positions, "prompt ", b, " of ", len, " tokens plus ",
                    options->max_new_tokens, " new tokens is longer than the model's context of ", c.n_positions,
                    " (n_positions)");
            offsets[size_t(b)] = total;
            total += len;
            longest = std::max(longest, len);
        }
        require(total == total_prompt_tokens, "prompt_lengths sum to ", total, " but total_prompt_tokens is ",
                total_prompt_tokens);
        for (int64_t i = 0; i < total; ++i)
            if (prompt_ids[i] < 0 || prompt_ids[i] >= c.vocab_size)
                invalid("prompt token id ", prompt_ids[i], " at packed index ", i, " is outside the vocabulary [0, ",
                        c.vocab_size, ")");
        const int64_t rows = rows_per_chunk(c, longest + options->max_new_tokens, false);
        for_chunks_inference(model.device(), batch, rows, [&](int64_t first, int64_t count) {
            generate_chunk(model, prompt_ids, offsets, prompt_lengths, first, count, *options, out_ids, out_logprobs,
                           out_lengths);
        });
        // Sampling from non-finite logits yields arbitrary ids; their log-probabilities say so.
        at::Tensor produced = at::arange(options->max_new_tokens, at::kLong).unsqueeze(0) <
                              at::from_blob(out_lengths, {batch, 1}, at::kLong);
        require_finite_output(out_logprobs, batch, options->max_new_tokens, 1, produced.contiguous(), "policy",
                              "log-probabilities of generated tokens");
    });
}

}  // extern "C"
