// Small dense solves of the attribution methods, in double precision through ATen's LAPACK.
#pragma once

#include <cstdint>
#include <vector>

namespace dfy::linalg {

// Solves A x = b for a symmetric positive semi-definite p x p A (row-major; normal equations).
// A Cholesky factorisation when A is well conditioned (every pivot above 1e-10 of the largest
// diagonal entry); otherwise -- a design that does not identify every coefficient, e.g.
// KernelSHAP below about 2(M - 1) coalitions -- the minimum-norm solution through the
// pseudo-inverse (what a least-squares solver such as numpy's lstsq returns, eigenvalues below
// 1e-10 of the largest dropped), not a jittered factorisation whose unidentified directions are
// amplified rounding noise. `inverse`, when given, receives A^-1 (or the pseudo-inverse).
std::vector<double> solve_psd(std::vector<double> a, std::vector<double> b, int64_t p, std::vector<double>* inverse);

}  // namespace dfy::linalg
