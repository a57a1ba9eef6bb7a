#include "handle.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include <c10/core/InferenceMode.h>

#include "parallel.hpp"
#include "scripted.hpp"

dfy_model_s::dfy_model_s() = default;
dfy_model_s::~dfy_model_s() = default;

namespace dfy {
namespace {
// Budget per chunk, in float32 elements (256 MiB each).
constexpr int64_t kActivationBudget = int64_t(1) << 26;
}  // namespace

namespace {
dfy_model_s& live(dfy_model handle) {
    if (handle == nullptr) invalid("model handle is NULL");
    if (handle->magic != dfy_model_s::kLive || (!handle->model && !handle->script))
        invalid("model handle is not live (freed or corrupt)");
    return *handle;
}
}  // namespace

Gpt2& model_of(dfy_model handle) {
    dfy_model_s& h = live(handle);
    if (!h.model)
        invalid("the handle is a TorchScript reward model: it scores and is attributed by SHAP or LIME; "
                "saving, copying, training and attention need a GPT-2");
    return *h.model;
}

const ScriptedReward* script_of(dfy_model handle) {
    return live(handle).script.get();
}

Gpt2& model_of(dfy_model handle, int32_t kind, const char* role) {
    Gpt2& model = model_of(handle);
    if (model.kind() != kind)
        invalid("handle is a ", model.kind() == DFY_MODEL_POLICY ? "policy" : "reward model", ", expected a ", role);
    return model;
}

TokenBatch read_batch(const Gpt2& model, const int64_t* ids, const int64_t* mask, int64_t batch, int64_t seq_len) {
    return read_batch(model.config().vocab_size, model.config().n_positions, ids, mask, batch, seq_len);
}

TokenBatch read_batch(int64_t vocab_size, int64_t max_length, const int64_t* ids, const int64_t* mask, int64_t batch,
                      int64_t seq_len) {
    require(batch >= 1, "empty batch: batch must be >= 1, got ", batch);
    require(seq_len >= 1, "seq_len must be >= 1, got ", seq_len);
    require(seq_len <= max_length, "sequence of ", seq_len, " tokens is longer than the model's context of ",
            max_length, " (n_positions)");
    require_pointer(ids, "ids");
    const int64_t n = checked_mul(batch, seq_len, "batch * seq_len");
    for (int64_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= vocab_size)
            invalid("token id ", ids[i], " at row ", i / seq_len, ", position ", i % seq_len,
                    " is outside the vocabulary [0, ", vocab_size, ")");
    TokenBatch out;
    out.ids = at::empty({batch, seq_len}, at::kLong);
    std::memcpy(out.ids.data_ptr<int64_t>(), ids, size_t(n) * sizeof(int64_t));
    out.mask = at::ones({batch, seq_len}, at::kBool);
    if (mask != nullptr) {
        bool* m = out.mask.data_ptr<bool>();
        for (int64_t r = 0; r < batch; ++r) {
            bool any = false;
            for (int64_t t = 0; t < seq_len; ++t) {
                int64_t v = mask[r * seq_len + t];
                if (v != 0 && v != 1) invalid("mask value ", v, " at row ", r, ", position ", t, " is not 0 or 1");
                m[r * seq_len + t] = v == 1;
                any = any || v == 1;
            }
            if (!any) invalid("row ", r, " of the mask has no token (all zeros)");
        }
    }
    return out;
}

void for_chunks(int64_t batch, int64_t rows_per_chunk, const std::function<void(int64_t, int64_t)>& body) {
    rows_per_chunk = std::max<int64_t>(1, rows_per_chunk);
    for (int64_t start = 0; start < batch; start += rows_per_chunk) body(start, std::min(rows_per_chunk, batch - start));
}

void for_chunks_inference(const at::Device& device, int64_t batch, int64_t rows_per_chunk,
                          const std::function<void(int64_t, int64_t)>& body) {
    check_compute_dtype(device);
    const int32_t dtype = compute_dtype();
    const InterOp parallel(device);
    const int64_t pieces = parallel.pieces(batch);
    const int64_t chunk = std::max<int64_t>(1, rows_per_chunk / pieces);
    parallel.run(pieces, [&](int64_t p) {
        c10::InferenceMode no_grad;
        const ComputeScope precision(dtype);
        const int64_t begin = piece_begin(batch, pieces, p), end = piece_begin(batch, pieces, p + 1);
        for_chunks(end - begin, chunk, [&](int64_t first, int64_t rows) { body(begin + first, rows); });
    });
}

int64_t rows_per_chunk(const dfy_model_config& c, int64_t seq_len, bool with_logits) {
    int64_t per_row = seq_len * std::max<int64_t>(4 * c.n_embd, c.n_head * seq_len);
    if (with_logits) per_row = std::max(per_row, seq_len * c.vocab_size);
    return std::max<int64_t>(1, kActivationBudget / std::max<int64_t>(1, per_row));
}

void copy_out(const at::Tensor& tensor, float* out) {
    at::Tensor cpu = tensor.to(at::kCPU, at::kFloat).contiguous();
    if (cpu.numel() > 0) std::memcpy(out, cpu.data_ptr<float>(), size_t(cpu.numel()) * sizeof(float));
}

void require_finite_output(const float* out, int64_t rows, int64_t positions, int64_t width, const at::Tensor& mask,
                           const char* model, const char* what) {
    const bool* m = mask.defined() ? mask.data_ptr<bool>() : nullptr;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t t = 0; t < positions; ++t) {
            if (m != nullptr && !m[r * positions + t]) continue;
            const float* p = out + (r * positions + t) * width;
            for (int64_t k = 0; k < width; ++k)
                if (!std::isfinite(p[k]))
                    fail(DFY_ERR_INTERNAL, "the ", model, " produced a non-finite value (", p[k], ") in its ", what,
                         " at row ", r, positions > 1 ? ", position " : "", positions > 1 ? std::to_string(t) : "",
                         ": its weights or activations are not finite (check the checkpoint)");
        }
}

}  // namespace dfy
