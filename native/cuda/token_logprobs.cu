#include "kernels.cuh"

#include <cmath>
#include <stdexcept>
#include <string>

namespace dfy::cuda {
namespace {

constexpr int kThreads = 256;

// Running (max, sum of exp(x - max)) pairs merge associatively: one pass over the row.
struct MaxSum {
    float max;
    float sum;
};

__device__ MaxSum merge(MaxSum a, MaxSum b) {
    if (a.max == -INFINITY) return b;
    if (b.max == -INFINITY) return a;
    float m = fmaxf(a.max, b.max);
    return {m, a.sum * __expf(a.max - m) + b.sum * __expf(b.max - m)};
}

__global__ void token_logprobs_kernel(const float* __restrict__ logits, const int64_t* __restrict__ targets,
                                      float* __restrict__ out, int64_t vocab) {
    const int64_t row = blockIdx.x;
    const float* x = logits + row * vocab;
    MaxSum local{-INFINITY, 0.f};
    for (int64_t i = threadIdx.x; i < vocab; i += kThreads) local = merge(local, MaxSum{x[i], 1.f});

    __shared__ float s_max[kThreads];
    __shared__ float s_sum[kThreads];
    s_max[threadIdx.x] = local.max;
    s_sum[threadIdx.x] = local.sum;
    __syncthreads();
    for (int stride = kThreads / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            MaxSum m = merge(MaxSum{s_max[threadIdx.x], s_sum[threadIdx.x]},
                             MaxSum{s_max[threadIdx.x + stride], s_sum[threadIdx.x + stride]});
            s_max[threadIdx.x] = m.max;
            s_sum[threadIdx.x] = m.sum;
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        int64_t t = targets[row];
        out[row] = (t < 0 || t >= vocab) ? NAN : x[t] - s_max[0] - logf(s_sum[0]);
    }
}

}  // namespace

void token_logprobs(const float* logits, const int64_t* targets, float* out, int64_t rows, int64_t vocab,
                    cudaStream_t stream) {
    if (rows <= 0) return;
    if (rows > 2147483647LL) throw std::runtime_error("token_logprobs: too many rows for one launch");
    token_logprobs_kernel<<<static_cast<unsigned>(rows), kThreads, 0, stream>>>(logits, targets, out, vocab);
    cudaError_t status = cudaGetLastError();
    if (status != cudaSuccess)
        throw std::runtime_error(std::string("CUDA token_logprobs launch failed: ") + cudaGetErrorString(status));
}

}  // namespace dfy::cuda
