// The scorers that evaluate the methods' queries in packed batches: the reward model (with the
// shared prefix computed once through the KV cache) and any scorer of token rows (a Java callback).
#include "scorer.hpp"

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

// ---- scorers -----------------------------------------------------------------------------

ModelScorer::ModelScorer(const Gpt2& model, int64_t baseline_token, int64_t max_batch_tokens, bool reuse_prefix)
    : model_(model), baseline_(baseline_token), budget_(max_batch_tokens), reuse_prefix_(reuse_prefix) {}

std::vector<double> ModelScorer::score(const std::vector<Sequence>& sequences, const std::vector<Query>& queries) {
    std::vector<double> out(queries.size(), 0.0);
    std::vector<std::vector<int64_t>> by_sequence(sequences.size());
    for (size_t q = 0; q < queries.size(); ++q) by_sequence[size_t(queries[q].sequence)].push_back(int64_t(q));
    // Groups of whole sequences whose unmodified forward fits the budget.
    std::vector<int64_t> group, members;
    int64_t rows = 0, longest = 0;
    auto flush = [&] {
        if (group.empty()) return;
        score_group(sequences, group, queries, members, out);
        group.clear();
        members.clear();
        rows = longest = 0;
    };
    for (size_t s = 0; s < sequences.size(); ++s) {
        int64_t length = int64_t(sequences[s].prompt.size() + sequences[s].response.size());
        if (!group.empty() && (rows + 1) * std::max(longest, length) > budget_) flush();
        group.push_back(int64_t(s));
        members.insert(members.end(), by_sequence[s].begin(), by_sequence[s].end());
        ++rows;
        longest = std::max(longest, length);
    }
    flush();
    return out;
}

void ModelScorer::score_group(const std::vector<Sequence>& sequences, const std::vector<int64_t>& group,
                              const std::vector<Query>& queries, const std::vector<int64_t>& members,
                              std::vector<double>& out) {
    const at::Device dev = model_.device();
    const int64_t g = int64_t(group.size());
    int64_t longest = 0;
    for (int64_t s : group)
        longest = std::max(longest, int64_t(sequences[size_t(s)].prompt.size() + sequences[size_t(s)].response.size()));
    // The unmodified sequences, right-padded; their keys and values are the shared prefixes.
    std::vector<int64_t> ids_buffer(static_cast<size_t>(g * longest), baseline_);
    std::vector<uint8_t> mask_buffer(static_cast<size_t>(g * longest), 0);
    for (int64_t i = 0; i < g; ++i) {
        const Sequence& s = sequences[size_t(group[size_t(i)])];
        int64_t* row = ids_buffer.data() + i * longest;
        std::copy(s.prompt.begin(), s.prompt.end(), row);
        std::copy(s.response.begin(), s.response.end(), row + s.prompt.size());
        std::fill_n(mask_buffer.begin() + i * longest, s.prompt.size() + s.response.size(), uint8_t(1));
    }
    at::Tensor ids = at::from_blob(ids_buffer.data(), {g, longest}, at::kLong).to(dev);
    at::Tensor mask = at::from_blob(mask_buffer.data(), {g, longest}, at::kByte).to(dev).to(at::kBool);
    KvCache prefix = model_.make_cache(g, longest);
    at::Tensor h = model_.hidden(ids, positions_from_mask(mask), mask, &prefix);
    at::Tensor full = model_.score(last_hidden(h, mask)).to(at::kCPU, at::kDouble).contiguous();
    check_finite(full, "the unmodified sequences");
    std::unordered_map<int64_t, int64_t> local;  // sequence -> row in the group
    for (int64_t i = 0; i < g; ++i) local[group[size_t(i)]] = i;

    struct Row {
        int64_t query, local, start, length;  // start = prompt + first removed position
    };
    std::vector<Row> suffixes;
    for (int64_t q : members) {
        const Query& query = queries[size_t(q)];
        const Sequence& s = sequences[size_t(query.sequence)];
        const int64_t m = int64_t(s.response.size());
        int64_t first = 0;
        while (first < m && query.keep[size_t(first)]) ++first;
        const int64_t row = local.at(query.sequence);
        if (first == m) {
            out[size_t(q)] = full.data_ptr<double>()[row];
            continue;
        }
        suffixes.push_back(Row{q, row, int64_t(s.prompt.size()) + first, m - first});
    }
    std::stable_sort(suffixes.begin(), suffixes.end(), [](const Row& a, const Row& b) { return a.length > b.length; });
    const int64_t L = model_.config().n_layer;
    size_t begin = 0;
    while (begin < suffixes.size()) {
        // Pack rows while rows x (longest prefix + longest suffix) fits the budget.
        int64_t max_start = suffixes[begin].start, max_len = suffixes[begin].length;
        size_t end = begin + 1;
        while (end < suffixes.size()) {
            int64_t s = std::max(max_start, suffixes[end].start);
            if (int64_t(end - begin + 1) * (s + max_len) > budget_) break;
            max_start = s;
            ++end;
        }
        const int64_t n = int64_t(end - begin);
        const int64_t keys = max_start + max_len;
        // Built in plain buffers: per-row tensor operations would dominate on a GPU.
        std::vector<int64_t> sids(static_cast<size_t>(n * max_len), baseline_);
        std::vector<int64_t> positions(static_cast<size_t>(n * max_len), 0);
        std::vector<uint8_t> valid(static_cast<size_t>(n * keys), 0);
        std::vector<int64_t> rows_of(static_cast<size_t>(n)), last(static_cast<size_t>(n));
        for (int64_t r = 0; r < n; ++r) {
            const Row& row = suffixes[begin + size_t(r)];
            const Query& query = queries[size_t(row.query)];
            const Sequence& s = sequences[size_t(query.sequence)];
            const int64_t first = row.start - int64_t(s.prompt.size());
            for (int64_t j = 0; j < row.length; ++j) {
                sids[size_t(r * max_len + j)] = query.keep[size_t(first + j)] ? s.response[size_t(first + j)] : baseline_;
                positions[size_t(r * max_len + j)] = row.start + j;
            }
            std::fill_n(valid.begin() + r * keys, row.start, uint8_t(1));
            std::fill_n(valid.begin() + r * keys + max_start, row.length, uint8_t(1));
            rows_of[size_t(r)] = row.local;
            last[size_t(r)] = row.length - 1;
        }
        auto to_device = [&dev](std::vector<int64_t>& v, at::IntArrayRef shape) {
            return at::from_blob(v.data(), shape, at::kLong).to(dev);
        };
        at::Tensor index = to_device(rows_of, {n});
        KvCache cache = model_.make_cache(n, max_start + max_len);
        for (int64_t l = 0; l < L; ++l) {
            cache.keys[size_t(l)].narrow(2, 0, max_start).copy_(prefix.keys[size_t(l)].index_select(0, index).narrow(2, 0, max_start));
            cache.values[size_t(l)].narrow(2, 0, max_start).copy_(prefix.values[size_t(l)].index_select(0, index).narrow(2, 0, max_start));
        }
        cache.length = max_start;
        at::Tensor valid_mask = at::from_blob(valid.data(), {n, keys}, at::kByte).to(dev).to(at::kBool);
        at::Tensor hs = model_.hidden(to_device(sids, {n, max_len}), to_device(positions, {n, max_len}), valid_mask, &cache);
        at::Tensor picked = hs.gather(1, to_device(last, {n}).view({n, 1, 1}).expand({n, 1, hs.size(2)})).squeeze(1);
        at::Tensor scores = model_.score(picked).to(at::kCPU, at::kDouble).contiguous();
        check_finite(scores, "a masked sequence");
        for (int64_t r = 0; r < n; ++r) out[size_t(suffixes[begin + size_t(r)].query)] = scores.data_ptr<double>()[r];
        begin = end;
    }
}

RowsScorer::RowsScorer(RowScorer rows, int64_t baseline_token, int64_t max_batch_tokens, dfy_status non_finite,
                       const char* source)
    : rows_(std::move(rows)), baseline_(baseline_token), budget_(max_batch_tokens), non_finite_(non_finite),
      source_(source) {}

std::vector<double> RowsScorer::score(const std::vector<Sequence>& sequences, const std::vector<Query>& queries) {
    std::vector<double> out(queries.size(), 0.0);
    std::vector<int64_t> order(queries.size());
    std::iota(order.begin(), order.end(), 0);
    auto length = [&](int64_t q) {
        const Sequence& s = sequences[size_t(queries[size_t(q)].sequence)];
        return int64_t(s.prompt.size() + s.response.size());
    };
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return length(a) > length(b); });
    size_t begin = 0;
    std::vector<int64_t> ids, mask;
    std::vector<float> scores;
    while (begin < order.size()) {
        const int64_t width = length(order[begin]);
        size_t end = begin + 1;
        while (end < order.size() && int64_t(end - begin + 1) * width <= budget_) ++end;
        const int64_t n = int64_t(end - begin);
        ids.assign(size_t(n * width), baseline_);
        mask.assign(size_t(n * width), 0);
        for (int64_t r = 0; r < n; ++r) {
            const Query& query = queries[size_t(order[begin + size_t(r)])];
            const Sequence& s = sequences[size_t(query.sequence)];
            int64_t* t = ids.data() + r * width;
            std::copy(s.prompt.begin(), s.prompt.end(), t);
            for (size_t j = 0; j < s.response.size(); ++j) t[s.prompt.size() + j] = query.keep[j] ? s.response[j] : baseline_;
            std::fill(mask.begin() + r * width, mask.begin() + r * width + int64_t(s.prompt.size() + s.response.size()), 1);
        }
        scores.assign(size_t(n), std::numeric_limits<float>::quiet_NaN());
        rows_(ids.data(), mask.data(), n, width, scores.data());
        for (int64_t r = 0; r < n; ++r) {
            if (!std::isfinite(scores[size_t(r)]))
                fail(non_finite_, source_, " produced a non-finite score (", scores[size_t(r)], ") for a row of sequence ",
                     queries[size_t(order[begin + size_t(r)])].sequence);
            out[size_t(order[begin + size_t(r)])] = scores[size_t(r)];
        }
        begin = end;
    }
    return out;
}

}  // namespace dfy::attribution
