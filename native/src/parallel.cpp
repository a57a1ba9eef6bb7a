#include "parallel.hpp"

#include <dlfcn.h>
#include <malloc.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>

namespace dfy {
namespace {

using SetThreads = void (*)(int);
using GetParallel = int (*)();

// Found at run time: libtorch may sit on OpenBLAS, MKL or another BLAS, and on OpenMP from
// the system or from its own wheel (a renamed libgomp). Calling the loaded runtime avoids
// linking a second one. nullptr when absent.
template <class Function>
Function symbol(const char* name) {
    return reinterpret_cast<Function>(dlsym(RTLD_DEFAULT, name));
}

// OpenBLAS built on pthreads keeps its own pool beside OpenMP's. Inside an inter-op region
// every piece must call the BLAS single-threaded: concurrent callers of a multi-threaded
// OpenBLAS queue for its one pool, and both pools' threads spin against the pieces.
bool blas_has_own_pool() {
    static const GetParallel parallel = symbol<GetParallel>("openblas_get_parallel");
    return parallel != nullptr && parallel() == 1;
}

void set_blas_threads(int n) {
    static const SetThreads blas = symbol<SetThreads>("openblas_set_num_threads");
    if (blas != nullptr) blas(n);
}

// The configured thread count, and how many inter-op regions are running: the BLAS goes to one
// thread while any is, and back when the last ends.
std::mutex blas_mutex;
int configured_threads = 0;
int open_regions = 0;

// OpenMP's thread count is per thread: this sets the calling thread's only.
void set_omp_threads(int n) {
    static const SetThreads omp = symbol<SetThreads>("omp_set_num_threads");
    if (omp != nullptr) omp(n);
}

// Restricts the calling thread to one intra-op thread for good.
void single_intra_op_thread() {
    at::get_num_threads();                   // libtorch's lazy per-thread initialisation, first,
    at::internal::lazy_init_num_threads();   // so that it cannot raise the count again later
    set_omp_threads(1);
}

// Tensors of the same sizes are allocated and freed thousands of times a step. glibc serves
// those over 128 KiB with mmap and trims freed heap tops, so each reuse faults fresh zeroed
// pages in, and with several threads every unmap also interrupts the other cores (TLB
// shootdowns). Keeping them on the heap made a PPO update on 2 cores 1.2-1.3x faster (1 core:
// 1.1x). Process-wide, once, at load; DENSIFY_MALLOC_TUNING=0 leaves glibc's defaults.
struct HostMemory {
    HostMemory() {
#ifdef __GLIBC__
        const char* setting = std::getenv("DENSIFY_MALLOC_TUNING");
        if (setting != nullptr && std::string(setting) == "0") return;
        mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest: allocations above 32 MiB still map
        mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    }
} const host_memory;

}  // namespace

void set_threads(int32_t n) {
    at::set_num_threads(n);
    // libtorch does not size OpenBLAS's own pool: matrix products would use every core.
    std::lock_guard<std::mutex> lock(blas_mutex);
    configured_threads = n;
    if (open_regions == 0) set_blas_threads(n);
}

namespace {

// Long-lived helper threads: a thread's first libtorch call sizes its thread pools (OpenMP,
// pthreadpool) and those pools spin for a while, so a thread per piece cost more than the piece
// (measured: a PPO update twice as slow as on one thread). Helpers are set to one intra-op
// thread once, take tasks from one queue and are never joined (they end with the process).
class Helpers {
public:
    static Helpers& instance() {
        static Helpers* helpers = new Helpers();  // leaked: no join at exit, while the JVM unloads
        return *helpers;
    }

    void run(std::vector<std::function<void()>> tasks) {
        if (tasks.empty()) return;
        std::unique_lock<std::mutex> lock(mutex_);
        while (threads_ < tasks.size() && threads_ < kMaxThreads) {
            std::thread(&Helpers::work, this).detach();
            ++threads_;
        }
        for (auto& t : tasks) queue_.push_back(std::move(t));
        lock.unlock();
        ready_.notify_all();
    }

private:
    static constexpr size_t kMaxThreads = 1024;

    void work() {
        single_intra_op_thread();
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                ready_.wait(lock, [this] { return !queue_.empty(); });
                task = std::move(queue_.front());
                queue_.pop_front();
            }
            task();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;
    size_t threads_ = 0;
};

// Waits for a fixed number of tasks to finish.
class Latch {
public:
    explicit Latch(int64_t count) : count_(count) {}
    void count_down() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--count_ == 0) done_.notify_all();
    }
    void wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return count_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable done_;
    int64_t count_;
};

}  // namespace

InterOp::InterOp(const at::Device& device) : threads_(device.is_cpu() ? at::get_num_threads() : 1) {
    if (threads_ <= 1) return;
    set_omp_threads(1);
    if (blas_has_own_pool()) {
        std::lock_guard<std::mutex> lock(blas_mutex);
        if (open_regions++ == 0) set_blas_threads(1);
    }
}

InterOp::~InterOp() {
    if (threads_ <= 1) return;
    set_omp_threads(threads_);
    if (blas_has_own_pool()) {
        std::lock_guard<std::mutex> lock(blas_mutex);
        if (--open_regions == 0 && configured_threads > 0) set_blas_threads(configured_threads);
    }
}

int64_t InterOp::pieces(int64_t items) const { return std::max<int64_t>(1, std::min<int64_t>(items, threads_)); }

void InterOp::run(int64_t pieces, const std::function<void(int64_t)>& body) const {
    if (pieces <= 1) {
        body(0);
        return;
    }
    std::vector<std::exception_ptr> errors(static_cast<size_t>(pieces));
    auto guarded = [&body, &errors](int64_t p) {
        try {
            body(p);
        } catch (...) {
            errors[static_cast<size_t>(p)] = std::current_exception();
        }
    };
    Latch latch(pieces - 1);
    std::vector<std::function<void()>> tasks;
    for (int64_t p = 1; p < pieces; ++p)
        tasks.emplace_back([&guarded, &latch, p] {
            guarded(p);
            latch.count_down();
        });
    Helpers::instance().run(std::move(tasks));
    guarded(0);
    latch.wait();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace dfy
