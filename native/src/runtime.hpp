// What the loaded process actually runs on: which shared objects provide the BLAS, LAPACK and
// OpenMP symbols that libtorch calls, and the thread settings of each pool.
#pragma once

#include <string>

namespace dfy {

// A JSON object (see dfy_runtime_info in densify.h for its keys).
std::string runtime_info();

}  // namespace dfy
