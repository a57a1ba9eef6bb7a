/*
 * densify C ABI: the only header the Java side knows (bindings/ mirrors it).
 *
 * Conventions
 *  - Every fallible call returns dfy_status (DFY_OK = 0). On failure the message of the
 *    calling thread's last error is available from dfy_last_error() until the next failing
 *    call on that thread.
 *  - Results go through out-parameters into caller-owned buffers; buffer sizes are implied
 *    by the documented shapes or passed explicitly and checked.
 *  - Handles are opaque. *_free(NULL) is a no-op. A handle may be used from any thread but
 *    not from two threads at once (the Java layer serialises calls per handle); distinct
 *    handles may be used concurrently.
 *  - No C++ exception crosses this boundary; every argument is validated before use.
 */
#ifndef DENSIFY_H
#define DENSIFY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define DFY_API __declspec(dllexport)
#else
#define DFY_API __attribute__((visibility("default")))
#endif

/* Bumped on any incompatible change of this header; Java refuses a library that differs. */
#define DFY_ABI_VERSION 6

typedef int32_t dfy_status;

#define DFY_OK 0
#define DFY_ERR_INVALID_ARGUMENT 1 /* a value, id, shape or option is out of its domain */
#define DFY_ERR_FORMAT 2           /* a file or buffer is corrupt or does not match the config */
#define DFY_ERR_DEVICE 3           /* a device is unavailable or failed */
#define DFY_ERR_OUT_OF_MEMORY 4    /* host or device allocation failed */
#define DFY_ERR_CALLBACK 5         /* a caller-supplied callback reported failure */
#define DFY_ERR_INTERNAL 99        /* anything else (a bug): the message says what */

#define DFY_ATTRIBUTION_SHAP 1      /* KernelSHAP */
#define DFY_ATTRIBUTION_LIME 2      /* LIME for text */
#define DFY_ATTRIBUTION_ATTENTION 3 /* last-layer attention from the scoring position */

/* KernelSHAP feature selection (shap's l1_reg): tokens left out get exactly 0 and the
 * constrained solve spreads f(x) - f(baseline) over the others. AIC and BIC score the active
 * sets of the design's Lasso path (least-angle regression, the efficiency constraint written as
 * two blocks of rows) by their least-squares refit, each coalition one observation. */
#define DFY_SELECTION_NONE 0 /* every token estimated: plain KernelSHAP */
#define DFY_SELECTION_AUTO 1 /* shap's "auto": AIC when the design holds under 20% of the 2^M - 2
                                coalitions, else none */
#define DFY_SELECTION_AIC 2  /* the Lasso path's active set of least AIC, exact designs included */
#define DFY_SELECTION_BIC 3  /* the same with BIC (log of the coalitions per token) */
#define DFY_SELECTION_TOP 4  /* the shap_max_features tokens of largest plain |value| */

#define DFY_MAX_SAMPLES 1048576 /* per sequence */

#define DFY_KL_K1 1 /* log p - log p_ref */
#define DFY_KL_K3 2 /* (r - 1) - log r with r = p_ref / p: unbiased, non-negative */

#define DFY_ATTENTION_PLAIN 1 /* matmul, mask, softmax, matmul: every libtorch */
#define DFY_ATTENTION_FUSED 2 /* at::scaled_dot_product_attention: builds against libtorch >= 2.0 */

#define DFY_DTYPE_FLOAT32 1  /* every matrix product in float32 (the default) */
#define DFY_DTYPE_BFLOAT16 2 /* inference matrix products in bfloat16 (CPU and CUDA) */
#define DFY_DTYPE_FLOAT16 3  /* inference matrix products in float16 (CUDA devices only) */

#define DFY_MODEL_POLICY 1 /* GPT-2 LM head (tied) + scalar value head (v_head.summary.*) */
#define DFY_MODEL_REWARD 2 /* GPT-2 backbone + scalar score head (score.weight) */

/* score_label of dfy_model_config: which row of a reward checkpoint's score.weight [labels, n_embd]
 * (Hugging Face's GPT2ForSequenceClassification) is the score; a value >= 0 is a row index. */
#define DFY_SCORE_ONLY_ROW -2 /* the head must have exactly one row */
#define DFY_SCORE_LOGIT_DIFFERENCE -1 /* two rows: row 1 minus row 0 (the log-odds of label 1) */

/* Hugging Face GPT-2 config.json keys, and how a reward checkpoint's head is read. */
typedef struct dfy_model_config {
    int64_t vocab_size;
    int64_t n_positions;
    int64_t n_embd;
    int64_t n_layer;
    int64_t n_head;
    double layer_norm_epsilon; /* 1e-5 in GPT-2 */
    int64_t score_label;       /* dfy_model_load of a reward model only; DFY_SCORE_* or a row; 0 elsewhere */
} dfy_model_config;

typedef struct dfy_generate_options {
    int64_t max_new_tokens; /* >= 1 */
    double temperature;     /* 0 = greedy; otherwise finite and > 0 */
    int64_t top_k;          /* 0 = off */
    double top_p;           /* in (0, 1]; 1 = off */
    int64_t stop_token;     /* -1 = none; a sequence ends after emitting it */
    int64_t pad_token;      /* written after a sequence has stopped; in [0, vocab) */
    uint64_t seed;
    int32_t use_cache;      /* 1 = KV cache; 0 = recompute the whole sequence each step */
} dfy_generate_options;

/* Adam with decoupled weight decay (AdamW when weight_decay > 0). */
typedef struct dfy_adam_options {
    double learning_rate; /* finite, >= 0 */
    double beta1;         /* [0, 1) */
    double beta2;         /* [0, 1) */
    double eps;           /* > 0 */
    double weight_decay;  /* >= 0 */
    double max_grad_norm; /* global-norm clipping; 0 = off */
} dfy_adam_options;

/* Token attribution of a score over the response tokens of prompt + response sequences.
 * A removed token is replaced by baseline_token (positions are kept). */
typedef struct dfy_attribution_options {
    int32_t method;            /* DFY_ATTRIBUTION_* */
    int64_t samples;           /* SHAP: coalitions per sequence besides the full and empty ones;
                                  exact Shapley values when 2^M - 2 <= samples. LIME: perturbations
                                  per sequence, the unperturbed one included. In [2, DFY_MAX_SAMPLES];
                                  ignored by attention */
    int64_t baseline_token;    /* in [0, vocab) */
    uint64_t seed;
    int64_t max_batch_tokens;  /* memory budget of one forward, in rows x key positions; >= 1 */
    double lime_kernel_width;  /* LIME: kernel sqrt(exp(-d^2 / w^2)) on cosine distance x 100; > 0 */
    double ridge_alpha;        /* LIME: ridge penalty (intercept unpenalised); >= 0 */
    int32_t reuse_prefix;      /* 1: the prompt and prefixes shared with the full sequence are
                                  computed once per sequence; 0: every evaluation runs the whole
                                  sequence (same numbers, for checks) */
    int32_t shap_selection;    /* SHAP: DFY_SELECTION_*; 0 (none) for plain KernelSHAP */
    int64_t shap_max_features; /* SHAP with DFY_SELECTION_TOP: >= 1; otherwise ignored, >= 0 */
} dfy_attribution_options;

/* A black-box scorer: scores [batch] for right-padded ids/mask [batch, seq_len] (mask 0/1).
 * Returns 0 on success; anything else aborts the call with DFY_ERR_CALLBACK. */
typedef int32_t (*dfy_score_fn)(void* user_data, const int64_t* ids, const int64_t* mask, int64_t batch,
                                int64_t seq_len, float* out_scores);

/* One PPO update (as TRL computes it) on a batch of rollouts with per-token rewards. */
typedef struct dfy_ppo_options {
    double gamma;            /* discount, [0, 1] */
    double lam;              /* GAE lambda, [0, 1] */
    double clip_range;       /* policy ratio clip, > 0 */
    double clip_range_value; /* value clip around the old values, > 0 */
    double value_coef;       /* >= 0 */
    double entropy_coef;     /* >= 0: loss -= entropy_coef * entropy */
    double kl_coef;          /* beta >= 0 of the per-token KL penalty in the reward */
    int32_t kl_estimator;    /* DFY_KL_K1 or DFY_KL_K3 */
    int32_t whiten_advantages; /* 0 or 1 */
    int64_t epochs;          /* >= 1 */
    int64_t minibatch_size;  /* >= 1 and divides the batch */
    uint64_t seed;           /* minibatch order */
    int64_t max_batch_tokens; /* memory budget of one forward and backward in rows x positions
                                 (ABI 6), the old-policy and reference forwards included; 0 = each
                                 minibatch (each thread's piece on CPU) and the whole batch's
                                 forwards at once. Smaller: micro-batches (gradients accumulated),
                                 the same update up to float rounding. >= 0 */
    int32_t compute_dtype;   /* matrix products of the step's forwards and backwards (ABI 6):
                                0 or DFY_DTYPE_FLOAT32, DFY_DTYPE_BFLOAT16, DFY_DTYPE_FLOAT16 (CUDA);
                                weights, gradients, Adam's state, LayerNorm, softmax, log-softmax,
                                the value head and the losses stay float32 (mixed precision with
                                float32 master weights). Independent of dfy_set_compute_dtype. */
} dfy_ppo_options;

/* Means over the minibatch updates of a step unless stated otherwise. */
typedef struct dfy_ppo_stats {
    double policy_loss;
    double value_loss;
    double entropy;             /* per response token */
    double approx_kl;           /* 0.5 (log p - log p_old)^2 per response token */
    double clip_fraction;       /* share of tokens whose ratio was clipped */
    double value_clip_fraction;
    double explained_variance;  /* of the returns by the old values */
    double grad_norm;           /* before clipping */
    double kl_reference;        /* mean over sequences of the summed KL to the reference */
    double reward;              /* mean over sequences of the summed per-token rewards given */
    double loss_before;         /* whole-batch loss before the update */
    double loss_after;          /* whole-batch loss after it, same advantages and targets */
} dfy_ppo_stats;

typedef struct dfy_model_s* dfy_model;
typedef struct dfy_optimizer_s* dfy_optimizer;
typedef struct dfy_group_s* dfy_group;

/* ---- library ---------------------------------------------------------------------- */

DFY_API int32_t dfy_abi_version(void);
DFY_API const char* dfy_version(void);
DFY_API const char* dfy_torch_version(void);
/* Message of this thread's last failure ("" if none). Valid until the next failing call. */
DFY_API const char* dfy_last_error(void);
/* 1 when this build was compiled with CUDA support, else 0. */
DFY_API int32_t dfy_cuda_compiled(void);

/* libtorch intra-op threads (process-wide), and OpenBLAS's pool where libtorch uses OpenBLAS.
 * n >= 1. With n > 1 on CPU, dfy_ppo_step also splits each minibatch's rows into up to n
 * pieces whose forwards and backwards run on their own threads (one intra-op thread each,
 * gradients summed in piece order: reproducible for a given n). Loading the library raises
 * glibc's mmap and trim thresholds (32 and 64 MiB) so that tensor memory is reused instead of
 * mapped afresh; DENSIFY_MALLOC_TUNING=0 in the environment leaves glibc's defaults. */
DFY_API dfy_status dfy_set_num_threads(int32_t n);
DFY_API dfy_status dfy_get_num_threads(int32_t* out);

/* What the process runs on, as a JSON object (UTF-8): "blas" (the shared object that defines
 * sgemm_ for libtorch: "path" with links resolved, "loaded_as"; "openblas_config",
 * "openblas_threads" and "openblas_parallel" where it is OpenBLAS, else "" and -1; "mkl" and
 * "blis" 0 or 1), "lapack" (the object defining dgesv_), "openmp" (the object defining
 * omp_get_max_threads, "built_with" as libtorch reports it, "max_threads" of the calling
 * thread), "intra_op_threads", "inter_op_threads", "attention" (the kernel forwards use:
 * "plain" or "fused"), "fused_attention_compiled" (0 or 1), "compute_dtype" ("float32",
 * "bfloat16" or "float16"). A path is "" where no object defines the
 * symbol. *length receives the length in bytes without the terminating NUL. With buffer NULL
 * and capacity 0 nothing else is written; otherwise the call fails with
 * DFY_ERR_INVALID_ARGUMENT unless capacity > *length. */
DFY_API dfy_status dfy_runtime_info(char* buffer, int64_t capacity, int64_t* length);

/* 1 when this build has the fused attention kernel (compiled against libtorch >= 2.0), else 0. */
DFY_API int32_t dfy_fused_attention_compiled(void);
/* The attention kernel of every forward, process-wide: DFY_ATTENTION_PLAIN or
 * DFY_ATTENTION_FUSED (DFY_ERR_INVALID_ARGUMENT in a build without it). The default is fused
 * where compiled. Both give the same numbers within float32 rounding; attention attribution
 * reads the probabilities and so always runs the plain kernel. Set it between calls, not while
 * another thread runs a forward. */
DFY_API dfy_status dfy_set_attention(int32_t kernel);
DFY_API dfy_status dfy_get_attention(int32_t* out);

/* The element type of the matrix products of inference forwards (dfy_policy_forward,
 * dfy_policy_generate, dfy_reward_score, dfy_attribute), process-wide: DFY_DTYPE_*. The weights
 * stay float32 (cast per product); LayerNorm, softmax, the residual stream, log-softmax and the
 * value and score heads stay float32, and so do training and dfy_ppo_step (which has its own,
 * dfy_ppo_options.compute_dtype, so that old and new log-probs come from one precision). A
 * forward on the CPU with DFY_DTYPE_FLOAT16 fails with DFY_ERR_INVALID_ARGUMENT. Set it between
 * calls. */
DFY_API dfy_status dfy_set_compute_dtype(int32_t dtype);
DFY_API dfy_status dfy_get_compute_dtype(int32_t* out);

/* Number of usable CUDA devices (0 in a CPU build or without a GPU). */
DFY_API dfy_status dfy_cuda_device_count(int32_t* out);
/* Name (UTF-8, NUL-terminated, truncated to name_capacity) and memory of CUDA device index. */
DFY_API dfy_status dfy_cuda_device_info(int32_t index, char* name, int64_t name_capacity,
                                        int64_t* total_bytes, int64_t* free_bytes);

/* ---- models ----------------------------------------------------------------------- */

/* New model with GPT-2's initialisation (normal(0, 0.02), c_proj scaled by 1/sqrt(2 n_layer)).
 * device: "cpu" or "cuda:N". */
DFY_API dfy_status dfy_model_create(int32_t kind, const dfy_model_config* config,
                                    const char* device, uint64_t seed, dfy_model* out);

/* Loads weights from a safetensors image [data, data + size) (e.g. a memory-mapped file;
 * read only during the call). Every tensor of the kind must be present with the shape the
 * config implies; float32, float16 and bfloat16 are accepted (converted to float32);
 * unknown tensors (e.g. attn.bias buffers, lm_head.weight) are ignored. Names may lack the
 * "transformer." prefix (checkpoints saved from GPT2Model). A policy checkpoint without
 * v_head.* (a plain language model) gets a zero value head. A reward checkpoint's score.weight
 * may have several rows (a classifier); config->score_label says which is the score. A tensor
 * holding a NaN or an infinity is DFY_ERR_FORMAT (every output would be meaningless). */
DFY_API dfy_status dfy_model_load(int32_t kind, const dfy_model_config* config,
                                  const char* device, const void* data, int64_t size,
                                  dfy_model* out);

/* Size in bytes of the safetensors image dfy_model_save would write with this metadata
 * (a JSON object of string values, or NULL). */
DFY_API dfy_status dfy_model_save_size(dfy_model model, const char* metadata_json,
                                       int64_t* out_size);
/* Writes the safetensors image (float32, Hugging Face names, sorted) into buffer. */
DFY_API dfy_status dfy_model_save(dfy_model model, const char* metadata_json, void* buffer,
                                  int64_t capacity, int64_t* out_written);

DFY_API dfy_status dfy_model_kind(dfy_model model, int32_t* out);
DFY_API dfy_status dfy_model_get_config(dfy_model model, dfy_model_config* out);
DFY_API dfy_status dfy_model_parameter_count(dfy_model model, int64_t* out);
/* A copy of model's weights on device (e.g. a frozen reference policy). */
DFY_API dfy_status dfy_model_clone(dfy_model model, const char* device, dfy_model* out);
DFY_API void dfy_model_free(dfy_model model);

/* ---- policy ----------------------------------------------------------------------- */

/* ids, mask: [batch, seq_len] row-major; mask entries 0/1 (NULL = all ones) and every row
 * has at least one 1. Position ids follow the mask (left padding is transparent).
 * Outputs (each may be NULL):
 *   logits          [batch, seq_len, vocab]
 *   values          [batch, seq_len]
 *   token_logprobs  [batch, seq_len - 1]: log p(ids[t+1] | ids[..t]); 0 where mask[t+1] = 0 */
DFY_API dfy_status dfy_policy_forward(dfy_model policy, const int64_t* ids, const int64_t* mask,
                                      int64_t batch, int64_t seq_len, float* logits,
                                      float* values, float* token_logprobs);

/* Prompts are packed back to back: prompt b has prompt_lengths[b] >= 1 tokens.
 * total_prompt_tokens = sum of prompt_lengths (checked).
 * Outputs: out_ids, out_logprobs [batch, max_new_tokens] (pad_token / 0 after a stop),
 * out_lengths [batch]: tokens generated, the stop token included.
 * Log-probs are those of the temperature-scaled distribution before top-k/top-p filtering
 * (temperature 1 when greedy). */
DFY_API dfy_status dfy_policy_generate(dfy_model policy, const int64_t* prompt_ids,
                                       int64_t total_prompt_tokens,
                                       const int64_t* prompt_lengths, int64_t batch,
                                       const dfy_generate_options* options, int64_t* out_ids,
                                       float* out_logprobs, int64_t* out_lengths);

/* ---- reward model ----------------------------------------------------------------- */

/* Loads a reward model of any architecture saved by torch.jit.save: its forward takes
 * (input_ids [B, T] int64, attention_mask [B, T] int64 of 0/1, right-padded) and returns one
 * score per row ([B] or [B, 1]), or logits [B, labels] of which score_label (DFY_SCORE_* or a
 * label, as for dfy_model_load) picks the score; a tuple or list counts by its first element
 * (a traced Hugging Face model returns (logits,)). Loading checks the signature and runs a probe
 * batch of two rows. Ids are checked against vocab_size; rows may have up to max_length >= 2
 * tokens. The handle is a reward model for dfy_reward_score and dfy_attribute (SHAP and LIME;
 * the module is not known to be causal, so every evaluation runs the whole row whatever
 * reuse_prefix says, on the calling thread); dfy_model_kind reports DFY_MODEL_REWARD and
 * dfy_model_get_config vocab_size and n_positions = max_length with the other fields 0.
 * Saving, cloning, training and attention attribution refuse it. The module's own failures
 * and non-finite scores are DFY_ERR_CALLBACK. */
DFY_API dfy_status dfy_reward_load_script(const char* path, const char* device, int64_t vocab_size,
                                          int64_t max_length, int64_t score_label, dfy_model* out);

/* Scores [batch] read at each row's last position with mask 1. Shapes as dfy_policy_forward. */
DFY_API dfy_status dfy_reward_score(dfy_model reward, const int64_t* ids, const int64_t* mask,
                                    int64_t batch, int64_t seq_len, float* out_scores);

/* ---- attribution ------------------------------------------------------------------ */

/* Sequences are packed back to back in tokens: sequence b is prompt_lengths[b] >= 0 prompt
 * tokens followed by response_lengths[b] >= 1 response tokens; total_tokens is their sum.
 * Outputs: out_attributions [sum of response_lengths], packed like the responses;
 * out_full [batch] = f(x); out_baseline [batch] = f(all response tokens removed);
 * out_evaluations [batch]: scorer evaluations used, full and baseline included;
 * out_diagnostic [batch]: SHAP: mean standard error of the values (0 when exact); LIME: the
 * weighted R^2 of the fit; attention: 0. Any output but out_attributions may be NULL.
 * SHAP satisfies sum(attributions) = f(x) - f(baseline) for every budget. Results of a
 * sequence do not depend on the other sequences of the batch. */
DFY_API dfy_status dfy_attribute(dfy_model reward, const int64_t* tokens, int64_t total_tokens,
                                 const int64_t* prompt_lengths, const int64_t* response_lengths,
                                 int64_t batch, const dfy_attribution_options* options,
                                 float* out_attributions, float* out_full, float* out_baseline,
                                 int64_t* out_evaluations, float* out_diagnostic);

/* As dfy_attribute, with a caller-supplied scorer over ids in [0, vocab_size) instead of a
 * reward model (SHAP and LIME only). The scorer is called on the calling thread, in batches
 * of at most max_batch_tokens tokens; NaN or infinite scores fail the call. */
DFY_API dfy_status dfy_attribute_callback(dfy_score_fn scorer, void* user_data, int64_t vocab_size,
                                          const int64_t* tokens, int64_t total_tokens,
                                          const int64_t* prompt_lengths,
                                          const int64_t* response_lengths, int64_t batch,
                                          const dfy_attribution_options* options,
                                          float* out_attributions, float* out_full,
                                          float* out_baseline, int64_t* out_evaluations,
                                          float* out_diagnostic);

/* ---- training --------------------------------------------------------------------- */

/* Adam state over every weight of model. The optimizer may only step that model. Creating
 * one makes the model's weights trainable; inference calls stay gradient-free. */
DFY_API dfy_status dfy_optimizer_create(dfy_model model, const dfy_adam_options* options,
                                        dfy_optimizer* out);
DFY_API void dfy_optimizer_free(dfy_optimizer optimizer);

/* Optimizer state (step count, Adam moments) as a safetensors image, for exact resume. */
DFY_API dfy_status dfy_optimizer_save_size(dfy_optimizer optimizer, int64_t* out_size);
DFY_API dfy_status dfy_optimizer_save(dfy_optimizer optimizer, void* buffer, int64_t capacity,
                                      int64_t* out_written);
/* Restores state saved from an optimizer of a model with the same configuration. */
DFY_API dfy_status dfy_optimizer_load(dfy_optimizer optimizer, const void* data, int64_t size);

/* One supervised step of the policy: mean next-token cross-entropy over positions t where
 * mask[t] and mask[t+1] are both 1; shapes as dfy_policy_forward (seq_len >= 2).
 * out_loss (loss before the update) and out_grad_norm (norm before clipping) may be NULL. */
DFY_API dfy_status dfy_policy_lm_step(dfy_model policy, dfy_optimizer optimizer, const int64_t* ids,
                                      const int64_t* mask, int64_t batch, int64_t seq_len,
                                      float* out_loss, float* out_grad_norm);

/* One step of the reward model as a classifier: mean logistic loss of the score against
 * labels [batch] in [0, 1] (the score is the logit of label 1). */
DFY_API dfy_status dfy_reward_classifier_step(dfy_model reward, dfy_optimizer optimizer,
                                              const int64_t* ids, const int64_t* mask,
                                              const float* labels, int64_t batch, int64_t seq_len,
                                              float* out_loss, float* out_grad_norm);

/* ---- PPO ------------------------------------------------------------------------------ */

/* One PPO step. ids, mask: [batch, seq_len] right-padded rows of prompt + response; the
 * response of row b is tokens [response_start[b], response_start[b] + response_length[b])
 * with response_start[b] >= 1 and inside the mask. rewards: per response token, packed row
 * after row (sum of response_length values). Old log-probs and values come from policy
 * before the update, reference log-probs from reference (NULL only when kl_coef is 0).
 * Per token: r_t = rewards_t - kl_coef * KL_t; GAE over each response; clipped policy and
 * value losses over epochs x minibatches of rows; Adam (with its clipping) updates policy. */
DFY_API dfy_status dfy_ppo_step(dfy_model policy, dfy_model reference, dfy_optimizer optimizer,
                                const int64_t* ids, const int64_t* mask, int64_t batch,
                                int64_t seq_len, const int64_t* response_start,
                                const int64_t* response_length, const float* rewards,
                                const dfy_ppo_options* options, dfy_ppo_stats* out_stats);

/* ---- data-parallel groups ------------------------------------------------------------ */

/* 1 when this build has a distributed backend (libtorch's c10d with Gloo), else 0: then
 * dfy_group_create fails with DFY_ERR_DEVICE. */
DFY_API int32_t dfy_distributed_compiled(void);

/* Joins rank `rank` of world_size processes (torchrun's RANK, WORLD_SIZE, MASTER_ADDR,
 * MASTER_PORT): rank 0 hosts a c10d TCPStore on master_port, every rank connects to it and
 * the ranks form a Gloo process group (host tensors; on one machine over the loopback, else
 * over GLOO_SOCKET_IFNAME or the host name's address). Every rank must call it.
 * connect_timeout_ms bounds the rendezvous (a rank that never comes, an unreachable master:
 * DFY_ERR_DEVICE naming the master); timeout_ms bounds each collective afterwards. Both in
 * [1, 86400000]. A failed collective (a peer gone, a timeout) is DFY_ERR_DEVICE. */
DFY_API dfy_status dfy_group_create(const char* master_addr, int32_t master_port, int32_t rank, int32_t world_size,
                                    int64_t connect_timeout_ms, int64_t timeout_ms, dfy_group* out);
DFY_API void dfy_group_free(dfy_group group);

/* values[0..n) summed over the ranks, in place on every rank. Collective: every rank calls it. */
DFY_API dfy_status dfy_group_allreduce_sum(dfy_group group, double* values, int64_t n);

/* Every rank's model gets root's weights (one collective); the configurations must agree. */
DFY_API dfy_status dfy_group_broadcast_model(dfy_group group, dfy_model model, int32_t root);

/* dfy_ppo_step over a batch split between the group's ranks: each rank passes its own rows
 * (rank r's after rank r-1's in the whole batch; any split with >= 1 row per rank). The result
 * is the step one process would take on the whole batch: options (minibatch_size divides the
 * whole batch) and the optimizer's step count must agree on every rank; whitening, statistics
 * and each minibatch's token count are over every rank's rows; every rank draws the same order
 * of the whole batch and updates on its own rows of each minibatch, and the gradients are
 * summed over the ranks (one collective) before each Adam step, clipping included, so the
 * weights stay identical. Statistics are the whole batch's on every rank. Collective. */
DFY_API dfy_status dfy_ppo_step_group(dfy_group group, dfy_model policy, dfy_model reference, dfy_optimizer optimizer,
                                      const int64_t* ids, const int64_t* mask, int64_t batch, int64_t seq_len,
                                      const int64_t* response_start, const int64_t* response_length,
                                      const float* rewards, const dfy_ppo_options* options, dfy_ppo_stats* out_stats);

/* Generalised advantage estimation exactly as dfy_ppo_step computes it: rewards and values
 * [batch, max_length], row b using its first lengths[b] entries (the value after the last
 * token is 0); advantages and returns of the same shape, 0 beyond each length. */
DFY_API dfy_status dfy_gae(const float* rewards, const float* values, const int64_t* lengths,
                           int64_t batch, int64_t max_length, double gamma, double lam,
                           float* out_advantages, float* out_returns);

#ifdef __cplusplus
}
#endif

#endif /* DENSIFY_H */
