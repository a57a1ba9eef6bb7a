#include "group.hpp"

#include <chrono>
#include <cmath>
#include <string>

#include <c10/core/GradMode.h>

#include "common.hpp"

#ifdef DFY_DISTRIBUTED
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace dfy {

void allreduce_sum(const Group* group, std::vector<double>& values) {
    if (group == nullptr || values.empty()) return;
    at::Tensor t = at::from_blob(values.data(), {int64_t(values.size())}, at::kDouble);
    group->allreduce_sum(t);
}

double allreduce_sum(const Group* group, double value) {
    std::vector<double> v{value};
    allreduce_sum(group, v);
    return v[0];
}

void require_same(const Group& group, const std::vector<double>& values, const char* what) {
    // Equal on every rank iff n * sum(x^2) == (sum x)^2 for each value.
    std::vector<double> sums;
    for (double v : values) {
        sums.push_back(v);
        sums.push_back(v * v);
    }
    allreduce_sum(&group, sums);
    const double n = group.size();
    for (size_t i = 0; i < values.size(); ++i) {
        const double s = sums[2 * i], sq = sums[2 * i + 1];
        const double spread = n * sq - s * s;
        require(std::fabs(spread) <= 1e-9 * std::max(1.0, s * s), "rank ", group.rank(), ": ", what,
                " differs between the ranks of the group (this rank has ", values[i], ", the mean is ", s / n, ")");
    }
}

Group& group_of(dfy_group handle) {
    if (handle == nullptr) invalid("group handle is NULL");
    if (handle->magic != dfy_group_s::kLive || !handle->group) invalid("group handle is not live (freed or corrupt)");
    return *handle->group;
}

#ifdef DFY_DISTRIBUTED

namespace {

// libtorch's messages carry a backtrace after the first line; keep the first line.
std::string first_line(const std::exception& e) {
    std::string m = e.what();
    const size_t nl = m.find('\n');
    return nl == std::string::npos ? m : m.substr(0, nl);
}

class GlooGroup final : public Group {
public:
    GlooGroup(c10::intrusive_ptr<c10d::Store> store, c10::intrusive_ptr<c10d::ProcessGroupGloo> pg, int rank, int size)
        : store_(std::move(store)), pg_(std::move(pg)), rank_(rank), size_(size) {}

    int rank() const override { return rank_; }
    int size() const override { return size_; }

    void allreduce_sum(at::Tensor& t) const override {
        run("all-reduce", t, [&](std::vector<at::Tensor>& ts) {
            c10d::AllreduceOptions opts;
            opts.reduceOp = c10d::ReduceOp::SUM;
            pg_->allreduce(ts, opts)->wait();
        });
    }

    void broadcast(at::Tensor& t, int root) const override {
        require(root >= 0 && root < size_, "broadcast root ", root, " is outside [0, ", size_, ")");
        run("broadcast", t, [&](std::vector<at::Tensor>& ts) {
            c10d::BroadcastOptions opts;
            opts.rootRank = root;
            pg_->broadcast(ts, opts)->wait();
        });
    }

private:
    // Gloo here reduces CPU tensors: a device tensor makes a round trip through the host.
    template <class Op>
    void run(const char* what, at::Tensor& t, Op&& op) const {
        c10::NoGradGuard no_grad;
        try {
            std::vector<at::Tensor> ts{t.is_cpu() ? t : t.to(at::kCPU)};
            op(ts);
            if (!t.is_cpu()) t.copy_(ts[0]);
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            fail(DFY_ERR_DEVICE, "rank ", rank_, " of ", size_, ": ", what, " failed (a peer exited or timed out?): ",
                 first_line(e));
        }
    }

    c10::intrusive_ptr<c10d::Store> store_;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> pg_;
    int rank_, size_;
};

bool is_loopback(const std::string& host) { return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1"; }

}  // namespace

bool distributed_compiled() { return true; }

std::unique_ptr<Group> connect_group(const char* master, int32_t port, int32_t rank, int32_t world,
                                     int64_t connect_timeout_ms, int64_t op_timeout_ms) {
    const std::string host = master;
    const auto where = [&] { return cat("rank ", rank, " of ", world, ", master ", host, ":", port); };
    c10::intrusive_ptr<c10d::Store> store;
    try {
        c10d::TCPStoreOptions opts;
        opts.port = static_cast<std::uint16_t>(port);
        opts.isServer = rank == 0;
        opts.numWorkers = static_cast<size_t>(world);
        opts.waitWorkers = true;
        opts.timeout = std::chrono::milliseconds(connect_timeout_ms);
        store = c10::make_intrusive<c10d::TCPStore>(host, opts);
    } catch (const std::exception& e) {
        fail(DFY_ERR_DEVICE, where(), ": ",
             rank == 0 ? "hosting the rendezvous store failed or not every rank joined within "
                       : "cannot reach the rendezvous store within ",
             connect_timeout_ms, " ms: ", first_line(e));
    }
    try {
        auto options = c10d::ProcessGroupGloo::Options::create(std::chrono::milliseconds(op_timeout_ms));
        // On one machine bind the loopback; elsewhere the interface GLOO_SOCKET_IFNAME names, else
        // the address the host name resolves to (Gloo's default).
        const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
        if (ifname != nullptr && *ifname != '\0') {
            options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
        } else if (is_loopback(host)) {
            options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        } else {
            options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        }
        store->setTimeout(std::chrono::milliseconds(connect_timeout_ms));
        auto pg = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world, options);
        store->setTimeout(std::chrono::milliseconds(op_timeout_ms));
        return std::make_unique<GlooGroup>(store, pg, rank, world);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        fail(DFY_ERR_DEVICE, where(), ": forming the Gloo process group failed (did every one of the ", world, " ranks start within ", connect_timeout_ms, " ms?): ", first_line(e));
    }
}

#else

bool distributed_compiled() { return false; }

std::unique_ptr<Group> connect_group(const char*, int32_t, int32_t, int32_t, int64_t, int64_t) {
    fail(DFY_ERR_DEVICE,
         "this build of densify has no distributed backend: libtorch's c10d Gloo headers (ProcessGroupGloo.hpp, "
         "gloo/*.h from libgloo-dev) were not found when it was compiled");
}

#endif

}  // namespace dfy
