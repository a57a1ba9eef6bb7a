// LIME (Ribeiro et al. 2016) over response tokens, as lime's LimeTextExplainer samples: a
// perturbation removes a uniformly drawn number of distinct tokens; rows are weighted by an
// exponential kernel of the cosine distance and fitted by ridge regression with an intercept.
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
#include "linalg.hpp"

namespace dfy::attribution {

using linalg::solve_psd;

std::vector<Result> lime(const std::vector<Sequence>& sequences, const dfy_attribution_options& o, Scorer& scorer) {
    check_common(sequences, o);
    require(std::isfinite(o.lime_kernel_width) && o.lime_kernel_width > 0, "lime_kernel_width must be finite and > 0, got ",
            o.lime_kernel_width);
    require(std::isfinite(o.ridge_alpha) && o.ridge_alpha >= 0, "ridge_alpha must be finite and >= 0, got ", o.ridge_alpha);
    // Perturbation rows as lime draws them; identical rows are evaluated once.
    std::vector<std::vector<std::vector<uint8_t>>> samples(sequences.size());
    std::vector<std::vector<size_t>> sample_query(sequences.size());
    std::vector<Query> queries;
    std::vector<size_t> first_query;
    for (size_t i = 0; i < sequences.size(); ++i) {
        const int64_t m = int64_t(sequences[i].response.size());
        auto rng = sequence_stream(o.seed, sequences[i]);
        first_query.push_back(queries.size());
        add_queries(queries, int64_t(i), m, {});
        std::unordered_map<std::string, size_t> seen;
        seen.emplace(key_of(queries[first_query[i]].keep), first_query[i]);
        seen.emplace(key_of(queries[first_query[i] + 1].keep), first_query[i] + 1);
        for (int64_t k = 0; k < o.samples; ++k) {
            std::vector<uint8_t> keep(static_cast<size_t>(m), 1);
            if (k > 0) choose_positions(rng, m, 1 + uniform_int(rng, m), keep, 0);
            auto [it, fresh] = seen.emplace(key_of(keep), queries.size());
            if (fresh) queries.push_back(Query{int64_t(i), keep});
            sample_query[i].push_back(it->second);
            samples[i].push_back(std::move(keep));
        }
    }
    std::vector<double> y = scorer.score(sequences, queries);
    std::vector<Result> results(sequences.size());
    for (size_t i = 0; i < sequences.size(); ++i) {
        const int64_t m = int64_t(sequences[i].response.size());
        const size_t n = samples[i].size();
        Result& r = results[i];
        r.full = y[first_query[i]];
        r.baseline = y[first_query[i] + 1];
        r.evaluations = int64_t((i + 1 < sequences.size() ? first_query[i + 1] : queries.size()) - first_query[i]);
        std::vector<double> w(n), ys(n);
        double wsum = 0;
        std::vector<double> xmean(static_cast<size_t>(m), 0.0);
        double ymean = 0;
        for (size_t k = 0; k < n; ++k) {
            int64_t kept = 0;
            for (uint8_t b : samples[i][k]) kept += b;
            // Cosine distance between a 0/1 row and the all-ones row, x 100 (as lime).
            double distance = kept == 0 ? 100.0 : (1.0 - std::sqrt(double(kept) / double(m))) * 100.0;
            w[k] = std::sqrt(std::exp(-(distance * distance) / (o.lime_kernel_width * o.lime_kernel_width)));
            ys[k] = y[sample_query[i][k]];
            wsum += w[k];
            ymean += w[k] * ys[k];
            for (int64_t j = 0; j < m; ++j) xmean[size_t(j)] += w[k] * samples[i][k][size_t(j)];
        }
        ymean /= wsum;
        for (double& v : xmean) v /= wsum;
        std::vector<double> a(static_cast<size_t>(m * m), 0.0), b(static_cast<size_t>(m), 0.0), xc(static_cast<size_t>(m));
        for (size_t k = 0; k < n; ++k) {
            for (int64_t j = 0; j < m; ++j) xc[size_t(j)] = samples[i][k][size_t(j)] - xmean[size_t(j)];
            const double yc = ys[k] - ymean;
            for (int64_t j = 0; j < m; ++j) {
                b[size_t(j)] += w[k] * xc[size_t(j)] * yc;
                for (int64_t l = 0; l < m; ++l) a[size_t(j * m + l)] += w[k] * xc[size_t(j)] * xc[size_t(l)];
            }
        }
        for (int64_t j = 0; j < m; ++j) a[size_t(j * m + j)] += o.ridge_alpha;
        r.values = solve_psd(a, b, m, nullptr);
        double rss = 0, tss = 0;
        for (size_t k = 0; k < n; ++k) {
            double fit = 0;
            for (int64_t j = 0; j < m; ++j) fit += (samples[i][k][size_t(j)] - xmean[size_t(j)]) * r.values[size_t(j)];
            const double yc = ys[k] - ymean;
            rss += w[k] * (yc - fit) * (yc - fit);
            tss += w[k] * yc * yc;
        }
        r.diagnostic = tss > 0 ? 1.0 - rss / tss : (rss == 0 ? 1.0 : 0.0);
    }
    return results;
}

}  // namespace dfy::attribution
