// Data-parallel PPO through the C ABI: two ranks (two threads of this process, a Gloo group over
// 127.0.0.1) on a split batch take the step one process takes on the whole batch, and bad
// groups fail in bounded time with clear errors.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "densify.h"

namespace {

int failures = 0;

#define CHECK(cond, ...)                                             \
    do {                                                             \
        if (!(cond)) {                                               \
            std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            std::fprintf(stderr, __VA_ARGS__);                       \
            std::fprintf(stderr, "\n");                              \
            ++failures;                                              \
        }                                                            \
    } while (0)
#define OK(call) CHECK((call) == DFY_OK, "%s -> %s", #call, dfy_last_error())

int free_port() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
    close(s);
    return ntohs(a.sin_port);
}

const dfy_model_config kConfig = {97, 32, 32, 2, 4, 1e-5, 0};
const dfy_adam_options kAdam = {1e-3, 0.9, 0.999, 1e-8, 0.01, 1.0};

// A fixed batch of rollouts: row b has a prompt of start[b] tokens and a response of length[b].
struct Batch {
    int64_t rows = 0, width = 0;
    std::vector<int64_t> ids, mask, start, length;
    std::vector<float> rewards;
    // Rows [first, first + n) as a batch of their own.
    Batch slice(int64_t first, int64_t n) const {
        Batch s;
        s.rows = n;
        s.width = width;
        s.ids.assign(ids.begin() + first * width, ids.begin() + (first + n) * width);
        s.mask.assign(mask.begin() + first * width, mask.begin() + (first + n) * width);
        s.start.assign(start.begin() + first, start.begin() + first + n);
        s.length.assign(length.begin() + first, length.begin() + first + n);
        int64_t skip = 0, take = 0;
        for (int64_t b = 0; b < first; ++b) skip += length[size_t(b)];
        for (int64_t b = first; b < first + n; ++b) take += length[size_t(b)];
        s.rewards.assign(rewards.begin() + skip, rewards.begin() + skip + take);
        return s;
    }
};

Batch make_batch(int64_t rows, int64_t width, uint64_t seed) {
    std::mt19937_64 rng(seed);
    Batch b;
    b.rows = rows;
    b.width = width;
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t start = 1 + int64_t(rng() % 3), length = 2 + int64_t(rng() % uint64_t(width - start - 2));
        b.start.push_back(start);
        b.length.push_back(length);
        for (int64_t t = 0; t < width; ++t) {
            b.ids.push_back(1 + int64_t(rng() % 95));
            b.mask.push_back(t < start + length ? 1 : 0);
        }
        for (int64_t t = 0; t < length; ++t) b.rewards.push_back(float(int64_t(rng() % 2001) - 1000) / 1000.0f);
    }
    return b;
}

struct Trainer {
    dfy_model policy = nullptr, reference = nullptr;
    dfy_optimizer opt = nullptr;
    explicit Trainer(uint64_t seed) {
        OK(dfy_model_create(DFY_MODEL_POLICY, &kConfig, "cpu", seed, &policy));
        OK(dfy_model_clone(policy, "cpu", &reference));
        OK(dfy_optimizer_create(policy, &kAdam, &opt));
    }
    ~Trainer() {
        dfy_optimizer_free(opt);
        dfy_model_free(reference);
        dfy_model_free(policy);
    }
    std::vector<unsigned char> weights() const {
        int64_t size = 0, written = 0;
        dfy_model_save_size(policy, nullptr, &size);
        std::vector<unsigned char> image(static_cast<size_t>(size));
        OK(dfy_model_save(policy, nullptr, image.data(), size, &written));
        return image;
    }
};

dfy_ppo_options options(uint64_t seed) {
    dfy_ppo_options o = {1.0, 0.95, 0.2, 0.2, 0.1, 0.01, 0.05, DFY_KL_K3, 1, 3, 2, seed};
    return o;
}

// Largest |a - b| over the float32 weights of two safetensors images of one model layout.
double max_weight_difference(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b) {
    if (a.size() != b.size()) return INFINITY;
    uint64_t header = 0;
    std::memcpy(&header, a.data(), 8);
    if (std::memcmp(a.data(), b.data(), size_t(8 + header)) != 0) return INFINITY;
    double worst = 0;
    for (size_t at = size_t(8 + header); at + 4 <= a.size(); at += 4) {
        float x, y;
        std::memcpy(&x, a.data() + at, 4);
        std::memcpy(&y, b.data() + at, 4);
        worst = std::max(worst, double(std::fabs(x - y)));
    }
    return worst;
}

void compare_stats(const dfy_ppo_stats& one, const dfy_ppo_stats& dp, const char* what) {
    const double a[] = {one.policy_loss, one.value_loss, one.entropy, one.approx_kl, one.clip_fraction,
                        one.value_clip_fraction, one.explained_variance, one.grad_norm, one.kl_reference, one.reward,
                        one.loss_before, one.loss_after};
    const double b[] = {dp.policy_loss, dp.value_loss, dp.entropy, dp.approx_kl, dp.clip_fraction,
                        dp.value_clip_fraction, dp.explained_variance, dp.grad_norm, dp.kl_reference, dp.reward,
                        dp.loss_before, dp.loss_after};
    const char* names[] = {"policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "value_clip_fraction",
                           "explained_variance", "grad_norm", "kl_reference", "reward", "loss_before", "loss_after"};
    for (int i = 0; i < 12; ++i)
        CHECK(std::fabs(a[i] - b[i]) <= 1e-5 * std::max(1.0, std::fabs(a[i])), "%s: %s one process %.9g, two ranks %.9g",
              what, names[i], a[i], b[i]);
}

// Runs body(rank) on `world` threads with a group each.
void with_group(int world, const std::function<void(int, dfy_group)>& body) {
    const int port = free_port();
    std::vector<std::thread> threads;
    for (int r = 0; r < world; ++r)
        threads.emplace_back([&, r] {
            dfy_group g = nullptr;
            OK(dfy_group_create("127.0.0.1", port, r, world, 20000, 60000, &g));
            if (g != nullptr) body(r, g);
            dfy_group_free(g);
        });
    for (auto& t : threads) t.join();
}

// Two PPO steps of one process on the whole batch against two ranks holding rows [0, split)
// and [split, rows): same statistics and weights within 1e-5, identical weights on both ranks.
void test_two_ranks_match_one_process(int64_t split) {
    const Batch batch = make_batch(8, 12, 17);
    Trainer alone(31);
    dfy_ppo_stats one[2];
    for (int s = 0; s < 2; ++s) {
        const dfy_ppo_options o = options(40 + s);
        OK(dfy_ppo_step(alone.policy, alone.reference, alone.opt, batch.ids.data(), batch.mask.data(), batch.rows,
                        batch.width, batch.start.data(), batch.length.data(), batch.rewards.data(), &o, &one[s]));
    }
    const std::vector<unsigned char> expected = alone.weights();
    std::vector<unsigned char> got[2];
    dfy_ppo_stats dp[2][2];
    with_group(2, [&](int rank, dfy_group g) {
        // Rank 1 starts from other weights: the broadcast makes them rank 0's.
        Trainer t(rank == 0 ? 31 : 99);
        OK(dfy_group_broadcast_model(g, t.policy, 0));
        OK(dfy_group_broadcast_model(g, t.reference, 0));
        const Batch mine = rank == 0 ? batch.slice(0, split) : batch.slice(split, batch.rows - split);
        for (int s = 0; s < 2; ++s) {
            const dfy_ppo_options o = options(40 + s);
            OK(dfy_ppo_step_group(g, t.policy, t.reference, t.opt, mine.ids.data(), mine.mask.data(), mine.rows,
                                  mine.width, mine.start.data(), mine.length.data(), mine.rewards.data(), &o,
                                  &dp[rank][s]));
        }
        got[rank] = t.weights();
    });
    for (int rank = 0; rank < 2; ++rank)
        for (int s = 0; s < 2; ++s) compare_stats(one[s], dp[rank][s], rank == 0 ? "rank 0" : "rank 1");
    CHECK(got[0] == got[1], "split %lld: the ranks' weights differ", (long long)split);
    const double diff = max_weight_difference(expected, got[0]);
    CHECK(diff <= 1e-5, "split %lld: weights differ from one process's by %g", (long long)split, diff);
    std::printf("split %lld/%lld: max weight difference %.3g, loss %.6f -> %.6f\n", (long long)split,
                (long long)(batch.rows - split), diff, one[1].loss_before, one[1].loss_after);
}

void test_bad_groups() {
    dfy_group g = nullptr;
    CHECK(dfy_group_create("127.0.0.1", 29500, 2, 2, 1000, 1000, &g) == DFY_ERR_INVALID_ARGUMENT, "rank 2 of 2 accepted");
    CHECK(std::strstr(dfy_last_error(), "rank") != nullptr, "message: %s", dfy_last_error());
    CHECK(dfy_group_create("127.0.0.1", 0, 0, 1, 1000, 1000, &g) == DFY_ERR_INVALID_ARGUMENT, "port 0 accepted");
    CHECK(dfy_group_create(nullptr, 29500, 0, 1, 1000, 1000, &g) == DFY_ERR_INVALID_ARGUMENT, "NULL address accepted");
    CHECK(dfy_group_create("", 29500, 0, 1, 1000, 1000, &g) == DFY_ERR_INVALID_ARGUMENT, "empty address accepted");
    CHECK(dfy_group_create("127.0.0.1", 29500, 0, 0, 1000, 1000, &g) == DFY_ERR_INVALID_ARGUMENT, "world 0 accepted");
    CHECK(dfy_group_create("127.0.0.1", 29500, 0, 1, 0, 1000, &g) == DFY_ERR_INVALID_ARGUMENT, "timeout 0 accepted");
    CHECK(g == nullptr, "handle written on failure");
    // Nobody listens: rank 1 gives up after its connect timeout, naming the master.
    const int port = free_port();
    auto t0 = std::chrono::steady_clock::now();
    CHECK(dfy_group_create("127.0.0.1", port, 1, 2, 1500, 1000, &g) == DFY_ERR_DEVICE, "unreachable master: %s",
          dfy_last_error());
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(waited < 15, "gave up after %.1f s", waited);
    CHECK(std::strstr(dfy_last_error(), std::to_string(port).c_str()) != nullptr, "message: %s", dfy_last_error());
    std::printf("unreachable master: %.1f s: %s\n", waited, dfy_last_error());
    // Rank 0 alone of 2: the missing peer is a timeout, not a hang.
    t0 = std::chrono::steady_clock::now();
    CHECK(dfy_group_create("127.0.0.1", free_port(), 0, 2, 1500, 1000, &g) == DFY_ERR_DEVICE, "missing peer: %s",
          dfy_last_error());
    waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(waited < 15, "gave up after %.1f s", waited);
    std::printf("missing peer: %.1f s: %s\n", waited, dfy_last_error());
    CHECK(g == nullptr, "handle written on failure");
    double v = 1;
    CHECK(dfy_group_allreduce_sum(nullptr, &v, 1) == DFY_ERR_INVALID_ARGUMENT, "NULL group accepted");
    dfy_group_free(nullptr);
    // A model handle passed as a group is refused by its magic number.
    Trainer t(1);
    dfy_group wrong = reinterpret_cast<dfy_group>(t.policy);
    CHECK(dfy_group_allreduce_sum(wrong, &v, 1) == DFY_ERR_INVALID_ARGUMENT, "a model accepted as a group");
    CHECK(std::strstr(dfy_last_error(), "not live") != nullptr, "message: %s", dfy_last_error());
    CHECK(dfy_group_broadcast_model(nullptr, t.policy, 0) == DFY_ERR_INVALID_ARGUMENT, "NULL group accepted");
    const Batch batch = make_batch(2, 8, 1);
    const dfy_ppo_options o = options(1);
    dfy_ppo_stats s;
    CHECK(dfy_ppo_step_group(nullptr, t.policy, t.reference, t.opt, batch.ids.data(), batch.mask.data(), batch.rows,
                             batch.width, batch.start.data(), batch.length.data(), batch.rewards.data(), &o, &s) ==
              DFY_ERR_INVALID_ARGUMENT,
          "NULL group accepted by the PPO step");
    // A group of one is one process: the step is the plain one.
    dfy_group one = nullptr;
    OK(dfy_group_create("127.0.0.1", free_port(), 0, 1, 5000, 5000, &one));
    Trainer a(2), b(2);
    dfy_ppo_stats sa, sb;
    OK(dfy_ppo_step(a.policy, a.reference, a.opt, batch.ids.data(), batch.mask.data(), batch.rows, batch.width,
                    batch.start.data(), batch.length.data(), batch.rewards.data(), &o, &sa));
    OK(dfy_ppo_step_group(one, b.policy, b.reference, b.opt, batch.ids.data(), batch.mask.data(), batch.rows,
                          batch.width, batch.start.data(), batch.length.data(), batch.rewards.data(), &o, &sb));
    compare_stats(sa, sb, "a group of one");
    CHECK(a.weights() == b.weights(), "a group of one moved the weights differently");
    CHECK(std::memcmp(&sa, &sb, sizeof sa) == 0, "a group of one: other statistics");
    dfy_group_free(one);
}

// Collectives that disagree fail on every rank instead of silently diverging.
void test_mismatch_and_allreduce() {
    const Batch batch = make_batch(4, 10, 5);
    with_group(2, [&](int rank, dfy_group g) {
        double v[3] = {1.0 + rank, 10.0, -0.5 * rank};
        OK(dfy_group_allreduce_sum(g, v, 3));
        CHECK(v[0] == 3 && v[1] == 20 && v[2] == -0.5, "rank %d: sums %g %g %g", rank, v[0], v[1], v[2]);
        Trainer t(3);
        const Batch mine = batch.slice(rank * 2, 2);
        const dfy_ppo_options o = options(rank == 0 ? 1 : 2);  // different minibatch orders
        dfy_ppo_stats s;
        CHECK(dfy_ppo_step_group(g, t.policy, t.reference, t.opt, mine.ids.data(), mine.mask.data(), mine.rows,
                                 mine.width, mine.start.data(), mine.length.data(), mine.rewards.data(), &o, &s) ==
                  DFY_ERR_INVALID_ARGUMENT,
              "rank %d: different seeds accepted", rank);
        CHECK(std::strstr(dfy_last_error(), "differs between the ranks") != nullptr, "message: %s", dfy_last_error());
    });
}

}  // namespace

int main() {
    OK(dfy_set_num_threads(1));
    if (!dfy_distributed_compiled()) {
        dfy_group g = nullptr;
        CHECK(dfy_group_create("127.0.0.1", 29500, 0, 1, 1000, 1000, &g) == DFY_ERR_DEVICE, "no backend: %s",
              dfy_last_error());
        std::printf("no distributed backend in this build: skipped\n");
        return failures == 0 ? 0 : 1;
    }
    test_bad_groups();
    test_mismatch_and_allreduce();
    test_two_ranks_match_one_process(4);
    test_two_ranks_match_one_process(3);
    if (failures) std::fprintf(stderr, "%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
