// KernelSHAP (Lundberg & Lee 2017) over response tokens, the counterpart of shap's
// KernelExplainer (_kernel.py): the coalition design (sizes enumerated from the outside in while
// the budget covers them, the rest sampled by the Shapley kernel with complements), the exact
// Shapley values when every coalition fits, the weighted least squares constrained to
// efficiency, and the l1 feature selection (auto / AIC / BIC / top-k) before the solve.
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
namespace {

using linalg::solve_psd;

double binomial(int64_t n, int64_t k) {
    return std::exp(std::lgamma(double(n + 1)) - std::lgamma(double(k + 1)) - std::lgamma(double(n - k + 1)));
}

// ---- designs -----------------------------------------------------------------------------

struct Design {
    std::vector<std::vector<uint8_t>> coalitions;  // kept tokens
    std::vector<double> weights;
    bool exact = false;
};

// shap's KernelExplainer design: subset sizes enumerated completely, from the outside in,
// while the budget covers them; the rest sampled by the Shapley kernel with complements.
Design shap_design(int64_t m, int64_t budget, std::mt19937_64& rng) {
    Design d;
    if (m <= 62 && ((int64_t(1) << m) - 2) <= budget) {
        d.exact = true;
        for (int64_t mask = 1; mask + 1 < (int64_t(1) << m); ++mask) {
            std::vector<uint8_t> keep(static_cast<size_t>(m));
            for (int64_t j = 0; j < m; ++j) keep[size_t(j)] = uint8_t((mask >> j) & 1);
            d.coalitions.push_back(std::move(keep));
            d.weights.push_back(1.0);
        }
        return d;
    }
    const int64_t sizes = (m - 1 + 1) / 2;  // ceil((m - 1) / 2)
    const int64_t paired = (m - 1) / 2;
    std::vector<double> weight(static_cast<size_t>(sizes));
    double total = 0;
    for (int64_t s = 1; s <= sizes; ++s) {
        weight[size_t(s - 1)] = double(m - 1) / double(s * (m - s)) * (s <= paired ? 2.0 : 1.0);
        total += weight[size_t(s - 1)];
    }
    for (double& w : weight) w /= total;
    std::vector<double> remaining = weight;
    int64_t left = budget, full_sizes = 0;
    std::unordered_map<std::string, size_t> index;
    auto add = [&](std::vector<uint8_t> keep, double w) {
        std::string key = key_of(keep);
        auto it = index.find(key);
        if (it != index.end()) {
            d.weights[it->second] += w;
            return false;
        }
        index.emplace(std::move(key), d.coalitions.size());
        d.coalitions.push_back(std::move(keep));
        d.weights.push_back(w);
        return true;
    };
    for (int64_t s = 1; s <= sizes; ++s) {
        double count = binomial(m, s) * (s <= paired ? 2.0 : 1.0);
        if (!(double(left) * remaining[size_t(s - 1)] / count >= 1.0 - 1e-8)) break;
        ++full_sizes;
        left -= int64_t(std::llround(count));
        if (remaining[size_t(s - 1)] < 1.0) {
            double r = remaining[size_t(s - 1)];
            for (double& w : remaining) w /= (1.0 - r);
        }
        double w = weight[size_t(s - 1)] / binomial(m, s) / (s <= paired ? 2.0 : 1.0);
        std::vector<int64_t> pick(static_cast<size_t>(s));
        std::iota(pick.begin(), pick.end(), 0);
        for (;;) {
            std::vector<uint8_t> keep(static_cast<size_t>(m), 0);
            for (int64_t j : pick) keep[size_t(j)] = 1;
            if (s <= paired) {
                std::vector<uint8_t> complement(static_cast<size_t>(m));
                for (int64_t j = 0; j < m; ++j) complement[size_t(j)] = uint8_t(1 - keep[size_t(j)]);
                add(std::move(complement), w);
            }
            add(std::move(keep), w);
            int64_t i = s - 1;
            while (i >= 0 && pick[size_t(i)] == m - s + i) --i;
            if (i < 0) break;
            ++pick[size_t(i)];
            for (int64_t k = i + 1; k < s; ++k) pick[size_t(k)] = pick[size_t(k - 1)] + 1;
        }
    }
    const size_t fixed = d.coalitions.size();
    if (full_sizes < sizes && left > 0) {
        std::vector<double> p;
        double mass = 0;
        for (int64_t s = full_sizes + 1; s <= sizes; ++s) {
            p.push_back(weight[size_t(s - 1)] / (s <= paired ? 2.0 : 1.0));
            mass += p.back();
        }
        std::vector<double> cumulative(p.size());
        double run = 0;
        for (size_t i = 0; i < p.size(); ++i) cumulative[i] = (run += p[i] / mass);
        // Duplicates add weight instead of budget; the draw limit ends a design whose free
        // sizes are exhausted.
        for (int64_t draws = 0; left > 0 && draws < 64 * budget + 1024; ++draws) {
            double u = uniform01(rng);
            size_t which = size_t(std::lower_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
            int64_t s = full_sizes + 1 + int64_t(std::min(which, p.size() - 1));
            std::vector<uint8_t> keep(static_cast<size_t>(m), 0);
            choose_positions(rng, m, s, keep, 1);
            std::vector<uint8_t> complement(static_cast<size_t>(m));
            for (int64_t j = 0; j < m; ++j) complement[size_t(j)] = uint8_t(1 - keep[size_t(j)]);
            if (add(std::move(keep), 1.0)) --left;
            if (left > 0 && s <= paired && add(std::move(complement), 1.0)) --left;
        }
        double sampled = 0, wanted = 0;
        for (size_t i = fixed; i < d.weights.size(); ++i) sampled += d.weights[i];
        for (int64_t s = full_sizes + 1; s <= sizes; ++s) wanted += weight[size_t(s - 1)];
        for (size_t i = fixed; i < d.weights.size(); ++i) d.weights[i] *= wanted / sampled;
    }
    return d;
}

// ---- solves -----------------------------------------------------------------------------

// Exact Shapley values from the values of all 2^m coalitions (bit j of the index = token j kept).
std::vector<double> exact_shapley(const std::vector<double>& v, int64_t m) {
    std::vector<double> w(static_cast<size_t>(m));
    for (int64_t s = 0; s < m; ++s) w[size_t(s)] = 1.0 / (double(m) * binomial(m - 1, s));
    std::vector<double> phi(static_cast<size_t>(m), 0.0);
    const int64_t n = int64_t(1) << m;
    for (int64_t mask = 0; mask < n; ++mask) {
        int64_t size = __builtin_popcountll(uint64_t(mask));
        for (int64_t j = 0; j < m; ++j)
            if (!((mask >> j) & 1)) phi[size_t(j)] += w[size_t(size)] * (v[size_t(mask | (int64_t(1) << j))] - v[size_t(mask)]);
    }
    return phi;
}

// Weighted least squares under sum(phi) = full - base; returns values and the mean
// standard error (from the weighted residuals).
std::pair<std::vector<double>, double> constrained_wls(const Design& d, const std::vector<double>& y, int64_t m,
                                                       double full, double base) {
    const int64_t p = m - 1, n = int64_t(d.coalitions.size());
    const double delta = full - base;
    double weight_sum = 0;
    for (double w : d.weights) weight_sum += w;
    std::vector<double> a(static_cast<size_t>(p * p), 0.0), b(static_cast<size_t>(p), 0.0), x(static_cast<size_t>(p));
    std::vector<double> ys(static_cast<size_t>(n)), ws(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) {
        const auto& z = d.coalitions[size_t(k)];
        const double w = d.weights[size_t(k)] * double(n) / weight_sum;  // mean weight 1
        const double last = z[size_t(m - 1)];
        const double target = (y[size_t(k)] - base) - last * delta;
        for (int64_t i = 0; i < p; ++i) x[size_t(i)] = double(z[size_t(i)]) - last;
        for (int64_t i = 0; i < p; ++i) {
            if (x[size_t(i)] == 0) continue;
            b[size_t(i)] += w * x[size_t(i)] * target;
            for (int64_t j = 0; j < p; ++j) a[size_t(i * p + j)] += w * x[size_t(i)] * x[size_t(j)];
        }
        ys[size_t(k)] = target;
        ws[size_t(k)] = w;
    }
    std::vector<double> inverse;
    std::vector<double> phi = solve_psd(a, b, p, &inverse);
    double rss = 0;
    for (int64_t k = 0; k < n; ++k) {
        const auto& z = d.coalitions[size_t(k)];
        const double last = z[size_t(m - 1)];
        double fit = 0;
        for (int64_t i = 0; i < p; ++i) fit += (double(z[size_t(i)]) - last) * phi[size_t(i)];
        rss += ws[size_t(k)] * (ys[size_t(k)] - fit) * (ys[size_t(k)] - fit);
    }
    const double s2 = rss / double(std::max<int64_t>(1, n - p));
    double se = 0, last_var = 0;
    for (int64_t i = 0; i < p; ++i) {
        se += std::sqrt(std::max(0.0, s2 * inverse[size_t(i * p + i)]));
        for (int64_t j = 0; j < p; ++j) last_var += inverse[size_t(i * p + j)];
    }
    se += std::sqrt(std::max(0.0, s2 * last_var));
    double rest = 0;
    for (double v : phi) rest += v;
    phi.push_back(delta - rest);
    return {phi, se / double(m)};
}

// ---- feature selection (shap's l1_reg) ---------------------------------------------------

// Cholesky factor of the active columns' Gram matrix, grown one column at a time (a drop
// rebuilds it: drops are rare on a Lasso path).
class ActiveCholesky {
public:
    explicit ActiveCholesky(const std::vector<double>& g, int64_t p) : g_(g), p_(p) {}

    // Adds column j; false (nothing added) when it is numerically a combination of the others.
    bool add(int64_t j) {
        const size_t a = cols_.size();
        std::vector<double> row(a + 1);
        for (size_t i = 0; i < a; ++i) {
            double v = g_[size_t(cols_[i] * p_ + j)];
            for (size_t k = 0; k < i; ++k) v -= l_[i][k] * row[k];
            row[i] = v / l_[i][i];
        }
        double d = g_[size_t(j * p_ + j)];
        for (size_t k = 0; k < a; ++k) d -= row[k] * row[k];
        if (!(d > 1e-10 * g_[size_t(j * p_ + j)])) return false;
        row[a] = std::sqrt(d);
        l_.push_back(std::move(row));
        cols_.push_back(j);
        return true;
    }

    void remove(size_t position) {
        std::vector<int64_t> keep = cols_;
        keep.erase(keep.begin() + long(position));
        cols_.clear();
        l_.clear();
        for (int64_t j : keep) add(j);
    }

    // Solves G_AA x = b (b indexed like the active columns).
    std::vector<double> solve(std::vector<double> b) const {
        const size_t a = cols_.size();
        for (size_t i = 0; i < a; ++i) {
            for (size_t k = 0; k < i; ++k) b[i] -= l_[i][k] * b[k];
            b[i] /= l_[i][i];
        }
        for (size_t i = a; i-- > 0;) {
            for (size_t k = i + 1; k < a; ++k) b[i] -= l_[k][i] * b[k];
            b[i] /= l_[i][i];
        }
        return b;
    }

    const std::vector<int64_t>& columns() const { return cols_; }

private:
    const std::vector<double>& g_;
    int64_t p_;
    std::vector<int64_t> cols_;
    std::vector<std::vector<double>> l_;  // row i holds L[i][0..i]
};

// The Lasso path by least-angle regression with the Lasso modification (a coefficient that
// reaches 0 leaves the active set), in Gram form: g = X^T X (p x p), c = X^T y, yy = y^T y,
// n observations. Returns the nonzero set at the knot that minimises RSS / sigma^2 + penalty * df
// (sigma^2 from the full least-squares fit; AIC: penalty 2, BIC: log n).
std::vector<int64_t> lasso_path_select(const std::vector<double>& g, const std::vector<double>& c, double yy,
                                       int64_t n, int64_t p, double penalty) {
    std::vector<double> beta(static_cast<size_t>(p), 0.0);
    std::vector<uint8_t> excluded(static_cast<size_t>(p), 0);  // active, or collinear with the active set
    ActiveCholesky chol(g, p);
    struct Knot {
        std::vector<int64_t> support;
        double rss;
    };
    // Each knot is scored by the least-squares refit on its active set, not by the Lasso
    // coefficients: their shrinkage inflates the residual of a sparse knot, so that every noise
    // column looks worth its penalty. (The values are solved on the kept set afterwards too.)
    auto least_squares_knot = [&]() {
        const std::vector<int64_t>& active = chol.columns();
        std::vector<double> ca(active.size());
        for (size_t i = 0; i < active.size(); ++i) ca[i] = c[size_t(active[i])];
        const std::vector<double> b = chol.solve(ca);
        Knot k{{}, yy};
        double largest = 0;
        for (size_t i = 0; i < active.size(); ++i) {
            k.rss -= ca[i] * b[i];
            largest = std::max(largest, std::abs(b[i]));
        }
        // Scores are single precision: a coefficient under 1e-6 of the largest is rounding (an
        // exact fit reached with a column that has no effect in it), not a selected column.
        for (size_t i = 0; i < active.size(); ++i)
            if (std::abs(b[i]) > 1e-6 * largest) k.support.push_back(active[i]);
        std::sort(k.support.begin(), k.support.end());
        k.rss = std::max(0.0, k.rss);
        return k;
    };
    std::vector<Knot> knots{{{}, yy}};
    const double exact_rss = 1e-12 * yy;  // single-precision scores fit exactly
    bool just_dropped = false;
    std::vector<double> corr(static_cast<size_t>(p));
    for (int64_t step = 0; step < 8 * p + 8; ++step) {
        for (int64_t j = 0; j < p; ++j) {
            double v = c[size_t(j)];
            for (int64_t i = 0; i < p; ++i)
                if (beta[size_t(i)] != 0) v -= g[size_t(j * p + i)] * beta[size_t(i)];
            corr[size_t(j)] = v;
        }
        if (!just_dropped) {
            for (;;) {  // the most correlated column that is not collinear with the active set
                int64_t best = -1;
                for (int64_t j = 0; j < p; ++j)
                    if (!excluded[size_t(j)] && (best < 0 || std::abs(corr[size_t(j)]) > std::abs(corr[size_t(best)])))
                        best = j;
                if (best < 0) break;
                excluded[size_t(best)] = 1;
                if (chol.add(best)) break;
            }
        }
        just_dropped = false;
        const std::vector<int64_t>& active = chol.columns();
        const size_t a = active.size();
        if (a == 0) break;
        double big = 0;
        std::vector<double> sign(a);
        for (size_t i = 0; i < a; ++i) {
            big = std::max(big, std::abs(corr[size_t(active[i])]));
            sign[i] = corr[size_t(active[i])] >= 0 ? 1.0 : -1.0;
        }
        std::vector<double> dir = chol.solve(sign);
        double norm = 0;
        for (size_t i = 0; i < a; ++i) norm += sign[i] * dir[i];
        if (!(norm > 0)) break;
        const double unit = 1 / std::sqrt(norm);
        for (double& v : dir) v *= unit;
        // Step to where an inactive column's correlation catches up, or to the active set's
        // least-squares fit when none does.
        double gamma = big / unit;
        for (int64_t j = 0; j < p; ++j) {
            if (excluded[size_t(j)]) continue;
            double aj = 0;
            for (size_t i = 0; i < a; ++i) aj += g[size_t(j * p + active[i])] * dir[i];
            for (double step_to : {(big - corr[size_t(j)]) / (unit - aj), (big + corr[size_t(j)]) / (unit + aj)})
                if (step_to > 1e-15 * gamma && step_to < gamma) gamma = step_to;
        }
        size_t drop = a;
        for (size_t i = 0; i < a; ++i) {
            const double b = beta[size_t(active[i])];
            if (b == 0 || dir[i] == 0) continue;
            const double zero_at = -b / dir[i];
            if (zero_at > 0 && zero_at < gamma) {
                gamma = zero_at;
                drop = i;
            }
        }
        for (size_t i = 0; i < a; ++i) beta[size_t(active[i])] += gamma * dir[i];
        if (drop < a) {
            const int64_t j = active[drop];
            beta[size_t(j)] = 0;
            excluded[size_t(j)] = 0;
            chol.remove(drop);
            just_dropped = true;
        }
        knots.push_back(least_squares_knot());
        if (knots.back().rss <= exact_rss) break;  // the rest of the path only moves rounding
        bool more = false;
        for (int64_t j = 0; j < p; ++j) more = more || !excluded[size_t(j)];
        if (!more && !just_dropped) break;
    }
    double rss_full = yy;
    const std::vector<double> ols = solve_psd(g, c, p, nullptr);
    for (int64_t j = 0; j < p; ++j) rss_full -= c[size_t(j)] * ols[size_t(j)];
    rss_full = std::max(0.0, rss_full);
    // An exactly linear response leaves no noise to weigh a column against: a floor on sigma^2
    // then makes the sparsest exact knot the choice.
    const double sigma2 = std::max(n > p ? rss_full / double(n - p) : 0.0, exact_rss / double(n));
    const Knot* chosen = &knots.back();
    double best = std::numeric_limits<double>::infinity();
    for (const Knot& k : knots) {
        const double criterion = k.rss / sigma2 + penalty * double(k.support.size());
        if (criterion < best) {
            best = criterion;
            chosen = &k;
        }
    }
    return chosen->support;
}

// shap's "auto" rule: select (by AIC) only when the design holds under 20% of the 2^M - 2
// coalitions, so never on an exact design.
bool auto_selects(const Design& d, int64_t m) {
    return !d.exact && (m > 62 || double(d.coalitions.size()) < 0.2 * double((int64_t(1) << m) - 2));
}

// The tokens KernelSHAP keeps under o.shap_selection (AIC for auto, which the caller has
// already checked with auto_selects), in increasing order; empty when it keeps them all.
// `plain` holds the values without selection.
//
// top:k takes the k largest |plain| (shap's num_features(k) instead takes the first k to enter
// the Lasso path, whose order on this design is by value plus a shift shared by every token).
// AIC and BIC follow the Lasso path of the constrained problem written as two blocks of
// weighted rows -- kept tokens against f - f(baseline) with weight w (M - s), removed tokens
// against f - f(x) with weight w s -- with each column scaled to unit norm.
std::vector<int64_t> select_tokens(const Design& d, const std::vector<double>& y, int64_t m, double full, double base,
                                   const std::vector<double>& plain, const dfy_attribution_options& o) {
    const int64_t n = int64_t(d.coalitions.size());
    std::vector<int64_t> chosen;
    if (o.shap_selection == DFY_SELECTION_TOP) {
        if (o.shap_max_features >= m) return {};
        chosen.resize(size_t(m));
        std::iota(chosen.begin(), chosen.end(), 0);
        std::stable_sort(chosen.begin(), chosen.end(),
                         [&](int64_t a, int64_t b) { return std::abs(plain[size_t(a)]) > std::abs(plain[size_t(b)]); });
        chosen.resize(size_t(o.shap_max_features));
        std::sort(chosen.begin(), chosen.end());
        return chosen;
    }
    std::vector<double> g(static_cast<size_t>(m * m), 0.0), c(static_cast<size_t>(m), 0.0);
    double yy = 0;
    std::vector<int64_t> kept, removed;
    for (int64_t r = 0; r < n; ++r) {
        const auto& z = d.coalitions[size_t(r)];
        kept.clear();
        removed.clear();
        for (int64_t j = 0; j < m; ++j) (z[size_t(j)] ? kept : removed).push_back(j);
        const double s = double(kept.size());
        const double w_kept = d.weights[size_t(r)] * (double(m) - s), w_removed = d.weights[size_t(r)] * s;
        const double t_kept = y[size_t(r)] - base, t_removed = y[size_t(r)] - full;
        yy += w_kept * t_kept * t_kept + w_removed * t_removed * t_removed;
        for (int64_t i : kept) {
            c[size_t(i)] += w_kept * t_kept;
            for (int64_t j : kept) g[size_t(i * m + j)] += w_kept;
        }
        for (int64_t i : removed) {  // column value -1
            c[size_t(i)] -= w_removed * t_removed;
            for (int64_t j : removed) g[size_t(i * m + j)] += w_removed;
        }
    }
    std::vector<double> scale(static_cast<size_t>(m));
    for (int64_t i = 0; i < m; ++i) scale[size_t(i)] = 1 / std::sqrt(g[size_t(i * m + i)]);
    for (int64_t i = 0; i < m; ++i) {
        c[size_t(i)] *= scale[size_t(i)];
        for (int64_t j = 0; j < m; ++j) g[size_t(i * m + j)] *= scale[size_t(i)] * scale[size_t(j)];
    }
    // Both rows of a coalition carry the same score, so a coalition counts once in the noise
    // estimate and in BIC's log n (shap counts 2n rows, which makes AIC keep noise tokens).
    const double penalty = o.shap_selection == DFY_SELECTION_BIC ? std::log(double(n)) : 2.0;
    chosen = lasso_path_select(g, c, yy, n, m, penalty);
    // None kept, yet f(x) - f(baseline) must be spread somewhere: keep them all.
    return int64_t(chosen.size()) == m ? std::vector<int64_t>{} : chosen;
}

// An exact design with its Shapley-kernel weights (it carries none: its solve is enumeration),
// for a selection and the least-squares solve after it.
Design kernel_weighted(const Design& d, int64_t m) {
    Design out = d;
    for (size_t k = 0; k < out.coalitions.size(); ++k) {
        int64_t s = 0;
        for (uint8_t v : out.coalitions[k]) s += v;
        out.weights[k] = double(m - 1) / (binomial(m, s) * double(s * (m - s)));
    }
    out.exact = false;
    return out;
}


}  // namespace

std::vector<Result> kernel_shap(const std::vector<Sequence>& sequences, const dfy_attribution_options& o,
                                Scorer& scorer) {
    check_common(sequences, o);
    require(o.shap_selection >= DFY_SELECTION_NONE && o.shap_selection <= DFY_SELECTION_TOP,
            "unknown shap_selection ", o.shap_selection, " (0 none, 1 auto, 2 AIC, 3 BIC, 4 top)");
    require(o.shap_max_features >= (o.shap_selection == DFY_SELECTION_TOP ? 1 : 0), "shap_max_features must be >= ",
            o.shap_selection == DFY_SELECTION_TOP ? "1 with DFY_SELECTION_TOP" : "0", ", got ", o.shap_max_features);
    std::vector<Design> designs;
    std::vector<Query> queries;
    std::vector<size_t> first_query;
    for (size_t i = 0; i < sequences.size(); ++i) {
        const int64_t m = int64_t(sequences[i].response.size());
        auto rng = sequence_stream(o.seed, sequences[i]);
        designs.push_back(m == 1 ? Design{} : shap_design(m, o.samples, rng));
        first_query.push_back(queries.size());
        add_queries(queries, int64_t(i), m, designs.back().coalitions);
    }
    std::vector<double> y = scorer.score(sequences, queries);
    std::vector<Result> results(sequences.size());
    for (size_t i = 0; i < sequences.size(); ++i) {
        const int64_t m = int64_t(sequences[i].response.size());
        const Design& d = designs[i];
        Result& r = results[i];
        const size_t q0 = first_query[i];
        r.full = y[q0];
        r.baseline = y[q0 + 1];
        r.evaluations = int64_t(d.coalitions.size()) + 2;
        std::vector<double> values(y.begin() + long(q0 + 2), y.begin() + long(q0 + 2 + d.coalitions.size()));
        if (m == 1) {
            r.values = {r.full - r.baseline};
            continue;
        }
        if (d.exact) {
            std::vector<double> v(size_t(1) << m);
            v[0] = r.baseline;
            v.back() = r.full;
            for (size_t k = 0; k < values.size(); ++k) v[k + 1] = values[k];  // design order is mask order
            r.values = exact_shapley(v, m);
        } else {
            auto [phi, se] = constrained_wls(d, values, m, r.full, r.baseline);
            r.values = std::move(phi);
            r.diagnostic = se;
        }
        if (o.shap_selection == DFY_SELECTION_NONE || (o.shap_selection == DFY_SELECTION_AUTO && !auto_selects(d, m)))
            continue;
        const Design weighted = d.exact ? kernel_weighted(d, m) : Design{};
        const Design& wd = d.exact ? weighted : d;
        const std::vector<int64_t> kept = select_tokens(wd, values, m, r.full, r.baseline, r.values, o);
        if (kept.empty()) continue;
        r.values.assign(size_t(m), 0.0);
        if (kept.size() == 1) {
            r.values[size_t(kept[0])] = r.full - r.baseline;
            r.diagnostic = 0;
            continue;
        }
        // The constrained solve again, on the kept tokens' columns only.
        Design sub{{}, wd.weights, false};
        sub.coalitions.reserve(wd.coalitions.size());
        for (const auto& z : wd.coalitions) {
            std::vector<uint8_t> columns(kept.size());
            for (size_t k = 0; k < kept.size(); ++k) columns[k] = z[size_t(kept[k])];
            sub.coalitions.push_back(std::move(columns));
        }
        auto [phi, se] = constrained_wls(sub, values, int64_t(kept.size()), r.full, r.baseline);
        for (size_t k = 0; k < kept.size(); ++k) r.values[size_t(kept[k])] = phi[k];
        r.diagnostic = se;
    }
    return results;
}

}  // namespace dfy::attribution
