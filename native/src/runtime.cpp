#include "runtime.hpp"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <sstream>
#include <string_view>

#include <ATen/Parallel.h>

#include "gpt2.hpp"
#include "json.hpp"

namespace dfy {
namespace {

// Symbols are looked up in libdensify's own scope (its dependencies, libtorch's among them),
// which is where libtorch's undefined BLAS references are bound too.
void* find(const char* name) { return dlsym(RTLD_DEFAULT, name); }

// The file that defines a symbol, as the loader named it and with links resolved (Debian's
// libblas.so.3 is an alternatives link to the implementation's own file).
struct Provider {
    std::string loaded_as;
    std::string path;
};

Provider provider_of(const char* symbol) {
    Provider p;
    void* address = find(symbol);
    Dl_info info{};
    if (address == nullptr || dladdr(address, &info) == 0 || info.dli_fname == nullptr) return p;
    p.loaded_as = info.dli_fname;
    char resolved[PATH_MAX];
    p.path = realpath(info.dli_fname, resolved) != nullptr ? std::string(resolved) : p.loaded_as;
    return p;
}

template <class Function>
Function function(const char* name) {
    return reinterpret_cast<Function>(find(name));
}

void key(std::string& out, std::string_view name) {
    if (out.back() != '{') out += ',';
    json::write_string(out, name);
    out += ':';
}

void field(std::string& out, std::string_view name, std::string_view value) {
    key(out, name);
    json::write_string(out, value);
}

void field(std::string& out, std::string_view name, long long value) {
    key(out, name);
    out += std::to_string(value);
}

void provider_fields(std::string& out, const Provider& p) {
    field(out, "path", p.path);
    field(out, "loaded_as", p.loaded_as);
}

// The line of at::get_parallel_info() that names the OpenMP libtorch was built with, e.g.
// "OpenMP 201511 (a.k.a. OpenMP 4.5)"; "" when libtorch has none.
std::string openmp_line() {
    std::istringstream lines(at::get_parallel_info());
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("OpenMP", 0) == 0) return line;
    }
    return "";
}

}  // namespace

std::string runtime_info() {
    using Config = char* (*)();
    using Count = int (*)();
    std::string out = "{";

    key(out, "blas");
    out += '{';
    provider_fields(out, provider_of("sgemm_"));
    const auto openblas_config = function<Config>("openblas_get_config");
    const auto openblas_threads = function<Count>("openblas_get_num_threads");
    const auto openblas_parallel = function<Count>("openblas_get_parallel");
    field(out, "openblas_config", openblas_config != nullptr ? openblas_config() : "");
    field(out, "openblas_threads", openblas_threads != nullptr ? openblas_threads() : -1);
    // 0 sequential, 1 its own pthread pool, 2 OpenMP's
    field(out, "openblas_parallel", openblas_parallel != nullptr ? openblas_parallel() : -1);
    field(out, "mkl", find("mkl_get_max_threads") != nullptr ? 1 : 0);
    field(out, "blis", find("bli_info_get_version_str") != nullptr ? 1 : 0);
    out += '}';

    key(out, "lapack");
    out += '{';
    provider_fields(out, provider_of("dgesv_"));
    out += '}';

    key(out, "openmp");
    out += '{';
    provider_fields(out, provider_of("omp_get_max_threads"));
    field(out, "built_with", openmp_line());
    const auto omp_max = function<Count>("omp_get_max_threads");
    field(out, "max_threads", omp_max != nullptr ? omp_max() : -1);
    out += '}';

    field(out, "intra_op_threads", at::get_num_threads());
    field(out, "inter_op_threads", at::get_num_interop_threads());
    field(out, "attention", attention_kernel() == DFY_ATTENTION_FUSED ? "fused" : "plain");
    field(out, "fused_attention_compiled", fused_attention_compiled() ? 1 : 0);
    const int32_t dtype = compute_dtype();
    field(out, "compute_dtype", dtype == DFY_DTYPE_BFLOAT16 ? "bfloat16" : dtype == DFY_DTYPE_FLOAT16 ? "float16" : "float32");
    out += '}';
    return out;
}

}  // namespace dfy
