// Data-parallel PPO timing (not a test; run by hand): one process with 2 threads against 2
// processes with 1 thread each on the same batch, and the time of one gradient all-reduce.
// Usage: densify_dp_bench [steps]. Prints medians; see HANDOFF/README for how they are read.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "densify.h"

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

int free_port() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
    close(s);
    return ntohs(a.sin_port);
}

void must(dfy_status s, const char* what) {
    if (s != DFY_OK) {
        std::fprintf(stderr, "%s: %s\n", what, dfy_last_error());
        std::exit(1);
    }
}

struct Setup {
    dfy_model_config config;
    int64_t rows, width, prompt;
    dfy_ppo_options options;
};

struct Rows {
    std::vector<int64_t> ids, mask, start, length;
    std::vector<float> rewards;
    int64_t tokens = 0;
};

Rows rows(const Setup& s, int64_t first, int64_t n) {
    std::mt19937_64 rng(7);
    Rows r;
    for (int64_t b = 0; b < s.rows; ++b) {
        const int64_t len = s.width - s.prompt - int64_t(rng() % 4);
        std::vector<int64_t> ids(static_cast<size_t>(s.width));
        for (auto& x : ids) x = 1 + int64_t(rng() % uint64_t(s.config.vocab_size - 1));
        std::vector<float> rew(static_cast<size_t>(len));
        for (auto& x : rew) x = float(int64_t(rng() % 200) - 100) / 100.0f;
        if (b < first || b >= first + n) continue;
        r.ids.insert(r.ids.end(), ids.begin(), ids.end());
        for (int64_t t = 0; t < s.width; ++t) r.mask.push_back(t < s.prompt + len ? 1 : 0);
        r.start.push_back(s.prompt);
        r.length.push_back(len);
        r.rewards.insert(r.rewards.end(), rew.begin(), rew.end());
        r.tokens += len;
    }
    return r;
}

// Median seconds per PPO step; group NULL: alone on every row.
double time_steps(const Setup& s, dfy_group group, int rank, int world, int steps, int64_t* tokens) {
    dfy_model policy = nullptr, reference = nullptr;
    dfy_optimizer opt = nullptr;
    must(dfy_model_create(DFY_MODEL_POLICY, &s.config, "cpu", 1, &policy), "create");
    must(dfy_model_clone(policy, "cpu", &reference), "clone");
    dfy_adam_options a = {1e-4, 0.9, 0.999, 1e-8, 0.0, 1.0};
    must(dfy_optimizer_create(policy, &a, &opt), "optimizer");
    const int64_t share = s.rows / world;
    Rows mine = rows(s, rank * share, share);
    *tokens = rows(s, 0, s.rows).tokens;
    std::vector<double> times;
    for (int i = 0; i <= steps; ++i) {
        dfy_ppo_stats st;
        const double t0 = now();
        if (group == nullptr) {
            must(dfy_ppo_step(policy, reference, opt, mine.ids.data(), mine.mask.data(), share, s.width, mine.start.data(),
                              mine.length.data(), mine.rewards.data(), &s.options, &st), "step");
        } else {
            must(dfy_ppo_step_group(group, policy, reference, opt, mine.ids.data(), mine.mask.data(), share, s.width,
                                    mine.start.data(), mine.length.data(), mine.rewards.data(), &s.options, &st),
                 "group step");
        }
        if (i > 0) times.push_back(now() - t0);  // the first is a warm-up
    }
    dfy_optimizer_free(opt);
    dfy_model_free(reference);
    dfy_model_free(policy);
    return median(times);
}

}  // namespace

int main(int argc, char** argv) {
    const int steps = argc > 1 ? std::atoi(argv[1]) : 5;
    // A GPT-2 of 4 layers x 128 wide (0.9M weights), 32 rollouts of 48 tokens, 2 epochs of
    // minibatches of 8: 8 Adam steps (so 8 gradient all-reduces) per PPO step.
    Setup s{{512, 64, 128, 4, 4, 1e-5, 0}, 32, 48, 8, {1.0, 0.95, 0.2, 0.2, 0.1, 0.0, 0.05, DFY_KL_K1, 1, 2, 8, 3}};
    int64_t params = 0;
    {
        dfy_model m = nullptr;
        must(dfy_model_create(DFY_MODEL_POLICY, &s.config, "cpu", 1, &m), "create");
        must(dfy_model_parameter_count(m, &params), "count");
        dfy_model_free(m);
    }
    const int64_t updates = s.options.epochs * (s.rows / s.options.minibatch_size);
    int64_t tokens = 0;
    must(dfy_set_num_threads(2), "threads");
    const double alone = time_steps(s, nullptr, 0, 1, steps, &tokens);
    std::printf("weights %lld, rollouts %lld, action tokens %lld, Adam steps per PPO step %lld\n", (long long)params,
                (long long)s.rows, (long long)tokens, (long long)updates);
    std::printf("1 process x 2 threads: %.4f s/step, %.0f PPO tokens/s\n", alone, double(tokens) / alone);
    must(dfy_set_num_threads(1), "threads");
    const double single = time_steps(s, nullptr, 0, 1, steps, &tokens);
    std::printf("1 process x 1 thread: %.4f s/step, %.0f PPO tokens/s\n", single, double(tokens) / single);
    // One rank's share computed alone: what a rank of two would take without communicating.
    int64_t half_tokens = 0;
    const double half = time_steps(s, nullptr, 0, 2, steps, &half_tokens);
    std::printf("half the batch, 1 process x 1 thread (a rank's compute): %.4f s/step\n", half);
    std::fflush(stdout);
    const int port = free_port();
    int pipefd[2];
    if (pipe(pipefd) != 0) return 1;
    for (int rank = 0; rank < 2; ++rank) {
        if (fork() == 0) {
            must(dfy_set_num_threads(1), "threads");
            dfy_group g = nullptr;
            must(dfy_group_create("127.0.0.1", port, rank, 2, 30000, 120000, &g), "group");
            const double dp = time_steps(s, g, rank, 2, steps, &tokens);
            // One gradient all-reduce: the weights' float32 bytes (as doubles, half as many).
            std::vector<double> buffer(size_t(params / 2 + 1), 1.0);
            std::vector<double> t;
            for (int i = 0; i < 21; ++i) {
                const double t0 = now();
                must(dfy_group_allreduce_sum(g, buffer.data(), int64_t(buffer.size())), "all-reduce");
                if (i > 0) t.push_back(now() - t0);
            }
            const double reduce = median(t);
            if (rank == 0) {
                std::printf("2 processes x 1 thread: %.4f s/step, %.0f PPO tokens/s\n", dp, double(tokens) / dp);
                std::printf("one gradient all-reduce (%.1f MB): %.5f s; %lld per step = %.4f s = %.1f%% of the step\n",
                            double(params) * 4 / 1e6, reduce, (long long)updates, reduce * double(updates),
                            100.0 * reduce * double(updates) / dp);
            }
            dfy_group_free(g);
            std::fflush(stdout);
            _exit(0);
        }
    }
    int status = 0, failed = 0;
    while (wait(&status) > 0) failed |= !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return failed;
}
