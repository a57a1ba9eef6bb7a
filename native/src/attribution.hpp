// Token attribution: the designs (which masked evaluations to run), the scorers that run
// them in packed batches, and the solves that turn scores into per-token values.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "densify.h"
#include "gpt2.hpp"

namespace dfy::attribution {

struct Sequence {
    std::vector<int64_t> prompt;
    std::vector<int64_t> response;
};

// One evaluation: sequence index and which response tokens are kept (1) or removed (0).
struct Query {
    int64_t sequence;
    std::vector<uint8_t> keep;
};

// Evaluates f on queries; implementations pack queries of many sequences into batches.
class Scorer {
public:
    virtual ~Scorer() = default;
    virtual std::vector<double> score(const std::vector<Sequence>& sequences, const std::vector<Query>& queries) = 0;
};

// Reward model: the prompt and the prefix shared with the unmodified sequence are computed
// once per sequence and reused through the KV cache (when reuse_prefix); every forward
// stays under max_batch_tokens rows x key positions.
class ModelScorer final : public Scorer {
public:
    ModelScorer(const Gpt2& model, int64_t baseline_token, int64_t max_batch_tokens, bool reuse_prefix);
    std::vector<double> score(const std::vector<Sequence>& sequences, const std::vector<Query>& queries) override;

private:
    void score_group(const std::vector<Sequence>& sequences, const std::vector<int64_t>& group,
                     const std::vector<Query>& queries, const std::vector<int64_t>& members, std::vector<double>& out);
    const Gpt2& model_;
    int64_t baseline_;
    int64_t budget_;
    bool reuse_prefix_;
};

// Any scorer of right-padded token rows (a Java callback, or the model without reuse).
using RowScorer = std::function<void(const int64_t* ids, const int64_t* mask, int64_t batch, int64_t seq_len,
                                     float* out)>;

class RowsScorer final : public Scorer {
public:
    // non_finite: the status of a NaN or infinite score, named after source in the message.
    RowsScorer(RowScorer rows, int64_t baseline_token, int64_t max_batch_tokens, dfy_status non_finite,
               const char* source);
    std::vector<double> score(const std::vector<Sequence>& sequences, const std::vector<Query>& queries) override;

private:
    RowScorer rows_;
    int64_t baseline_;
    int64_t budget_;
    dfy_status non_finite_;
    const char* source_;
};

struct Result {
    std::vector<double> values;  // one per response token
    double full = 0;             // f(x)
    double baseline = 0;         // f(all removed)
    int64_t evaluations = 0;
    double diagnostic = 0;
};

// KernelSHAP / LIME for every sequence: designs for all sequences are evaluated together by
// the scorer (one packed pass), then solved per sequence.
std::vector<Result> kernel_shap(const std::vector<Sequence>& sequences, const dfy_attribution_options& options,
                                Scorer& scorer);
std::vector<Result> lime(const std::vector<Sequence>& sequences, const dfy_attribution_options& options,
                         Scorer& scorer);
// Last-layer attention from the scoring position, mean over heads, over response tokens.
std::vector<Result> attention(const Gpt2& model, const std::vector<Sequence>& sequences,
                              const dfy_attribution_options& options);

}  // namespace dfy::attribution
