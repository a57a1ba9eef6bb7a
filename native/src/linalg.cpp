#include "linalg.hpp"

#include <algorithm>

#include <ATen/ATen.h>

namespace dfy::linalg {
namespace {

at::Tensor matrix(std::vector<double>& a, int64_t p) {
    return at::from_blob(a.data(), {p, p}, at::kDouble).clone();
}

std::vector<double> values(const at::Tensor& t) {
    at::Tensor c = t.contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

}  // namespace

std::vector<double> solve_psd(std::vector<double> a, std::vector<double> b, int64_t p, std::vector<double>* inverse) {
    at::Tensor A = matrix(a, p);
    at::Tensor B = at::from_blob(b.data(), {p, 1}, at::kDouble).clone();
    const double max_diag = A.diagonal().max().item<double>();
    if (max_diag > 0) {
        auto [l, info] = at::linalg_cholesky_ex(A);
        // The pivots are the squared diagonal of L; a tiny one means an unidentified direction.
        if (info.item<int64_t>() == 0 && (l.diagonal() * l.diagonal()).min().item<double>() > 1e-10 * max_diag) {
            if (inverse != nullptr) *inverse = values(at::cholesky_inverse(l));
            return values(at::cholesky_solve(B, l));
        }
    }
    auto [lambda, v] = at::linalg_eigh(A);
    const double cutoff = 1e-10 * std::max(0.0, lambda.max().item<double>());
    at::Tensor kept = lambda > cutoff;
    at::Tensor inv_lambda = at::where(kept, 1.0 / at::where(kept, lambda, at::ones_like(lambda)), at::zeros_like(lambda));
    at::Tensor pinv = at::matmul(v * inv_lambda.unsqueeze(0), v.transpose(0, 1));
    if (inverse != nullptr) *inverse = values(pinv);
    return values(at::matmul(pinv, B));
}

}  // namespace dfy::linalg
