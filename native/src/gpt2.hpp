// GPT-2 (Hugging Face GPT2LMHeadModel numerics: learned positions, pre-LayerNorm, tanh-GELU,
// Conv1D weights stored [in, out], LM head tied to wte) with the two heads densify needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "densify.h"

namespace dfy {

void validate_config(const dfy_model_config& config);
at::Device parse_device(const char* text);

// Keys and values of earlier positions, preallocated to the longest sequence of a call.
struct KvCache {
    std::vector<at::Tensor> keys;    // per layer [B, H, capacity, D]
    std::vector<at::Tensor> values;  // per layer [B, H, capacity, D]
    int64_t length = 0;              // positions filled
};

struct Parameter {
    std::string name;  // Hugging Face name
    at::Tensor* tensor;
    std::vector<int64_t> shape;
};

class Gpt2 {
public:
    Gpt2(int32_t kind, const dfy_model_config& config, at::Device device);

    int32_t kind() const { return kind_; }
    const dfy_model_config& config() const { return config_; }
    at::Device device() const { return device_; }

    // Every weight with its Hugging Face name and expected shape, sorted by name.
    std::vector<Parameter> parameters();

    void init_random(uint64_t seed);

    KvCache make_cache(int64_t batch, int64_t capacity) const;

    // Final hidden states (after ln_f) [B, T, E] for ids [B, T] at the given positions.
    // key_valid [B, K] marks usable key positions, K = cached + T. With a cache the new
    // keys/values are appended at cache->length and the cache advances by T.
    // last_attention, when given, receives the last layer's attention probabilities [B, H, T, K].
    at::Tensor hidden(const at::Tensor& ids, const at::Tensor& positions, const at::Tensor& key_valid,
                      KvCache* cache, at::Tensor* last_attention = nullptr) const;

    at::Tensor lm_logits(const at::Tensor& hidden) const;   // [..., V]
    at::Tensor value(const at::Tensor& hidden) const;       // [...]
    at::Tensor score(const at::Tensor& hidden) const;       // [...]

private:
    struct Block {
        at::Tensor ln_1_w, ln_1_b, c_attn_w, c_attn_b, attn_proj_w, attn_proj_b;
        at::Tensor ln_2_w, ln_2_b, c_fc_w, c_fc_b, mlp_proj_w, mlp_proj_b;
    };

    // allowed [B, 1, T, K] bool; causal_only: allowed is exactly the causal mask (no cache, no
    // padding), which lets the fused kernel use its own causal masking.
    at::Tensor attention(const Block& block, const at::Tensor& x, const at::Tensor& allowed, bool causal_only,
                         KvCache* cache, size_t layer, at::Tensor* probabilities) const;

    int32_t kind_;
    dfy_model_config config_;
    at::Device device_;
    at::Tensor wte_, wpe_, ln_f_w_, ln_f_b_;
    std::vector<Block> blocks_;
    at::Tensor v_head_w_, v_head_b_;  // policy
    at::Tensor score_w_;              // reward
};

// Attention kernel of every forward, process-wide. Plain: matmul, mask, softmax, matmul (any
// libtorch). Fused: at::scaled_dot_product_attention, compiled only against libtorch >= 2.0
// (TORCH_VERSION_MAJOR); the default where it is compiled. A forward that must return the
// attention probabilities (attention attribution) always runs the plain kernel.
bool fused_attention_compiled();
void set_attention_kernel(int32_t kernel);  // DFY_ATTENTION_*; fused refused where not compiled
int32_t attention_kernel();

// Element type of the matrix products of inference forwards (dfy_policy_forward,
// dfy_policy_generate, dfy_reward_score, dfy_attribute), process-wide: DFY_DTYPE_*. LayerNorm,
// softmax, the residual stream, log-softmax and the value and score heads stay float32, as do
// training and the PPO step's own forwards. A ComputeScope applies it on the thread that runs a
// forward (the setting is read once per call; helper threads each open their own scope).
void set_compute_dtype(int32_t dtype);
int32_t compute_dtype();
// Refuses a dtype the device cannot multiply in (float16 needs CUDA).
void check_compute_dtype(const at::Device& device);
class ComputeScope {
public:
    explicit ComputeScope(int32_t dtype);
    ~ComputeScope();
    ComputeScope(const ComputeScope&) = delete;
    ComputeScope& operator=(const ComputeScope&) = delete;

private:
    at::ScalarType saved_;
};

// Positions that follow the mask, so left padding does not shift a sequence: [B, T].
at::Tensor positions_from_mask(const at::Tensor& mask);

// Hidden state [B, E] at each row's last position whose mask is 1 (left or right padding).
at::Tensor last_hidden(const at::Tensor& hidden, const at::Tensor& mask);

// log p(target) for logits [R, V] and targets [R] (fused kernel on CUDA builds).
at::Tensor token_logprobs(const at::Tensor& logits, const at::Tensor& targets);

}  // namespace dfy
