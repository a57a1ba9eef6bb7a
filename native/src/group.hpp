// A process group for data-parallel training (dfy_group): collectives over c10d (TCPStore +
// ProcessGroupGloo) where the build found c10d's Gloo headers (DFY_DISTRIBUTED), else a handle
// that cannot be created. Code that takes a `const Group*` treats nullptr as a single process.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <ATen/ATen.h>

#include "densify.h"

namespace dfy {

class Group {
public:
    virtual ~Group() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // Sums t over the ranks, in place on every rank (t contiguous, on any device).
    virtual void allreduce_sum(at::Tensor& t) const = 0;
    // Overwrites t on every rank with root's t.
    virtual void broadcast(at::Tensor& t, int root) const = 0;
};

// Sums values over the group's ranks in place; a no-op without a group.
void allreduce_sum(const Group* group, std::vector<double>& values);
double allreduce_sum(const Group* group, double value);

// Fails (DFY_ERR_INVALID_ARGUMENT) unless every rank passed the same value.
void require_same(const Group& group, const std::vector<double>& values, const char* what);

// Connects rank `rank` of `world` through a TCPStore at master:port hosted by rank 0.
// connect_timeout bounds the rendezvous, op_timeout every collective afterwards.
std::unique_ptr<Group> connect_group(const char* master, int32_t port, int32_t rank, int32_t world,
                                     int64_t connect_timeout_ms, int64_t op_timeout_ms);

// Whether connect_group can work in this build.
bool distributed_compiled();

}  // namespace dfy

struct dfy_group_s {
    static constexpr uint64_t kLive = 0x64656e7369667933ULL;  // "densify3"
    uint64_t magic = kLive;
    std::unique_ptr<dfy::Group> group;
};

namespace dfy {
Group& group_of(dfy_group handle);
}
