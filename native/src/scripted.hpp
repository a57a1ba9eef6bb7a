// A reward model of any architecture, as a TorchScript module: scored by libtorch's JIT in the
// same packed batches as GPT-2, without a round trip to the caller.
#pragma once

#include <cstdint>
#include <memory>

#include <ATen/ATen.h>

namespace dfy {

class ScriptedReward {
public:
    // Loads and checks the module: forward(input_ids, attention_mask), and a probe batch of two
    // rows gives scores [2], [2, 1] or logits [2, labels] that score_label reads (DFY_SCORE_*).
    ScriptedReward(const char* path, at::Device device, int64_t vocab_size, int64_t max_length, int64_t score_label);
    ~ScriptedReward();
    ScriptedReward(const ScriptedReward&) = delete;
    ScriptedReward& operator=(const ScriptedReward&) = delete;

    int64_t vocab_size() const { return vocab_size_; }
    int64_t max_length() const { return max_length_; }
    at::Device device() const { return device_; }
    int64_t parameter_count() const;

    // One score per row of right-padded ids / mask [B, T] (int64 and bool, any device), float32 on
    // the CPU. A failing module or non-finite scores fail with DFY_ERR_CALLBACK.
    at::Tensor score(const at::Tensor& ids, const at::Tensor& mask) const;

private:
    struct Module;
    at::Tensor run(const at::Tensor& ids, const at::Tensor& mask) const;

    std::unique_ptr<Module> module_;
    at::Device device_;
    int64_t vocab_size_;
    int64_t max_length_;
    int64_t label_;
};

}  // namespace dfy
