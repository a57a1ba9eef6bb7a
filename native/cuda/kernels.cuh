// Host entry points of densify's CUDA kernels. Plain pointers only, so the kernels compile
// with nvcc alone (no libtorch headers), which is what CPU-only CI checks.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

namespace dfy::cuda {

// out[r] = logits[r, targets[r]] - logsumexp(logits[r, :]) for r < rows, without
// materialising the [rows, vocab] log-softmax. Throws std::runtime_error on a launch error
// or an out-of-range target (targets are validated by the caller; the kernel writes NaN).
void token_logprobs(const float* logits, const int64_t* targets, float* out, int64_t rows, int64_t vocab,
                    cudaStream_t stream);

}  // namespace dfy::cuda
