// dfy_group_* and dfy_ppo_step_group: the checks of the C ABI over group.hpp.
#include <cstring>
#include <vector>

#include <c10/core/GradMode.h>

#include "group.hpp"
#include "handle.hpp"

using namespace dfy;

extern "C" {

DFY_API int32_t dfy_distributed_compiled(void) { return distributed_compiled() ? 1 : 0; }

DFY_API dfy_status dfy_group_create(const char* master_addr, int32_t master_port, int32_t rank, int32_t world_size,
                                    int64_t connect_timeout_ms, int64_t timeout_ms, dfy_group* out) {
    return guarded([&] {
        require_pointer(out, "out");
        *out = nullptr;
        require_pointer(master_addr, "master_addr");
        const size_t n = strnlen(master_addr, 256);
        require(n > 0 && n < 256, "master_addr must be a host name or address of 1 to 255 bytes");
        require(master_port >= 1 && master_port <= 65535, "master_port must be in [1, 65535], got ", master_port);
        require(world_size >= 1 && world_size <= 65536, "world_size must be in [1, 65536], got ", world_size);
        require(rank >= 0 && rank < world_size, "rank must be in [0, world_size = ", world_size, "), got ", rank);
        constexpr int64_t day = 24LL * 3600 * 1000;
        require(connect_timeout_ms >= 1 && connect_timeout_ms <= day, "connect_timeout_ms must be in [1, ", day,
                "], got ", connect_timeout_ms);
        require(timeout_ms >= 1 && timeout_ms <= day, "timeout_ms must be in [1, ", day, "], got ", timeout_ms);
        auto handle = std::make_unique<dfy_group_s>();
        handle->group = connect_group(master_addr, master_port, rank, world_size, connect_timeout_ms, timeout_ms);
        *out = handle.release();
    });
}

DFY_API void dfy_group_free(dfy_group group) {
    if (group == nullptr || group->magic != dfy_group_s::kLive) return;
    group->magic = 0;
    try {
        delete group;
    } catch (...) {
        // a destructor that throws must not cross the ABI
    }
}

DFY_API dfy_status dfy_group_allreduce_sum(dfy_group group, double* values, int64_t n) {
    return guarded([&] {
        Group& g = group_of(group);
        require_pointer(values, "values");
        require(n >= 1 && n <= (int64_t(1) << 28), "n must be in [1, 2^28], got ", n);
        std::vector<double> v(values, values + n);
        allreduce_sum(&g, v);
        std::memcpy(values, v.data(), size_t(n) * sizeof(double));
    });
}

DFY_API dfy_status dfy_group_broadcast_model(dfy_group group, dfy_model model, int32_t root) {
    return guarded([&] {
        Group& g = group_of(group);
        Gpt2& m = model_of(model);
        require(root >= 0 && root < g.size(), "root must be in [0, ", g.size(), "), got ", root);
        std::vector<Parameter> params = m.parameters();
        int64_t total = 0;
        for (const auto& p : params) total += p.tensor->numel();
        const auto& c = m.config();
        require_same(g, {double(total), double(c.vocab_size), double(c.n_embd), double(c.n_layer), double(c.n_positions)},
                     "the model's configuration");
        c10::NoGradGuard no_grad;
        std::vector<at::Tensor> flat;
        for (const auto& p : params) flat.push_back(p.tensor->detach().reshape(-1));
        at::Tensor buffer = at::cat(flat);
        g.broadcast(buffer, root);
        int64_t at = 0;
        for (const auto& p : params) {
            const int64_t k = p.tensor->numel();
            p.tensor->detach().copy_(buffer.narrow(0, at, k).view(p.tensor->sizes()));
            at += k;
        }
    });
}

}  // extern "C"
