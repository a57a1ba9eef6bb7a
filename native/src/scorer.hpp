// The scorers that evaluate attribution queries in packed batches.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "attribution.hpp"

namespace dfy::attribution {

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

}  // namespace dfy::attribution
