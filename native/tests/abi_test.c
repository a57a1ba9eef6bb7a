/* C-level checks of the ABI through the real library: guarded errors, save/load, and, where
 * a CUDA device exists, CUDA against CPU on the same weights. The behaviour tests proper
 * live in Java (src/test); this keeps the ABI honest for C callers and on GPU machines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "densify.h"

static int failures = 0;

#define CHECK(cond, ...)                                        \
    do {                                                        \
        if (!(cond)) {                                          \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                       \
            fprintf(stderr, "\n");                              \
            ++failures;                                         \
        }                                                       \
    } while (0)

#define OK(call) CHECK((call) == DFY_OK, "%s -> %s", #call, dfy_last_error())

static dfy_model_config small_config(void) {
    dfy_model_config c = {97, 64, 32, 2, 4, 1e-5};
    return c;
}

/* The PPO tests' batch: 4 rows of 8 tokens, responses at {2, 3, 2, 4} of {6, 5, 4, 3} tokens
 * (18 rewards: 1 every `period`-th, else `penalty`), ids 1 + (i * step) % 90, row 2 ending at 6. */
enum { PPO_B = 4, PPO_T = 8, PPO_REWARDS = 18 };
typedef struct {
    int64_t ids[PPO_B * PPO_T], mask[PPO_B * PPO_T], start[PPO_B], length[PPO_B];
    float rewards[PPO_REWARDS];
} ppo_batch;

static ppo_batch ppo_batch_of(int step, int period, float penalty) {
    ppo_batch b = {.start = {2, 3, 2, 4}, .length = {6, 5, 4, 3}};
    for (int i = 0; i < PPO_B * PPO_T; ++i) {
        b.ids[i] = 1 + (i * step) % 90;
        b.mask[i] = 1;
    }
    b.mask[2 * PPO_T + 7] = 0;
    for (int i = 0; i < PPO_REWARDS; ++i) b.rewards[i] = (i % period == 0) ? 1.0f : penalty;
    return b;
}

/* A policy of small_config() on `device`, a copy as the frozen reference, Adam at lr 1e-3. */
typedef struct {
    dfy_model policy, reference;
    dfy_optimizer opt;
} ppo_models;

static const dfy_adam_options PPO_ADAM = {1e-3, 0.9, 0.999, 1e-8, 0.0, 1.0};

static ppo_models ppo_models_on(const char* device, uint64_t seed) {
    dfy_model_config c = small_config();
    ppo_models m = {NULL, NULL, NULL};
    OK(dfy_model_create(DFY_MODEL_POLICY, &c, device, seed, &m.policy));
    OK(dfy_model_clone(m.policy, device, &m.reference));
    OK(dfy_optimizer_create(m.policy, &PPO_ADAM, &m.opt));
    return m;
}

static void ppo_models_free(ppo_models* m) {
    dfy_optimizer_free(m->opt);
    dfy_model_free(m->policy);
    dfy_model_free(m->reference);
}

static void test_errors(void) {
    int32_t kind = 0;
    CHECK(dfy_model_kind(NULL, &kind) == DFY_ERR_INVALID_ARGUMENT, "NULL handle accepted");
    CHECK(strstr(dfy_last_error(), "NULL") != NULL, "message: %s", dfy_last_error());
    dfy_model_free(NULL);
    dfy_model_config bad = small_config();
    bad.n_head = 5;
    dfy_model m = NULL;
    CHECK(dfy_model_create(DFY_MODEL_POLICY, &bad, "cpu", 1, &m) == DFY_ERR_INVALID_ARGUMENT, "bad n_head accepted");
    CHECK(m == NULL, "handle written on failure");
    dfy_model_config good = small_config();
    CHECK(dfy_model_create(DFY_MODEL_POLICY, &good, "tpu:0", 1, &m) == DFY_ERR_INVALID_ARGUMENT, "bad device accepted");
    const unsigned char junk[16] = {200, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
    CHECK(dfy_model_load(DFY_MODEL_POLICY, &good, "cpu", junk, sizeof junk, &m) == DFY_ERR_FORMAT,
          "header past the end accepted");
    CHECK(strstr(dfy_last_error(), "past the end") != NULL, "message: %s", dfy_last_error());
    /* An allocation libtorch's allocator refuses is DFY_ERR_OUT_OF_MEMORY with the bytes asked for. */
    dfy_model_config huge = {1 << 20, 64, 1 << 16, 1, 1, 1e-5, 0};
    CHECK(dfy_model_create(DFY_MODEL_POLICY, &huge, "cpu", 1, &m) == DFY_ERR_OUT_OF_MEMORY, "256 GiB model: %s",
          dfy_last_error());
    CHECK(strstr(dfy_last_error(), "could not allocate") != NULL, "message: %s", dfy_last_error());
    CHECK(m == NULL, "handle written on failure");
    /* TorchScript: bad arguments and a file that is no module are refused, no handle written. */
    CHECK(dfy_reward_load_script(NULL, "cpu", 97, 64, DFY_SCORE_ONLY_ROW, &m) == DFY_ERR_INVALID_ARGUMENT,
          "NULL path accepted");
    CHECK(dfy_reward_load_script("/nonexistent/reward.pt", "cpu", 0, 64, DFY_SCORE_ONLY_ROW, &m) ==
              DFY_ERR_INVALID_ARGUMENT, "vocab_size 0 accepted");
    CHECK(dfy_reward_load_script("/nonexistent/reward.pt", "cpu", 97, 64, DFY_SCORE_ONLY_ROW, &m) == DFY_ERR_FORMAT,
          "missing module accepted: %s", dfy_last_error());
    CHECK(strstr(dfy_last_error(), "TorchScript") != NULL, "message: %s", dfy_last_error());
    CHECK(m == NULL, "handle written on failure");
}

static void test_save_load(void) {
    dfy_model_config c = small_config();
    dfy_model a = NULL, b = NULL;
    OK(dfy_model_create(DFY_MODEL_REWARD, &c, "cpu", 7, &a));
    int64_t size = 0, written = 0;
    OK(dfy_model_save_size(a, "{\"k\":\"v\"}", &size));
    unsigned char* image = malloc((size_t)size);
    unsigned char* again = malloc((size_t)size);
    OK(dfy_model_save(a, "{\"k\":\"v\"}", image, size, &written));
    CHECK(written == size, "wrote %lld of %lld", (long long)written, (long long)size);
    CHECK(dfy_model_save(a, NULL, image, 8, &written) == DFY_ERR_INVALID_ARGUMENT, "small buffer accepted");
    OK(dfy_model_load(DFY_MODEL_REWARD, &c, "cpu", image, size, &b));
    OK(dfy_model_save(b, "{\"k\":\"v\"}", again, size, &written));
    CHECK(memcmp(image, again, (size_t)size) == 0, "save -> load -> save differs");
    int64_t ids[6] = {1, 2, 3, 4, 5, 6};
    float sa[2], sb[2];
    OK(dfy_reward_score(a, ids, NULL, 2, 3, sa));
    OK(dfy_reward_score(b, ids, NULL, 2, 3, sb));
    CHECK(sa[0] == sb[0] && sa[1] == sb[1], "scores differ after reload");
    free(image);
    free(again);
    dfy_model_free(a);
    dfy_model_free(b);
}

/* Repeated steps on one batch drive both losses down; learning rate 0 changes nothing. */
static void test_training(void) {
    dfy_model_config c = small_config();
    dfy_model p = NULL, r = NULL;
    OK(dfy_model_create(DFY_MODEL_POLICY, &c, "cpu", 11, &p));
    OK(dfy_model_create(DFY_MODEL_REWARD, &c, "cpu", 12, &r));
    dfy_adam_options o = {3e-3, 0.9, 0.999, 1e-8, 0.0, 1.0};
    dfy_optimizer op = NULL, orw = NULL, other = NULL;
    OK(dfy_optimizer_create(p, &o, &op));
    OK(dfy_optimizer_create(r, &o, &orw));
    int64_t ids[4 * 6] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};
    float labels[4] = {1, 0, 1, 0};
    float first = 0, last = 0, rfirst = 0, rlast = 0, norm = 0;
    for (int i = 0; i < 40; ++i) {
        OK(dfy_policy_lm_step(p, op, ids, NULL, 4, 6, i == 0 ? &first : &last, &norm));
        OK(dfy_reward_classifier_step(r, orw, ids, NULL, labels, 4, 6, i == 0 ? &rfirst : &rlast, NULL));
    }
    CHECK(last < 0.5f * first, "SFT loss %g -> %g", first, last);
    CHECK(rlast < 0.5f * rfirst, "classifier loss %g -> %g", rfirst, rlast);
    CHECK(dfy_policy_lm_step(r, orw, ids, NULL, 4, 6, NULL, NULL) == DFY_ERR_INVALID_ARGUMENT, "reward as policy");
    CHECK(dfy_policy_lm_step(p, orw, ids, NULL, 4, 6, NULL, NULL) == DFY_ERR_INVALID_ARGUMENT, "foreign optimizer");
    labels[0] = 2;
    CHECK(dfy_reward_classifier_step(r, orw, ids, NULL, labels, 4, 6, NULL, NULL) == DFY_ERR_INVALID_ARGUMENT,
          "label 2 accepted");
    dfy_adam_options zero = o;
    zero.learning_rate = 0;
    OK(dfy_optimizer_create(p, &zero, &other));
    float before[4 * 6], after[4 * 6];
    OK(dfy_policy_forward(p, ids, NULL, 4, 6, NULL, before, NULL));
    OK(dfy_policy_lm_step(p, other, ids, NULL, 4, 6, NULL, NULL));
    OK(dfy_policy_forward(p, ids, NULL, 4, 6, NULL, after, NULL));
    CHECK(memcmp(before, after, sizeof before) == 0, "learning rate 0 changed the model");
    dfy_optimizer_free(op);
    dfy_optimizer_free(orw);
    dfy_optimizer_free(other);
    dfy_model_free(p);
    dfy_model_free(r);
}

/* Every forward of one model pair under the selected attention kernel: unpadded (causal only),
 * left- and right-padded policy batches, greedy decoding with the KV cache, left-padded scores
 * and SHAP with prefix reuse (cached prefixes with gaps in the key mask). */
enum { AK_B = 3, AK_T = 9, AK_V = 97, AK_NEW = 6, AK_RESP = 12 };
typedef struct {
    float logits[3][AK_B * AK_T * AK_V];
    float values[3][AK_B * AK_T];
    int64_t ids[AK_B * AK_NEW];
    float logprobs[AK_B * AK_NEW];
    float scores[AK_B];
    float shap[AK_RESP];
} ak_outputs;

static void ak_run(dfy_model policy, dfy_model reward, ak_outputs* out) {
    int64_t ids[AK_B * AK_T], mask[3][AK_B * AK_T];
    for (int i = 0; i < AK_B * AK_T; ++i) ids[i] = 1 + (i * 37) % (AK_V - 1);
    const int lengths[AK_B] = {9, 5, 2};
    for (int r = 0; r < AK_B; ++r)
        for (int t = 0; t < AK_T; ++t) {
            mask[0][r * AK_T + t] = 1;
            mask[1][r * AK_T + t] = t >= AK_T - lengths[r]; /* left-padded */
            mask[2][r * AK_T + t] = t < lengths[r];         /* right-padded */
        }
    for (int k = 0; k < 3; ++k)
        OK(dfy_policy_forward(policy, ids, mask[k], AK_B, AK_T, out->logits[k], out->values[k], NULL));
    dfy_generate_options g = {AK_NEW, 0.0, 0, 1.0, -1, 0, 5, 1};
    int64_t prompts[7] = {5, 6, 7, 8, 9, 10, 11}, plen[AK_B] = {1, 4, 2}, n[AK_B];
    OK(dfy_policy_generate(policy, prompts, 7, plen, AK_B, &g, out->ids, out->logprobs, n));
    OK(dfy_reward_score(reward, ids, mask[1], AK_B, AK_T, out->scores));
    int64_t tokens[17] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    int64_t sp[2] = {2, 3}, sr[2] = {7, 5};
    dfy_attribution_options o = {DFY_ATTRIBUTION_SHAP, 40, 0, 3, 40, 25.0, 1.0, 1};
    OK(dfy_attribute(reward, tokens, 17, sp, sr, 2, &o, out->shap, NULL, NULL, NULL, NULL));
}

static double ak_worst(const float* a, const float* b, size_t n) {
    double w = 0;
    for (size_t i = 0; i < n; ++i) w = fmax(w, fabs((double)a[i] - (double)b[i]));
    return w;
}

/* The fused kernel (libtorch >= 2.0 builds) gives the plain kernel's numbers within 1e-5; a
 * build without it refuses it and says so in dfy_runtime_info. */
static void test_attention_kernels(const char* device) {
    const int compiled = dfy_fused_attention_compiled();
    int32_t kernel = 0;
    OK(dfy_get_attention(&kernel));
    CHECK(kernel == (compiled ? DFY_ATTENTION_FUSED : DFY_ATTENTION_PLAIN), "default kernel %d (compiled %d)", kernel,
          compiled);
    CHECK(dfy_set_attention(7) == DFY_ERR_INVALID_ARGUMENT, "kernel 7 accepted");
    CHECK(dfy_get_attention(NULL) == DFY_ERR_INVALID_ARGUMENT, "NULL out accepted");
    CHECK((dfy_set_attention(DFY_ATTENTION_FUSED) == DFY_OK) == (compiled != 0), "fused accepted: %d, compiled: %d",
          dfy_set_attention(DFY_ATTENTION_FUSED) == DFY_OK, compiled);
    char info[8192];
    int64_t length = 0;
    OK(dfy_runtime_info(info, sizeof info, &length));
    CHECK(strstr(info, compiled ? "\"attention\":\"fused\"" : "\"attention\":\"plain\"") != NULL, "runtime info: %s", info);
    CHECK(strstr(info, compiled ? "\"fused_attention_compiled\":1" : "\"fused_attention_compiled\":0") != NULL,
          "runtime info: %s", info);
    if (!compiled) {
        printf("abi_test: fused attention not compiled (libtorch %s): plain kernel only\n", dfy_torch_version());
        return;
    }
    dfy_model_config c = small_config();
    dfy_model policy = NULL, reward = NULL;
    OK(dfy_model_create(DFY_MODEL_POLICY, &c, device, 31, &policy));
    OK(dfy_model_create(DFY_MODEL_REWARD, &c, device, 32, &reward));
    if (policy == NULL || reward == NULL) return;
    static ak_outputs plain, fused;
    OK(dfy_set_attention(DFY_ATTENTION_PLAIN));
    ak_run(policy, reward, &plain);
    OK(dfy_set_attention(DFY_ATTENTION_FUSED));
    ak_run(policy, reward, &fused);
    const char* names[3] = {"unpadded", "left-padded", "right-padded"};
    for (int k = 0; k < 3; ++k) {
        double wl = ak_worst(plain.logits[k], fused.logits[k], sizeof plain.logits[k] / sizeof(float));
        double wv = ak_worst(plain.values[k], fused.values[k], sizeof plain.values[k] / sizeof(float));
        CHECK(wl <= 1e-5 && wv <= 1e-5, "%s %s: fused differs from plain by %g (logits), %g (values)", device, names[k],
              wl, wv);
        printf("abi_test: %s %s fused vs plain max abs difference %.3g\n", device, names[k], fmax(wl, wv));
    }
    CHECK(memcmp(plain.ids, fused.ids, sizeof plain.ids) == 0, "%s: greedy ids differ between kernels", device);
    double wg = ak_worst(plain.logprobs, fused.logprobs, AK_B * AK_NEW);
    double ws = ak_worst(plain.scores, fused.scores, AK_B);
    double wa = ak_worst(plain.shap, fused.shap, AK_RESP);
    CHECK(wg <= 1e-5, "%s: decoding log-probs differ by %g", device, wg);
    CHECK(ws <= 1e-5, "%s: left-padded scores differ by %g", device, ws);
    CHECK(wa <= 1e-5, "%s: packed SHAP values differ by %g", device, wa);
    printf("abi_test: %s decoding %.3g, scores %.3g, packed SHAP %.3g (fused vs plain)\n", device, wg, ws, wa);
    dfy_model_free(policy);
    dfy_model_free(reward);
}

/* PPO micro-batches (max_batch_tokens): the same update as whole minibatches, up to rounding,
 * with one thread (gradients accumulated by backward) and with two (per-piece sums). */
static void test_ppo_micro_batches(void) {
    const ppo_batch b = ppo_batch_of(17, 4, -0.2f);
    for (int threads = 1; threads <= 2; ++threads) {
        OK(dfy_set_num_threads(threads));
        float values[2][PPO_B * PPO_T];
        dfy_ppo_stats stats[2];
        for (int k = 0; k < 2; ++k) {
            ppo_models m = ppo_models_on("cpu", 41);
            dfy_ppo_options o = {1.0, 0.95, 0.2, 0.2, 0.1, 0.01, 0.05, DFY_KL_K3, 1, 2, 4, 5, k == 0 ? 0 : PPO_T};
            OK(dfy_ppo_step(m.policy, m.reference, m.opt, b.ids, b.mask, PPO_B, PPO_T, b.start, b.length, b.rewards, &o,
                            &stats[k]));
            OK(dfy_policy_forward(m.policy, b.ids, b.mask, PPO_B, PPO_T, NULL, values[k], NULL));
            if (k == 1) {
                o.max_batch_tokens = -1;
                CHECK(dfy_ppo_step(m.policy, m.reference, m.opt, b.ids, b.mask, PPO_B, PPO_T, b.start, b.length,
                                   b.rewards, &o, &stats[k]) == DFY_ERR_INVALID_ARGUMENT,
                      "max_batch_tokens -1 accepted");
            }
            ppo_models_free(&m);
        }
        double worst = 0;
        for (int i = 0; i < PPO_B * PPO_T; ++i) worst = fmax(worst, fabs(values[0][i] - values[1][i]));
        const double d[] = {stats[0].policy_loss - stats[1].policy_loss, stats[0].value_loss - stats[1].value_loss,
                            stats[0].entropy - stats[1].entropy, stats[0].grad_norm - stats[1].grad_norm,
                            stats[0].clip_fraction - stats[1].clip_fraction, stats[0].loss_after - stats[1].loss_after};
        for (size_t i = 0; i < sizeof d / sizeof d[0]; ++i) worst = fmax(worst, fabs(d[i]));
        CHECK(worst < 1e-5, "%d thread(s): micro-batches of one row change the update by %g", threads, worst);
        printf("abi_test: PPO micro-batches vs whole minibatches (%d thread(s)): max abs difference %.3g\n", threads,
               worst);
    }
    OK(dfy_set_num_threads(2));
}

/* A PPO step whose products run in `dtype` on `device`, against float32 there: close, not equal;
 * the weights stay float32 (they are read back as such). */
static void ppo_step_in(const char* device, int32_t dtype, const char* name) {
    const ppo_batch b = ppo_batch_of(13, 3, -0.3f);
    float values[2][PPO_B * PPO_T];
    dfy_ppo_stats stats[2];
    for (int k = 0; k < 2; ++k) {
        ppo_models m = ppo_models_on(device, 43);
        dfy_ppo_options o = {1.0, 0.95, 0.2, 0.2, 0.1, 0.01, 0.05, DFY_KL_K3, 1, 2, 2, 5, 0, k == 0 ? 0 : dtype};
        OK(dfy_ppo_step(m.policy, m.reference, m.opt, b.ids, NULL, PPO_B, PPO_T, b.start, b.length, b.rewards, &o,
                        &stats[k]));
        OK(dfy_policy_forward(m.policy, b.ids, NULL, PPO_B, PPO_T, NULL, values[k], NULL));
        ppo_models_free(&m);
    }
    double worst = 0;
    for (int i = 0; i < PPO_B * PPO_T; ++i) worst = fmax(worst, fabs(values[0][i] - values[1][i]));
    const double d = fmax(fabs(stats[0].policy_loss - stats[1].policy_loss), fabs(stats[0].loss_after - stats[1].loss_after));
    CHECK(worst > 0 && worst < 0.05 && d < 0.05, "%s PPO step on %s: values differ by %g, losses by %g", name, device,
          worst, d);
    printf("abi_test: PPO step in %s vs float32 on %s: values %.3g, losses %.3g\n", name, device, worst, d);
}

static void test_mixed_precision_ppo(void) {
    ppo_step_in("cpu", DFY_DTYPE_BFLOAT16, "bfloat16");
    {
        ppo_models m = ppo_models_on("cpu", 1);
        int64_t ids[2 * 4] = {1, 2, 3, 4, 5, 6, 7, 8}, start[2] = {1, 2}, length[2] = {3, 2};
        float rewards[5] = {0, 0, 1, 0, 1};
        dfy_ppo_stats s;
        dfy_ppo_options o = {1.0, 0.95, 0.2, 0.2, 0.1, 0.0, 0.0, DFY_KL_K1, 0, 1, 2, 5, 0, DFY_DTYPE_FLOAT16};
        CHECK(dfy_ppo_step(m.policy, NULL, m.opt, ids, NULL, 2, 4, start, length, rewards, &o, &s) ==
                  DFY_ERR_INVALID_ARGUMENT, "a float16 PPO step on the CPU accepted");
        o.compute_dtype = 7;
        CHECK(dfy_ppo_step(m.policy, NULL, m.opt, ids, NULL, 2, 4, start, length, rewards, &o, &s) ==
                  DFY_ERR_INVALID_ARGUMENT, "compute_dtype 7 accepted");
        ppo_models_free(&m);
    }
    int32_t devices = 0;
    OK(dfy_cuda_device_count(&devices));
    if (devices > 0) {
        ppo_step_in("cuda:0", DFY_DTYPE_BFLOAT16, "bfloat16");
        ppo_step_in("cuda:0", DFY_DTYPE_FLOAT16, "float16");
    }
}

/* bfloat16 inference products: close to float32 but not equal; float16 refused on the CPU. */
static void test_compute_dtype(void) {
    int32_t dtype = 0;
    OK(dfy_get_compute_dtype(&dtype));
    CHECK(dtype == DFY_DTYPE_FLOAT32, "default compute dtype %d", dtype);
    CHECK(dfy_set_compute_dtype(0) == DFY_ERR_INVALID_ARGUMENT, "dtype 0 accepted");
    dfy_model_config c = small_config();
    dfy_model r = NULL;
    OK(dfy_model_create(DFY_MODEL_REWARD, &c, "cpu", 77, &r));
    int64_t ids[2 * 10];
    for (int i = 0; i < 20; ++i) ids[i] = 1 + (i * 29) % 96;
    float f32[2], b16[2], f16[2];
    OK(dfy_reward_score(r, ids, NULL, 2, 10, f32));
    OK(dfy_set_compute_dtype(DFY_DTYPE_BFLOAT16));
    OK(dfy_reward_score(r, ids, NULL, 2, 10, b16));
    const double d = fmax(fabs(f32[0] - b16[0]), fabs(f32[1] - b16[1]));
    CHECK(d > 0 && d < 0.05 * fmax(1.0, fmax(fabs(f32[0]), fabs(f32[1]))), "bfloat16 scores differ by %g", d);
    printf("abi_test: bfloat16 vs float32 scores max abs difference %.3g\n", d);
    OK(dfy_set_compute_dtype(DFY_DTYPE_FLOAT16));
    CHECK(dfy_reward_score(r, ids, NULL, 2, 10, f16) == DFY_ERR_INVALID_ARGUMENT, "float16 on the CPU accepted");
    OK(dfy_set_compute_dtype(DFY_DTYPE_FLOAT32));
    OK(dfy_reward_score(r, ids, NULL, 2, 10, b16));
    CHECK(memcmp(f32, b16, sizeof f32) == 0, "float32 again differs");
    dfy_model_free(r);
}

/* Efficiency at every budget, and prefix reuse changes no number. */
static void test_attribution(void) {
    dfy_model_config c = small_config();
    dfy_model r = NULL;
    OK(dfy_model_create(DFY_MODEL_REWARD, &c, "cpu", 21, &r));
    enum { B = 3 };
    int64_t tokens[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, /* seq 1: 2 + 10 */
                        20, 21, 22, 23, 24, 25,                 /* seq 2: 0 + 6 */
                        30, 31, 32, 33, 34, 35, 36};            /* seq 3: 3 + 4 */
    int64_t prompts[B] = {2, 0, 3}, responses[B] = {10, 6, 4};
    const int64_t total = 25, response_total = 20;
    const int64_t budgets[] = {2, 30, 100, 2000};
    for (int method = DFY_ATTRIBUTION_SHAP; method <= DFY_ATTRIBUTION_LIME; ++method) {
        for (size_t k = 0; k < sizeof budgets / sizeof budgets[0]; ++k) {
            dfy_attribution_options o = {method, budgets[k], 0, 9, 64, 25.0, 1.0, 1};
            float a[20], b[20], full[B], base[B], diag[B], full2[B];
            int64_t evals[B];
            OK(dfy_attribute(r, tokens, total, prompts, responses, B, &o, a, full, base, evals, diag));
            o.reuse_prefix = 0;
            OK(dfy_attribute(r, tokens, total, prompts, responses, B, &o, b, full2, NULL, NULL, NULL));
            double worst = 0;
            for (int i = 0; i < response_total; ++i) worst = fmax(worst, fabs(a[i] - b[i]));
            CHECK(worst < 1e-4, "method %d S=%lld: reuse changes values by %g", method, (long long)budgets[k], worst);
            if (method == DFY_ATTRIBUTION_SHAP) {
                int64_t at = 0;
                for (int s = 0; s < B; ++s) {
                    double sum = 0;
                    for (int64_t j = 0; j < responses[s]; ++j) sum += a[at + j];
                    at += responses[s];
                    CHECK(fabs(sum - (full[s] - base[s])) < 1e-4, "S=%lld seq %d: sum %g vs %g", (long long)budgets[k], s,
                          sum, full[s] - base[s]);
                }
            }
        }
    }
    /* Feature selection: values outside the selection are exactly 0, the sum still holds. */
    for (int sel = DFY_SELECTION_AUTO; sel <= DFY_SELECTION_TOP; ++sel) {
        for (size_t k = 0; k < sizeof budgets / sizeof budgets[0]; ++k) {
            dfy_attribution_options o = {DFY_ATTRIBUTION_SHAP, budgets[k], 0, 9, 64, 25.0, 1.0, 1, sel,
                                         sel == DFY_SELECTION_TOP ? 2 : 0};
            float a[20], full[B], base[B];
            OK(dfy_attribute(r, tokens, total, prompts, responses, B, &o, a, full, base, NULL, NULL));
            int64_t at = 0;
            for (int s = 0; s < B; ++s) {
                double sum = 0;
                int nonzero = 0;
                for (int64_t j = 0; j < responses[s]; ++j) {
                    sum += a[at + j];
                    nonzero += a[at + j] != 0;
                }
                at += responses[s];
                CHECK(fabs(sum - (full[s] - base[s])) < 1e-4, "selection %d S=%lld seq %d: sum %g vs %g", sel,
                      (long long)budgets[k], s, sum, full[s] - base[s]);
                CHECK(sel != DFY_SELECTION_TOP || nonzero <= 2, "top 2 gave %d nonzero values", nonzero);
            }
        }
    }
    dfy_attribution_options bad = {DFY_ATTRIBUTION_SHAP, 1, 0, 9, 64, 25.0, 1.0, 1, 0, 0};
    float a[20];
    CHECK(dfy_attribute(r, tokens, total, prompts, responses, B, &bad, a, NULL, NULL, NULL, NULL) ==
              DFY_ERR_INVALID_ARGUMENT, "S = 1 accepted");
    bad.samples = 30;
    bad.shap_selection = 5;
    CHECK(dfy_attribute(r, tokens, total, prompts, responses, B, &bad, a, NULL, NULL, NULL, NULL) ==
              DFY_ERR_INVALID_ARGUMENT, "selection 5 accepted");
    bad.shap_selection = DFY_SELECTION_TOP;
    CHECK(dfy_attribute(r, tokens, total, prompts, responses, B, &bad, a, NULL, NULL, NULL, NULL) ==
              DFY_ERR_INVALID_ARGUMENT, "top 0 accepted");
    dfy_model_free(r);
}

/* A PPO step on a fixed batch lowers the loss; optimizer state round-trips. */
static void test_ppo(void) {
    ppo_models m = ppo_models_on("cpu", 31);
    ppo_batch b = ppo_batch_of(13, 3, -0.25f);
    dfy_ppo_options o = {1.0, 0.95, 0.2, 0.2, 0.1, 0.0, 0.05, DFY_KL_K1, 1, 2, 2, 5};
    dfy_ppo_stats s;
#define STEP() dfy_ppo_step(m.policy, m.reference, m.opt, b.ids, b.mask, PPO_B, PPO_T, b.start, b.length, b.rewards, &o, &s)
    OK(STEP());
    CHECK(s.loss_after < s.loss_before, "PPO loss %g -> %g", s.loss_before, s.loss_after);
    CHECK(fabs(s.kl_reference) < 1e-6, "KL to an identical reference is %g", s.kl_reference);
    o.minibatch_size = 3;
    CHECK(STEP() == DFY_ERR_INVALID_ARGUMENT, "minibatch not dividing the batch accepted");
    o.minibatch_size = 2;
    o.gamma = 1.5;
    CHECK(STEP() == DFY_ERR_INVALID_ARGUMENT, "gamma 1.5 accepted");
#undef STEP
    int64_t size = 0, written = 0;
    OK(dfy_optimizer_save_size(m.opt, &size));
    unsigned char* image = malloc((size_t)size);
    OK(dfy_optimizer_save(m.opt, image, size, &written));
    dfy_optimizer again = NULL;
    OK(dfy_optimizer_create(m.policy, &PPO_ADAM, &again));
    OK(dfy_optimizer_load(again, image, size));
    unsigned char* second = malloc((size_t)size);
    OK(dfy_optimizer_save(again, second, size, &written));
    CHECK(memcmp(image, second, (size_t)size) == 0, "optimizer state differs after a round trip");
    free(image);
    free(second);
    dfy_optimizer_free(again);
    ppo_models_free(&m);
}

/* Same weights on CPU and CUDA: logits, token log-probs (the fused kernel), scores and greedy
 * generation agree. */
static void test_cuda_matches_cpu(void) {
    int32_t count = 0;
    OK(dfy_cuda_device_count(&count));
    if (!dfy_cuda_compiled() || count == 0) {
        printf("abi_test: no CUDA device; CUDA comparison skipped\n");
        return;
    }
    char name[256];
    int64_t total = 0, free_b = 0;
    OK(dfy_cuda_device_info(0, name, sizeof name, &total, &free_b));
    printf("abi_test: CUDA device 0: %s, %lld MiB total\n", name, (long long)(total >> 20));
    dfy_model_config c = {211, 64, 64, 2, 4, 1e-5};
    dfy_model cpu = NULL, gpu = NULL;
    OK(dfy_model_create(DFY_MODEL_POLICY, &c, "cpu", 3, &cpu));
    int64_t size = 0, written = 0;
    OK(dfy_model_save_size(cpu, NULL, &size));
    unsigned char* image = malloc((size_t)size);
    OK(dfy_model_save(cpu, NULL, image, size, &written));
    OK(dfy_model_load(DFY_MODEL_POLICY, &c, "cuda:0", image, size, &gpu));
    enum { B = 3, T = 9 };
    int64_t ids[B * T], mask[B * T];
    for (int i = 0; i < B * T; ++i) {
        ids[i] = (i * 37 + 11) % c.vocab_size;
        mask[i] = (i % T) >= (i / T) ? 1 : 0; /* left padding of 0, 1, 2 */
    }
    float* lc = malloc(sizeof(float) * B * T * 211);
    float* lg = malloc(sizeof(float) * B * T * 211);
    float pc[B * (T - 1)], pg[B * (T - 1)], vc[B * T], vg[B * T];
    OK(dfy_policy_forward(cpu, ids, mask, B, T, lc, vc, pc));
    OK(dfy_policy_forward(gpu, ids, mask, B, T, lg, vg, pg));
    double worst = 0;
    for (int i = 0; i < B * T * 211; ++i) worst = fmax(worst, fabs(lc[i] - lg[i]));
    for (int i = 0; i < B * (T - 1); ++i) worst = fmax(worst, fabs(pc[i] - pg[i]));
    for (int i = 0; i < B * T; ++i) worst = fmax(worst, fabs(vc[i] - vg[i]));
    CHECK(worst < 1e-4, "CUDA differs from CPU by %g", worst);
    printf("abi_test: CUDA vs CPU max abs difference %.3g\n", worst);
    dfy_generate_options o = {12, 0.0, 0, 1.0, -1, 0, 5, 1};
    int64_t prompts[4] = {5, 6, 7, 8}, lengths[2] = {1, 3};
    int64_t oc[24], og[24], nc[2], ng[2];
    float lpc[24], lpg[24];
    OK(dfy_policy_generate(cpu, prompts, 4, lengths, 2, &o, oc, lpc, nc));
    OK(dfy_policy_generate(gpu, prompts, 4, lengths, 2, &o, og, lpg, ng));
    CHECK(memcmp(oc, og, sizeof oc) == 0, "greedy generation differs between CPU and CUDA");

    /* Attribution and a PPO step on the device. */
    dfy_model rc = NULL, rg = NULL;
    dfy_model_config rcfg = c;
    OK(dfy_model_create(DFY_MODEL_REWARD, &rcfg, "cpu", 4, &rc));
    int64_t rsize = 0;
    OK(dfy_model_save_size(rc, NULL, &rsize));
    unsigned char* rimage = malloc((size_t)rsize);
    OK(dfy_model_save(rc, NULL, rimage, rsize, &written));
    OK(dfy_model_load(DFY_MODEL_REWARD, &rcfg, "cuda:0", rimage, rsize, &rg));
    int64_t tokens[14] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    int64_t plen[2] = {2, 3}, rlen[2] = {5, 4};
    for (int method = DFY_ATTRIBUTION_SHAP; method <= DFY_ATTRIBUTION_ATTENTION; ++method) {
        dfy_attribution_options ao = {method, 40, 0, 3, 4096, 25.0, 1.0, 1};
        float ac[9], ag[9];
        OK(dfy_attribute(rc, tokens, 14, plen, rlen, 2, &ao, ac, NULL, NULL, NULL, NULL));
        OK(dfy_attribute(rg, tokens, 14, plen, rlen, 2, &ao, ag, NULL, NULL, NULL, NULL));
        double aw = 0;
        for (int i = 0; i < 9; ++i) aw = fmax(aw, fabs(ac[i] - ag[i]));
        CHECK(aw < 1e-4, "attribution method %d differs between CPU and CUDA by %g", method, aw);
        printf("abi_test: attribution method %d CUDA vs CPU max abs difference %.3g\n", method, aw);
    }
    dfy_model ref = NULL;
    OK(dfy_model_clone(gpu, "cuda:0", &ref));
    dfy_adam_options ad = {1e-3, 0.9, 0.999, 1e-8, 0.0, 1.0};
    dfy_optimizer opt = NULL;
    OK(dfy_optimizer_create(gpu, &ad, &opt));
    int64_t pids[2 * 6] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, pstart[2] = {2, 3}, plength[2] = {4, 3};
    float prew[7] = {0, 0, 0, 1, 0, 0, -1};
    dfy_ppo_options po = {1.0, 0.95, 0.2, 0.2, 0.1, 0.0, 0.05, DFY_KL_K3, 1, 2, 1, 5};
    dfy_ppo_stats ps;
    OK(dfy_ppo_step(gpu, ref, opt, pids, NULL, 2, 6, pstart, plength, prew, &po, &ps));
    CHECK(ps.loss_after < ps.loss_before, "CUDA PPO loss %g -> %g", ps.loss_before, ps.loss_after);
    dfy_optimizer_free(opt);
    dfy_model_free(ref);
    dfy_model_free(rc);
    dfy_model_free(rg);
    free(rimage);
    free(lc);
    free(lg);
    free(image);
    dfy_model_free(cpu);
    dfy_model_free(gpu);
}

int main(void) {
    CHECK(dfy_abi_version() == DFY_ABI_VERSION, "ABI version");
    OK(dfy_set_num_threads(2));
    test_errors();
    test_save_load();
    test_training();
    test_attribution();
    test_ppo();
    test_ppo_micro_batches();
    test_mixed_precision_ppo();
    test_compute_dtype();
    test_attention_kernels("cpu");
    {
        int32_t devices = 0;
        OK(dfy_cuda_device_count(&devices));
        if (devices > 0) test_attention_kernels("cuda:0");
    }
    test_cuda_matches_cpu();
    if (failures) {
        fprintf(stderr, "abi_test: %d failure(s)\n", failures);
        return 1;
    }
    printf("abi_test: all checks passed (libtorch %s, densify %s)\n", dfy_torch_version(), dfy_version());
    return 0;
}
