// Attention credit: the reward model's last-layer attention from the scoring position, mean
// over heads, over the response tokens (the model's own forward, gpt2.cpp, keeps it).
#include "attribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <unordered_map>

#include <ATen/ATen.h>

#include "common.hpp"

namespace dfy::attribution {

std::vector<Result> attention(const Gpt2& model, const std::vector<Sequence>& sequences,
                              const dfy_attribution_options& o) {
    for (size_t i = 0; i < sequences.size(); ++i)
        require(!sequences[i].response.empty(), "sequence ", i, " has an empty response");
    std::vector<Result> results(sequences.size());
    const at::Device dev = model.device();
    // Unmodified and fully-removed sequences, in groups that fit the budget.
    size_t begin = 0;
    while (begin < sequences.size()) {
        int64_t longest = int64_t(sequences[begin].prompt.size() + sequences[begin].response.size());
        size_t end = begin + 1;
        while (end < sequences.size()) {
            int64_t l = std::max(longest, int64_t(sequences[end].prompt.size() + sequences[end].response.size()));
            if (int64_t(end - begin + 1) * 2 * l > o.max_batch_tokens) break;
            longest = l;
            ++end;
        }
        const int64_t g = int64_t(end - begin);
        at::Tensor ids = at::full({2 * g, longest}, o.baseline_token, at::kLong);
        at::Tensor mask = at::zeros({2 * g, longest}, at::kBool);
        for (int64_t i = 0; i < g; ++i) {
            const Sequence& s = sequences[begin + size_t(i)];
            const int64_t total = int64_t(s.prompt.size() + s.response.size());
            for (int64_t copy = 0; copy < 2; ++copy) {
                int64_t* row = ids.data_ptr<int64_t>() + (copy * g + i) * longest;
                std::copy(s.prompt.begin(), s.prompt.end(), row);
                if (copy == 0) std::copy(s.response.begin(), s.response.end(), row + s.prompt.size());
                mask[copy * g + i].narrow(0, 0, total).fill_(true);
            }
        }
        at::Tensor dmask = mask.to(dev);
        at::Tensor probabilities;
        at::Tensor h = model.hidden(ids.to(dev), positions_from_mask(dmask), dmask, nullptr, &probabilities);
        at::Tensor scores = model.score(last_hidden(h, dmask)).to(at::kCPU, at::kDouble).contiguous();
        check_finite(scores, "the sequences whose attention is read");
        // probabilities [2g, H, T, T]: the row of each sequence's last real token, mean over heads.
        at::Tensor heads = probabilities.narrow(0, 0, g).mean(1).to(at::kCPU, at::kDouble).contiguous();  // [g, T, T]
        for (int64_t i = 0; i < g; ++i) {
            const Sequence& s = sequences[begin + size_t(i)];
            const int64_t p = int64_t(s.prompt.size()), m = int64_t(s.response.size());
            const double* row = heads.data_ptr<double>() + (i * longest + (p + m - 1)) * longest;
            Result& r = results[begin + size_t(i)];
            r.values.assign(row + p, row + p + m);
            r.full = scores.data_ptr<double>()[i];
            r.baseline = scores.data_ptr<double>()[g + i];
            r.evaluations = 2;
        }
        begin = end;
    }
    return results;
}

}  // namespace dfy::attribution
