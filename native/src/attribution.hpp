// Token attribution: the designs (which masked evaluations to run), the scorers that run
// them in packed batches, and the solves that turn scores into per-token values.
#pragma once

#include <cstdint>
#include <random>
#include <string>
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

// ---- shared by the methods (attribution.cpp) ------------------------------------------------

// A stream per sequence that depends on the seed and the sequence's tokens only, so a
// sequence gets the same samples alone and in any batch.
std::mt19937_64 sequence_stream(uint64_t seed, const Sequence& s);
double uniform01(std::mt19937_64& rng);
int64_t uniform_int(std::mt19937_64& rng, int64_t n);  // [0, n)
// k distinct positions of [0, m) chosen uniformly: marks them in out (set to value).
void choose_positions(std::mt19937_64& rng, int64_t m, int64_t k, std::vector<uint8_t>& out, uint8_t value);
std::string key_of(const std::vector<uint8_t>& keep);
// Queries of one design, preceded by the full and the empty coalition.
void add_queries(std::vector<Query>& queries, int64_t sequence, int64_t m, const std::vector<std::vector<uint8_t>>& rows);
void check_common(const std::vector<Sequence>& sequences, const dfy_attribution_options& o);
// A reward model with non-finite weights (or an overflow) must not yield attributions.
void check_finite(const at::Tensor& scores, const char* what);

}  // namespace dfy::attribution
