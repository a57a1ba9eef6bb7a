// The model handle behind dfy_model, and the validation of token batches shared by the
// policy and reward-model entry points.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <ATen/ATen.h>

#include "common.hpp"
#include "gpt2.hpp"

namespace dfy {
class ScriptedReward;
}

// Exactly one of model and script is set.
struct dfy_model_s {
    static constexpr uint64_t kLive = 0x64656e7369667931ULL;  // "densify1"
    uint64_t magic = kLive;
    std::unique_ptr<dfy::Gpt2> model;
    std::unique_ptr<dfy::ScriptedReward> script;
    dfy_model_s();
    ~dfy_model_s();
};

namespace dfy {

class Adam;

// The object behind a handle, for every call that takes one: rejects NULL and (best effort)
// freed handles. model_of is in handle.cpp, adam_of (the optimizer's Adam state; with a model,
// also that the optimizer was created for it) in train.cpp.
Gpt2& model_of(dfy_model handle);
Gpt2& model_of(dfy_model handle, int32_t kind, const char* role);
// The TorchScript reward model behind a live handle, or nullptr when it is a GPT-2.
const ScriptedReward* script_of(dfy_model handle);
Adam& adam_of(dfy_optimizer handle);
Adam& adam_of(dfy_optimizer handle, const Gpt2& model);

// A validated [B, T] batch copied to CPU tensors: ids int64 in [0, vocab_size), mask bool,
// T <= max_length.
struct TokenBatch {
    at::Tensor ids;
    at::Tensor mask;
};
TokenBatch read_batch(int64_t vocab_size, int64_t max_length, const int64_t* ids, const int64_t* mask, int64_t batch,
                      int64_t seq_len);
TokenBatch read_batch(const Gpt2& model, const int64_t* ids, const int64_t* mask, int64_t batch, int64_t seq_len);

// Calls body(first_row, rows) over [0, batch) in chunks of at most rows_per_chunk rows.
void for_chunks(int64_t batch, int64_t rows_per_chunk, const std::function<void(int64_t, int64_t)>& body);

// The same for inference on `device`: body runs in inference mode, and on CPU with several
// threads the rows are split into InterOp pieces that run concurrently, each in chunks of at
// most rows_per_chunk / pieces rows (the memory budget holds for all pieces together). body
// must only touch its own rows' outputs.
void for_chunks_inference(const at::Device& device, int64_t batch, int64_t rows_per_chunk,
                          const std::function<void(int64_t, int64_t)>& body);

// Rows per forward so that activations, attention scores and (optionally) logits of one
// chunk stay within a fixed memory budget, however large the batch.
int64_t rows_per_chunk(const dfy_model_config& config, int64_t seq_len, bool with_logits);

// Copies a CPU-or-device tensor into a caller buffer of exactly numel elements.
void copy_out(const at::Tensor& tensor, float* out);

// Refuses an output of rows x positions x width values with a NaN or infinity at a real
// position (mask [rows, positions] bool on the CPU; undefined: every position): the model's
// weights or activations are not finite, and a caller must not take its numbers.
void require_finite_output(const float* out, int64_t rows, int64_t positions, int64_t width, const at::Tensor& mask,
                           const char* model, const char* what);

}  // namespace dfy
