// Attribution entry points: a reward model (native forwards) or a caller's scorer.
#include <algorithm>
#include <cmath>
#include <vector>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "attribution.hpp"
#include "scorer.hpp"
#include "handle.hpp"
#include "parallel.hpp"
#include "scripted.hpp"

using namespace dfy;
using dfy::attribution::Result;
using dfy::attribution::Sequence;

namespace {

std::vector<Sequence> read_sequences(const int64_t* tokens, int64_t total_tokens, const int64_t* prompt_lengths,
                                     const int64_t* response_lengths, int64_t batch, int64_t vocab,
                                     int64_t max_length) {
    require(batch >= 1, "empty batch: batch must be >= 1, got ", batch);
    require_pointer(tokens, "tokens");
    require_pointer(prompt_lengths, "prompt_lengths");
    require_pointer(response_lengths, "response_lengths");
    std::vector<Sequence> out(static_cast<size_t>(batch));
    int64_t offset = 0;
    for (int64_t b = 0; b < batch; ++b) {
        const int64_t p = prompt_lengths[b], m = response_lengths[b];
        require(p >= 0, "prompt ", b, " has negative length ", p);
        require(m >= 1, "sequence ", b, " has an empty response (length ", m, ")");
        require(p + m <= max_length, "sequence ", b, " of ", p + m, " tokens is longer than the context of ", max_length);
        require(offset + p + m <= total_tokens, "prompt_lengths and response_lengths run past total_tokens (",
                total_tokens, ")");
        for (int64_t i = 0; i < p + m; ++i) {
            const int64_t id = tokens[offset + i];
            if (id < 0 || id >= vocab)
                invalid("token id ", id, " of sequence ", b, " at position ", i, " is outside the vocabulary [0, ", vocab, ")");
        }
        out[size_t(b)].prompt.assign(tokens + offset, tokens + offset + p);
        out[size_t(b)].response.assign(tokens + offset + p, tokens + offset + p + m);
        offset += p + m;
    }
    require(offset == total_tokens, "lengths sum to ", offset, " tokens but total_tokens is ", total_tokens);
    return out;
}

void check_options(const dfy_attribution_options& o, int64_t vocab) {
    require(o.method == DFY_ATTRIBUTION_SHAP || o.method == DFY_ATTRIBUTION_LIME || o.method == DFY_ATTRIBUTION_ATTENTION,
            "unknown attribution method ", o.method, " (1 = SHAP, 2 = LIME, 3 = attention)");
    require(o.baseline_token >= 0 && o.baseline_token < vocab, "baseline_token must be in [0, ", vocab, "), got ",
            o.baseline_token);
    require(o.max_batch_tokens >= 1, "max_batch_tokens must be >= 1, got ", o.max_batch_tokens);
    require(o.reuse_prefix == 0 || o.reuse_prefix == 1, "reuse_prefix must be 0 or 1, got ", o.reuse_prefix);
}

void write_results(const std::vector<Result>& results, float* attributions, float* full, float* baseline,
                   int64_t* evaluations, float* diagnostic) {
    int64_t k = 0;
    for (size_t b = 0; b < results.size(); ++b) {
        const Result& r = results[b];
        for (double v : r.values) attributions[k++] = float(v);
        if (full != nullptr) full[b] = float(r.full);
        if (baseline != nullptr) baseline[b] = float(r.baseline);
        if (evaluations != nullptr) evaluations[b] = r.evaluations;
        if (diagnostic != nullptr) diagnostic[b] = float(r.diagnostic);
    }
}

std::vector<Result> run(attribution::Scorer& scorer, const std::vector<Sequence>& sequences,
                        const dfy_attribution_options& o) {
    if (o.method == DFY_ATTRIBUTION_SHAP) return attribution::kernel_shap(sequences, o, scorer);
    return attribution::lime(sequences, o, scorer);
}

// Attributions of a reward model's scores.
std::vector<Result> attribute(const Gpt2& model, const std::vector<Sequence>& sequences, const dfy_attribution_options& o) {
    if (o.method == DFY_ATTRIBUTION_ATTENTION) return attribution::attention(model, sequences, o);
    if (o.reuse_prefix) {
        attribution::ModelScorer scorer(model, o.baseline_token, o.max_batch_tokens, true);
        return run(scorer, sequences, o);
    }
    attribution::RowsScorer scorer(
        [&model](const int64_t* ids, const int64_t* mask, int64_t n, int64_t width, float* out) {
            at::Tensor i = at::from_blob(const_cast<int64_t*>(ids), {n, width}, at::kLong).to(model.device());
            at::Tensor m = at::from_blob(const_cast<int64_t*>(mask), {n, width}, at::kLong).to(model.device()).to(at::kBool);
            at::Tensor h = model.hidden(i, positions_from_mask(m), m, nullptr);
            copy_out(model.score(last_hidden(h, m)), out);
        },
        o.baseline_token, o.max_batch_tokens, DFY_ERR_INTERNAL, "the reward model");
    return run(scorer, sequences, o);
}

// Attributions of a TorchScript module's scores: it is not known to be causal, so every
// evaluation runs the whole row (reuse_prefix does not apply), on the calling thread.
std::vector<Result> attribute(const ScriptedReward& script, const std::vector<Sequence>& sequences,
                              const dfy_attribution_options& o) {
    require(o.method != DFY_ATTRIBUTION_ATTENTION,
            "attention attribution needs a GPT-2 reward model; a TorchScript module exposes no attention");
    attribution::RowsScorer scorer(
        [&script](const int64_t* ids, const int64_t* mask, int64_t n, int64_t width, float* out) {
            at::Tensor i = at::from_blob(const_cast<int64_t*>(ids), {n, width}, at::kLong);
            at::Tensor m = at::from_blob(const_cast<int64_t*>(mask), {n, width}, at::kLong).to(at::kBool);
            copy_out(script.score(i, m), out);
        },
        o.baseline_token, o.max_batch_tokens, DFY_ERR_CALLBACK, "the TorchScript reward model");
    return run(scorer, sequences, o);
}

}  // namespace

extern "C" {

DFY_API dfy_status dfy_attribute(dfy_model reward, const int64_t* tokens, int64_t total_tokens,
                                 const int64_t* prompt_lengths, const int64_t* response_lengths, int64_t batch,
                                 const dfy_attribution_options* options, float* out_attributions, float* out_full,
                                 float* out_baseline, int64_t* out_evaluations, float* out_diagnostic) {
    return guarded([&] {
        if (const ScriptedReward* script = script_of(reward)) {
            require_pointer(options, "options");
            require_pointer(out_attributions, "out_attributions");
            check_options(*options, script->vocab_size());
            auto sequences = read_sequences(tokens, total_tokens, prompt_lengths, response_lengths, batch,
                                            script->vocab_size(), script->max_length());
            write_results(attribute(*script, sequences, *options), out_attributions, out_full, out_baseline,
                          out_evaluations, out_diagnostic);
            return;
        }
        const Gpt2& model = model_of(reward, DFY_MODEL_REWARD, "reward model");
        require_pointer(options, "options");
        require_pointer(out_attributions, "out_attributions");
        const auto& c = model.config();
        check_options(*options, c.vocab_size);
        auto sequences = read_sequences(tokens, total_tokens, prompt_lengths, response_lengths, batch, c.vocab_size,
                                        c.n_positions);
        // Sequences are independent (each samples from its own stream): on CPU with several
        // threads they are split into pieces attributed side by side, each piece within its
        // share of the memory budget.
        const InterOp parallel(model.device());
        const int64_t pieces = parallel.pieces(batch);
        dfy_attribution_options o = *options;
        o.max_batch_tokens = std::max<int64_t>(1, options->max_batch_tokens / pieces);
        std::vector<std::vector<Result>> parts(static_cast<size_t>(pieces));
        check_compute_dtype(model.device());
        const int32_t dtype = compute_dtype();
        parallel.run(pieces, [&](int64_t p) {
            c10::InferenceMode no_grad;
            const ComputeScope precision(dtype);
            const std::vector<Sequence> mine(sequences.begin() + piece_begin(batch, pieces, p),
                                             sequences.begin() + piece_begin(batch, pieces, p + 1));
            parts[size_t(p)] = attribute(model, mine, o);
        });
        std::vector<Result> results;
        for (auto& part : parts) results.insert(results.end(), part.begin(), part.end());
        write_results(results, out_attributions, out_full, out_baseline, out_evaluations, out_diagnostic);
    });
}

DFY_API dfy_status dfy_attribute_callback(dfy_score_fn scorer_fn, void* user_data, int64_t vocab_size,
                                          const int64_t* tokens, int64_t total_tokens, const int64_t* prompt_lengths,
                                          const int64_t* response_lengths, int64_t batch,
                                          const dfy_attribution_options* options, float* out_attributions,
                                          float* out_full, float* out_baseline, int64_t* out_evaluations,
                                          float* out_diagnostic) {
    return guarded([&] {
        require(scorer_fn != nullptr, "scorer is NULL");
        require(vocab_size >= 1, "vocab_size must be >= 1, got ", vocab_size);
        require_pointer(options, "options");
        require_pointer(out_attributions, "out_attributions");
        check_options(*options, vocab_size);
        require(options->method != DFY_ATTRIBUTION_ATTENTION,
                "attention attribution needs a reward model; a scorer callback has no attention");
        auto sequences = read_sequences(tokens, total_tokens, prompt_lengths, response_lengths, batch, vocab_size,
                                        int64_t(1) << 40);
        attribution::RowsScorer scorer(
            [&](const int64_t* ids, const int64_t* mask, int64_t n, int64_t width, float* out) {
                int32_t status = scorer_fn(user_data, ids, mask, n, width, out);
                if (status != 0) fail(DFY_ERR_CALLBACK, "scorer callback failed (status ", status, ")");
            },
            options->baseline_token, options->max_batch_tokens, DFY_ERR_CALLBACK, "the scorer callback");
        write_results(run(scorer, sequences, *options), out_attributions, out_full, out_baseline, out_evaluations,
                      out_diagnostic);
    });
}

}  // extern "C"
