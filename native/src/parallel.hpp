// Inter-op parallelism for small models: independent pieces of work (the rows of a PPO
// minibatch, the policy's and the reference's forwards) run on their own threads, each with
// one intra-op thread. For the sizes densify trains on CPU, kernels are too small for
// intra-op threads to pay (they wait at OpenMP barriers); whole forwards and backwards do.
#pragma once

#include <cstdint>
#include <functional>

#include <ATen/ATen.h>

namespace dfy {

// Sets the engine's thread count: libtorch's intra-op threads, the BLAS's own pool where it has
// one (OpenBLAS on pthreads), and the pieces of inter-op regions (InterOp).
void set_threads(int32_t n);

// Inter-op parallelism for one engine call on `device`. With several configured threads on
// CPU, while this lives the calling thread runs with one intra-op thread (an OpenMP team woken
// between pieces would spin on the cores the pieces need) and an OpenBLAS with its own pool
// runs single-threaded (process-wide, counted across concurrent regions).
class InterOp {
public:
    explicit InterOp(const at::Device& device);
    ~InterOp();
    InterOp(const InterOp&) = delete;
    InterOp& operator=(const InterOp&) = delete;

    // How many pieces `items` independent units of work should be split into: one per
    // configured thread, at most one per unit; 1 on accelerators (they serialise on one stream).
    int64_t pieces(int64_t items) const;

    // Runs body(0), ..., body(pieces - 1) concurrently (piece 0 on this thread, the others on
    // long-lived helper threads with one intra-op thread each and default autograd state) and
    // waits for all. The first exception by piece index is rethrown after every piece finished.
    void run(int64_t pieces, const std::function<void(int64_t)>& body) const;

private:
    int threads_;
};

// Row range [begin, end) of piece p when `rows` rows are split into `pieces` near-equal parts.
inline int64_t piece_begin(int64_t rows, int64_t pieces, int64_t p) { return rows * p / pieces; }

}  // namespace dfy
