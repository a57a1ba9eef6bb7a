// What the attribution methods share: the per-sequence random streams, the packing of
// queries and the input checks. The methods are kernel_shap.cpp, lime.cpp and attention.cpp;
// the scorers that evaluate their queries are scorer.cpp.
#include "attribution.hpp"

#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "common.hpp"

namespace dfy::attribution {

// A reward model with non-finite weights (or an overflow) must not yield attributions.
void check_finite(const at::Tensor& scores, const char* what) {
    const double* p = scores.data_ptr<double>();
    for (int64_t i = 0; i < scores.numel(); ++i)
        if (!std::isfinite(p[i]))
            fail(DFY_ERR_INTERNAL, "the reward model produced a non-finite score (", p[i], ") for ", what);
}

// ---- randomness --------------------------------------------------------------------------

// A stream per sequence that depends on the seed and the sequence's tokens only, so a
// sequence gets the same samples alone and in any batch.
std::mt19937_64 sequence_stream(uint64_t seed, const Sequence& s) {
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](uint64_t v) {
        h ^= v;
        h *= 1099511628211ULL;
    };
    for (int64_t t : s.prompt) mix(uint64_t(t));
    mix(0xFFFFFFFFFFFFFFFFULL);
    for (int64_t t : s.response) mix(uint64_t(t));
    uint64_t z = seed ^ h;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return std::mt19937_64(z ^ (z >> 31));
}

double uniform01(std::mt19937_64& rng) { return (double(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }

int64_t uniform_int(std::mt19937_64& rng, int64_t n) {  // [0, n)
    return int64_t(uniform01(rng) * double(n)) % n;
}

// k distinct positions of [0, m) chosen uniformly: marks them in out (set to value).
void choose_positions(std::mt19937_64& rng, int64_t m, int64_t k, std::vector<uint8_t>& out, uint8_t value) {
    std::vector<int64_t> order(static_cast<size_t>(m));
    std::iota(order.begin(), order.end(), 0);
    for (int64_t i = 0; i < k; ++i) {
        int64_t j = i + uniform_int(rng, m - i);
        std::swap(order[size_t(i)], order[size_t(j)]);
        out[size_t(order[size_t(i)])] = value;
    }
}

std::string key_of(const std::vector<uint8_t>& keep) { return std::string(keep.begin(), keep.end()); }

// Queries of one design, preceded by the full and the empty coalition.
void add_queries(std::vector<Query>& queries, int64_t sequence, int64_t m, const std::vector<std::vector<uint8_t>>& rows) {
    queries.push_back(Query{sequence, std::vector<uint8_t>(size_t(m), 1)});
    queries.push_back(Query{sequence, std::vector<uint8_t>(size_t(m), 0)});
    for (const auto& r : rows) queries.push_back(Query{sequence, r});
}

void check_common(const std::vector<Sequence>& sequences, const dfy_attribution_options& o) {
    require(o.samples >= 2 && o.samples <= DFY_MAX_SAMPLES, "samples must be in [2, ", DFY_MAX_SAMPLES, "], got ",
            o.samples);
    for (size_t i = 0; i < sequences.size(); ++i)
        require(!sequences[i].response.empty(), "sequence ", i, " has an empty response");
}

}  // namespace dfy::attribution
