// Training support shared by supervised fine-tuning, reward-model training and (later) PPO:
// Adam with decoupled weight decay and global-norm gradient clipping over a model's weights.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

#include "densify.h"
#include "gpt2.hpp"

namespace dfy {

void validate_adam_options(const dfy_adam_options& options);

class Adam {
public:
    Adam(Gpt2& model, const dfy_adam_options& options);

    const Gpt2* model() const { return model_; }
    // The weights it updates, in a fixed order (gradients may be set on them directly).
    const std::vector<at::Tensor>& parameters() const { return params_; }
    int64_t steps() const { return steps_; }

    void zero_grad();
    // Clips (when max_grad_norm > 0) and applies one update; returns the norm before clipping.
    double step();

    // Moments as named tensors (exp_avg.<weight>, exp_avg_sq.<weight>), sorted by name.
    std::vector<std::pair<std::string, at::Tensor>> state() const;
    // Restores moments and the step count; every tensor must be present with its shape.
    void restore(const std::vector<std::pair<std::string, at::Tensor>>& named, int64_t steps);

private:
    Gpt2* model_;
    dfy_adam_options options_;
    std::vector<std::string> names_;
    std::vector<at::Tensor> params_, exp_avg_, exp_avg_sq_;
    int64_t steps_ = 0;
};

}  // namespace dfy

struct dfy_optimizer_s {
    static constexpr uint64_t kLive = 0x64656e7369667932ULL;  // "densify2"
    uint64_t magic = kLive;
    std::unique_ptr<dfy::Adam> adam;
};
