// Library-level entry points: versions, errors, threads, devices.
#include <algorithm>
#include <cstring>
#include <string>

#include <ATen/Parallel.h>
#include <torch/version.h>

#include "common.hpp"
#include "gpt2.hpp"
#include "parallel.hpp"
#include "runtime.hpp"

#ifdef DFY_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

#ifndef DFY_VERSION_STRING
#define DFY_VERSION_STRING "0.0.0"
#endif

using namespace dfy;

extern "C" {

DFY_API int32_t dfy_abi_version(void) { return DFY_ABI_VERSION; }

DFY_API const char* dfy_version(void) { return DFY_VERSION_STRING; }

DFY_API const char* dfy_torch_version(void) { return TORCH_VERSION; }

DFY_API const char* dfy_last_error(void) { return last_error(); }

DFY_API int32_t dfy_cuda_compiled(void) {
#ifdef DFY_WITH_CUDA
    return 1;
#else
    return 0;
#endif
}

DFY_API int32_t dfy_fused_attention_compiled(void) { return fused_attention_compiled() ? 1 : 0; }

DFY_API dfy_status dfy_set_attention(int32_t kernel) {
    return guarded([&] { set_attention_kernel(kernel); });
}

DFY_API dfy_status dfy_get_attention(int32_t* out) {
    return guarded([&] {
        require_pointer(out, "out");
        *out = attention_kernel();
    });
}

DFY_API dfy_status dfy_set_compute_dtype(int32_t dtype) {
    return guarded([&] { set_compute_dtype(dtype); });
}

DFY_API dfy_status dfy_get_compute_dtype(int32_t* out) {
    return guarded([&] {
        require_pointer(out, "out");
        *out = compute_dtype();
    });
}

DFY_API dfy_status dfy_set_num_threads(int32_t n) {
    return guarded([&] {
        require(n >= 1 && n <= 4096, "thread count must be in [1, 4096], got ", n);
        set_threads(n);
    });
}

DFY_API dfy_status dfy_get_num_threads(int32_t* out) {
    return guarded([&] {
        require_pointer(out, "out");
        *out = at::get_num_threads();
    });
}

DFY_API dfy_status dfy_runtime_info(char* buffer, int64_t capacity, int64_t* length) {
    return guarded([&] {
        require_pointer(length, "length");
        require(capacity >= 0, "capacity must be >= 0, got ", capacity);
        require(buffer != nullptr || capacity == 0, "buffer is NULL but capacity is ", capacity);
        const std::string info = runtime_info();
        *length = int64_t(info.size());
        if (buffer == nullptr) return;
        require(capacity > *length, "buffer of ", capacity, " bytes is too small: the runtime information needs ",
                *length + 1);
        std::memcpy(buffer, info.data(), info.size());
        buffer[info.size()] = '\0';
    });
}

DFY_API dfy_status dfy_cuda_device_count(int32_t* out) {
    return guarded([&] {
        require_pointer(out, "out");
#ifdef DFY_WITH_CUDA
        *out = at::cuda::is_available() ? int32_t(at::cuda::device_count()) : 0;
#else
        *out = 0;
#endif
    });
}

DFY_API dfy_status dfy_cuda_device_info(int32_t index, char* name, int64_t name_capacity, int64_t* total_bytes,
                                        int64_t* free_bytes) {
    return guarded([&] {
        require(name == nullptr || name_capacity >= 1, "name_capacity must be >= 1 when name is given");
#ifdef DFY_WITH_CUDA
        int32_t count = at::cuda::is_available() ? int32_t(at::cuda::device_count()) : 0;
        if (index < 0 || index >= count)
            fail(DFY_ERR_DEVICE, "CUDA device index ", index, " is out of range: ", count, " device(s) visible");
        const cudaDeviceProp* props = at::cuda::getDeviceProperties(index);
        if (name != nullptr) {
            size_t n = std::min<size_t>(std::strlen(props->name), size_t(name_capacity - 1));
            std::memcpy(name, props->name, n);
            name[n] = '\0';
        }
        c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(index));
        size_t free_b = 0, total_b = 0;
        cudaError_t status = cudaMemGetInfo(&free_b, &total_b);
        if (status != cudaSuccess) fail(DFY_ERR_DEVICE, "cudaMemGetInfo failed: ", cudaGetErrorString(status));
        if (total_bytes != nullptr) *total_bytes = int64_t(total_b);
        if (free_bytes != nullptr) *free_bytes = int64_t(free_b);
#else
        (void)total_bytes;
        (void)free_bytes;
        fail(DFY_ERR_DEVICE, "CUDA device index ", index, " requested but this build of libdensify has no CUDA support");
#endif
    });
}

}  // extern "C"
