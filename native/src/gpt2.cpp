#include "gpt2.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <atomic>
#include <random>

#include <torch/version.h>

#include "common.hpp"

// at::scaled_dot_product_attention exists from libtorch 2.0 on. Predefining the macro overrides
// the choice: 1 for a syntax check of the fused branch against a declared 2.x signature
// (native/tests/fused_syntax_check.sh), 0 for a 2.x build with the plain kernel only.
#ifdef DFY_FUSED_ATTENTION
#elif defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
#define DFY_FUSED_ATTENTION 1
#else
#define DFY_FUSED_ATTENTION 0
#endif

#ifdef DFY_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include "kernels.cuh"
#endif

namespace dfy {
namespace {

// The element type of this thread's matrix products (ComputeScope); float32 outside a scope.
thread_local at::ScalarType t_compute = at::kFloat;
std::atomic<int32_t> g_compute_dtype{DFY_DTYPE_FLOAT32};

// t in the compute type (a copy unless float32).
at::Tensor low(const at::Tensor& t) { return t_compute == at::kFloat ? t : t.to(t_compute); }
at::Tensor high(const at::Tensor& t) { return t.scalar_type() == at::kFloat ? t : t.to(at::kFloat); }

at::Tensor conv1d(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    auto sizes = x.sizes().vec();
    sizes.back() = w.size(1);
    if (t_compute != at::kFloat)
        return high(at::addmm(low(b), low(x.reshape({-1, x.size(-1)})), low(w))).view(sizes);
    return at::addmm(b, x.reshape({-1, x.size(-1)}), w).view(sizes);
}

// Normal draws from our own generator, so weights do not depend on libtorch's RNG version.
void fill_normal(at::Tensor& t, double stddev, std::mt19937_64& rng) {
    at::Tensor cpu = at::empty(t.sizes(), at::kFloat);
    float* p = cpu.data_ptr<float>();
    int64_t n = cpu.numel();
    auto uniform = [&rng] { return (double(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0); };
    for (int64_t i = 0; i < n; i += 2) {
        double r = std::sqrt(-2.0 * std::log(uniform()));
        double theta = 2.0 * M_PI * uniform();
        p[i] = float(stddev * r * std::cos(theta));
        if (i + 1 < n) p[i + 1] = float(stddev * r * std::sin(theta));
    }
    t.copy_(cpu);
}

std::atomic<int32_t> g_attention_kernel{DFY_FUSED_ATTENTION ? DFY_ATTENTION_FUSED : DFY_ATTENTION_PLAIN};

}  // namespace

bool fused_attention_compiled() { return DFY_FUSED_ATTENTION != 0; }

void set_attention_kernel(int32_t kernel) {
    require(kernel == DFY_ATTENTION_PLAIN || kernel == DFY_ATTENTION_FUSED, "attention kernel must be ",
            DFY_ATTENTION_PLAIN, " (plain) or ", DFY_ATTENTION_FUSED, " (fused), got ", kernel);
    require(kernel == DFY_ATTENTION_PLAIN || fused_attention_compiled(),
            "the fused attention kernel needs libtorch >= 2.0; this build uses libtorch ", TORCH_VERSION,
            " and has the plain kernel only");
    g_attention_kernel.store(kernel);
}

int32_t attention_kernel() { return g_attention_kernel.load(); }

void set_compute_dtype(int32_t dtype) {
    require(dtype == DFY_DTYPE_FLOAT32 || dtype == DFY_DTYPE_BFLOAT16 || dtype == DFY_DTYPE_FLOAT16,
            "compute dtype must be ", DFY_DTYPE_FLOAT32, " (float32), ", DFY_DTYPE_BFLOAT16, " (bfloat16) or ",
            DFY_DTYPE_FLOAT16, " (float16), got ", dtype);
    g_compute_dtype.store(dtype);
}

int32_t compute_dtype() { return g_compute_dtype.load(); }

void check_compute_dtype(const at::Device& device) {
    // libtorch 1.13 has no float16 matrix product on the CPU.
    require(compute_dtype() != DFY_DTYPE_FLOAT16 || device.is_cuda(),
            "float16 forwards need a CUDA device; on the CPU use bfloat16 or float32");
}

ComputeScope::ComputeScope(int32_t dtype) : saved_(t_compute) {
    t_compute = dtype == DFY_DTYPE_BFLOAT16 ? at::kBFloat16 : dtype == DFY_DTYPE_FLOAT16 ? at::kHalf : at::kFloat;
}

ComputeScope::~ComputeScope() { t_compute = saved_; }

void validate_config(const dfy_model_config& c) {
    require(c.vocab_size >= 1 && c.vocab_size <= (int64_t(1) << 31), "config: vocab_size must be in [1, 2^31], got ", c.vocab_size);
    require(c.n_positions >= 1 && c.n_positions <= (int64_t(1) << 20), "config: n_positions must be in [1, 2^20], got ", c.n_positions);
    require(c.n_embd >= 1 && c.n_embd <= 65536, "config: n_embd must be in [1, 65536], got ", c.n_embd);
    require(c.n_layer >= 1 && c.n_layer <= 1024, "config: n_layer must be in [1, 1024], got ", c.n_layer);
    require(c.n_head >= 1 && c.n_embd % c.n_head == 0, "config: n_head must be >= 1 and divide n_embd (", c.n_embd,
            "), got ", c.n_head);
    require(std::isfinite(c.layer_norm_epsilon) && c.layer_norm_epsilon > 0,
            "config: layer_norm_epsilon must be finite and > 0, got ", c.layer_norm_epsilon);
}

at::Device parse_device(const char* text) {
    require_pointer(text, "device");
    std::string s(text);
    if (s == "cpu") return at::Device(at::kCPU);
    int64_t index = 0;
    if (s == "cuda") {
        index = 0;
    } else if (s.rfind("cuda:", 0) == 0 && s.size() > 5 && s.size() <= 9 &&
               std::all_of(s.begin() + 5, s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        index = std::stoll(s.substr(5));
    } else {
        invalid("device '", s, "' is not one of cpu, cuda, cuda:N");
    }
#ifdef DFY_WITH_CUDA
    int64_t count = at::cuda::is_available() ? int64_t(at::cuda::device_count()) : 0;
    if (count == 0) fail(DFY_ERR_DEVICE, "device '", s, "' requested but no CUDA device is visible");
    if (index >= count) fail(DFY_ERR_DEVICE, "device '", s, "' requested but only ", count, " CUDA device(s) exist");
    return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
#else
    (void)index;
    fail(DFY_ERR_DEVICE, "device '", s, "' requested but this build of libdensify has no CUDA support (CPU build)");
#endif
}

Gpt2::Gpt2(int32_t kind, const dfy_model_config& config, at::Device device)
    : kind_(kind), config_(config), device_(device) {
    require(kind == DFY_MODEL_POLICY || kind == DFY_MODEL_REWARD, "model kind must be DFY_MODEL_POLICY (1) or DFY_MODEL_REWARD (2), got ", kind);
    validate_config(config);
    blocks_.resize(size_t(config.n_layer));
    auto options = at::TensorOptions().dtype(at::kFloat).device(device);
    for (auto& p : parameters()) *p.tensor = at::zeros(p.shape, options);
    // LayerNorm gains start at one; everything else is (re)drawn or loaded.
    for (auto& p : parameters())
        if (p.name.find(".ln_") != std::string::npos && p.name.size() > 7 &&
            p.name.compare(p.name.size() - 7, 7, ".weight") == 0)
            p.tensor->fill_(1.0);
}

std::vector<Parameter> Gpt2::parameters() {
    const int64_t V = config_.vocab_size, P = config_.n_positions, E = config_.n_embd;
    std::vector<Parameter> out;
    auto add = [&out](std::string name, at::Tensor& t, std::vector<int64_t> shape) {
        out.push_back(Parameter{std::move(name), &t, std::move(shape)});
    };
    add("transformer.wte.weight", wte_, {V, E});
    add("transformer.wpe.weight", wpe_, {P, E});
    add("transformer.ln_f.weight", ln_f_w_, {E});
    add("transformer.ln_f.bias", ln_f_b_, {E});
    for (size_t i = 0; i < blocks_.size(); ++i) {
        std::string h = "transformer.h." + std::to_string(i) + ".";
        Block& b = blocks_[i];
        add(h + "ln_1.weight", b.ln_1_w, {E});
        add(h + "ln_1.bias", b.ln_1_b, {E});
        add(h + "attn.c_attn.weight", b.c_attn_w, {E, 3 * E});
        add(h + "attn.c_attn.bias", b.c_attn_b, {3 * E});
        add(h + "attn.c_proj.weight", b.attn_proj_w, {E, E});
        add(h + "attn.c_proj.bias", b.attn_proj_b, {E});
        add(h + "ln_2.weight", b.ln_2_w, {E});
        add(h + "ln_2.bias", b.ln_2_b, {E});
        add(h + "mlp.c_fc.weight", b.c_fc_w, {E, 4 * E});
        add(h + "mlp.c_fc.bias", b.c_fc_b, {4 * E});
        add(h + "mlp.c_proj.weight", b.mlp_proj_w, {4 * E, E});
        add(h + "mlp.c_proj.bias", b.mlp_proj_b, {E});
    }
    if (kind_ == DFY_MODEL_POLICY) {
        add("v_head.summary.weight", v_head_w_, {1, E});
        add("v_head.summary.bias", v_head_b_, {1});
    } else {
        add("score.weight", score_w_, {1, E});
    }
    std::sort(out.begin(), out.end(), [](const Parameter& a, const Parameter& b) { return a.name < b.name; });
    return out;
}

void Gpt2::init_random(uint64_t seed) {
    std::mt19937_64 rng(seed);
    const double base = 0.02;
    const double residual = base / std::sqrt(2.0 * double(config_.n_layer));
    // Draw in the sorted name order so the result is a function of (config, kind, seed).
    for (auto& p : parameters()) {
        const std::string& n = p.name;
        bool bias = n.size() > 5 && n.compare(n.size() - 5, 5, ".bias") == 0;
        bool layer_norm = n.find(".ln_") != std::string::npos;
        if (layer_norm || bias) continue;  // ones / zeros from the constructor
        bool projection = n.find("c_proj.weight") != std::string::npos;
        fill_normal(*p.tensor, projection ? residual : base, rng);
    }
}

KvCache Gpt2::make_cache(int64_t batch, int64_t capacity) const {
    KvCache cache;
    const int64_t H = config_.n_head, D = config_.n_embd / config_.n_head;
    auto options = at::TensorOptions().dtype(at::kFloat).device(device_);
    for (int64_t l = 0; l < config_.n_layer; ++l) {
        cache.keys.push_back(at::empty({batch, H, capacity, D}, options));
        cache.values.push_back(at::empty({batch, H, capacity, D}, options));
    }
    return cache;
}

at::Tensor Gpt2::attention(const Block& block, const at::Tensor& x, const at::Tensor& allowed, bool causal_only,
                           KvCache* cache, size_t layer, at::Tensor* probabilities) const {
    const int64_t B = x.size(0), T = x.size(1), E = config_.n_embd, H = config_.n_head, D = E / H;
    at::Tensor qkv = conv1d(x, block.c_attn_w, block.c_attn_b);  // [B, T, 3E]
    auto parts = qkv.split(E, -1);
    at::Tensor q = parts[0].view({B, T, H, D}).transpose(1, 2);
    at::Tensor k = parts[1].view({B, T, H, D}).transpose(1, 2);
    at::Tensor v = parts[2].view({B, T, H, D}).transpose(1, 2);
    if (cache != nullptr) {
        const int64_t start = cache->length;
        cache->keys[layer].narrow(2, start, T).copy_(k);
        cache->values[layer].narrow(2, start, T).copy_(v);
        k = cache->keys[layer].narrow(2, 0, start + T);
        v = cache->values[layer].narrow(2, 0, start + T);
    }
    at::Tensor context;  // [B, H, T, D]
#if DFY_FUSED_ATTENTION
    if (probabilities == nullptr && attention_kernel() == DFY_ATTENTION_FUSED) {
        // Boolean attn_mask: true takes part. is_causal is top-left aligned, so it is used only
        // when the mask is exactly causal (T == K, nothing padded).
        context = high(causal_only ? at::scaled_dot_product_attention(low(q), low(k), low(v), {}, 0.0, true)
                                   : at::scaled_dot_product_attention(low(q), low(k), low(v), allowed, 0.0, false));
    }
#else
    (void)causal_only;
#endif
    if (!context.defined()) {
        at::Tensor scores = high(at::matmul(low(q), low(k).transpose(-1, -2))).mul_(1.0 / std::sqrt(double(D)));  // [B, H, T, K]
        scores.masked_fill_(allowed.logical_not(), -std::numeric_limits<float>::infinity());
        at::Tensor weights = at::softmax(scores, -1);
        if (probabilities != nullptr) *probabilities = weights;
        context = high(at::matmul(low(weights), low(v)));
    }
    context = context.transpose(1, 2).reshape({B, T, E});
    return conv1d(context, block.attn_proj_w, block.attn_proj_b);
}

at::Tensor Gpt2::hidden(const at::Tensor& ids, const at::Tensor& positions, const at::Tensor& key_valid,
                        KvCache* cache, at::Tensor* last_attention) const {
    const int64_t T = ids.size(1);
    const int64_t past = cache != nullptr ? cache->length : 0;
    const int64_t K = past + T;
    TORCH_CHECK(key_valid.size(1) == K, "key mask covers ", key_valid.size(1), " positions, expected ", K);
    // Query i sits at absolute position past + i and may see valid keys up to itself; it
    // always sees itself, so a padding query never has an empty softmax row.
    auto options = at::TensorOptions().dtype(at::kLong).device(device_);
    at::Tensor query_pos = at::arange(past, K, options).view({T, 1});
    at::Tensor key_pos = at::arange(0, K, options).view({1, K});
    at::Tensor causal = key_pos.le(query_pos);                              // [T, K]
    at::Tensor self = key_pos.eq(query_pos);                                // [T, K]
    at::Tensor allowed = causal.unsqueeze(0).logical_and(key_valid.unsqueeze(1)).logical_or(self.unsqueeze(0));
    allowed = allowed.unsqueeze(1);                                         // [B, 1, T, K]
    // Whether the mask is plain causal, asked only where the fused kernel would use it (the
    // check reads one flag back from the device).
    const bool causal_only = fused_attention_compiled() && attention_kernel() == DFY_ATTENTION_FUSED &&
                             last_attention == nullptr && past == 0 && key_valid.all().item<bool>();

    at::Tensor x = at::embedding(wte_, ids).add_(at::embedding(wpe_, positions));
    const double eps = config_.layer_norm_epsilon;
    const int64_t E = config_.n_embd;
    for (size_t l = 0; l < blocks_.size(); ++l) {
        const Block& b = blocks_[l];
        at::Tensor* probabilities = l + 1 == blocks_.size() ? last_attention : nullptr;
        x = x + attention(b, at::layer_norm(x, {E}, b.ln_1_w, b.ln_1_b, eps), allowed, causal_only, cache, l,
                          probabilities);
        at::Tensor h = at::gelu(conv1d(at::layer_norm(x, {E}, b.ln_2_w, b.ln_2_b, eps), b.c_fc_w, b.c_fc_b), "tanh");
        x = x + conv1d(h, b.mlp_proj_w, b.mlp_proj_b);
    }
    if (cache != nullptr) cache->length = K;
    return at::layer_norm(x, {E}, ln_f_w_, ln_f_b_, eps);
}

at::Tensor Gpt2::lm_logits(const at::Tensor& hidden) const { return high(at::matmul(low(hidden), low(wte_).t())); }

at::Tensor Gpt2::value(const at::Tensor& hidden) const {
    return at::matmul(hidden, v_head_w_.t()).add_(v_head_b_).squeeze(-1);
}

at::Tensor Gpt2::score(const at::Tensor& hidden) const { return at::matmul(hidden, score_w_.t()).squeeze(-1); }

at::Tensor positions_from_mask(const at::Tensor& mask) {
    return mask.to(at::kLong).cumsum(1).sub_(1).clamp_min_(0);
}

at::Tensor last_hidden(const at::Tensor& hidden, const at::Tensor& mask) {
    const int64_t B = hidden.size(0), T = hidden.size(1);
    at::Tensor index = (at::arange(T, mask.options().dtype(at::kLong)).unsqueeze(0) * mask.to(at::kLong)).argmax(1);
    return hidden.gather(1, index.view({B, 1, 1}).expand({B, 1, hidden.size(2)})).squeeze(1);
}

at::Tensor token_logprobs(const at::Tensor& logits, const at::Tensor& targets) {
#ifdef DFY_WITH_CUDA
    if (logits.is_cuda() && logits.scalar_type() == at::kFloat) {
        at::Tensor l = logits.contiguous();
        at::Tensor t = targets.to(at::kLong).contiguous();
        at::Tensor out = at::empty({l.size(0)}, l.options());
        if (l.size(0) > 0)
            cuda::token_logprobs(l.data_ptr<float>(), t.data_ptr<int64_t>(), out.data_ptr<float>(), l.size(0),
                                 l.size(1), at::cuda::getCurrentCUDAStream().stream());
        return out;
    }
#endif
    return at::log_softmax(logits, -1).gather(-1, targets.to(at::kLong).unsqueeze(-1)).squeeze(-1);
}

}  // namespace dfy
