// Supervised training steps: next-token loss for the policy (SFT) and a logistic loss on the
// reward head (a sentiment/preference classifier).
#include <ATen/ATen.h>

#include "handle.hpp"
#include "safetensors.hpp"
#include "train.hpp"

using namespace dfy;

namespace {

// Runs loss_of(first, rows) over memory-bounded chunks, each returning the chunk's share of
// the mean loss, so gradients accumulate to those of the whole batch.
template <class LossOf>
double accumulate(const Gpt2& model, int64_t batch, int64_t seq_len, LossOf loss_of) {
    double total = 0;
    for_chunks(batch, rows_per_chunk(model.config(), seq_len, true), [&](int64_t first, int64_t rows) {
        at::Tensor loss = loss_of(first, rows);
        loss.backward();
        total += loss.item<double>();
    });
    return total;
}

}  // namespace

extern "C" {

DFY_API dfy_status dfy_optimizer_create(dfy_model model, const dfy_adam_options* options, dfy_optimizer* out) {
    return guarded([&] {
        Gpt2& m = model_of(model);
        require_pointer(options, "options");
        require_pointer(out, "out");
        *out = nullptr;
        auto handle = std::make_unique<dfy_optimizer_s>();
        handle->adam = std::make_unique<dfy::Adam>(m, *options);
        *out = handle.release();
    });
}

DFY_API void dfy_optimizer_free(dfy_optimizer optimizer) {
    if (optimizer == nullptr) return;
    optimizer->magic = 0;
    delete optimizer;
}

DFY_API dfy_status dfy_optimizer_save_size(dfy_optimizer optimizer, int64_t* out_size) {
    return guarded([&] {
        const dfy::Adam& adam = adam_of(optimizer);
        require_pointer(out_size, "out_size");
        *out_size = safetensors::image_size(adam.state(), {{"densify.optimizer", "adam"}, {"step", std::to_string(adam.steps())}});
    });
}

DFY_API dfy_status dfy_optimizer_save(dfy_optimizer optimizer, void* buffer, int64_t capacity, int64_t* out_written) {
    return guarded([&] {
        const dfy::Adam& adam = adam_of(optimizer);
        require_pointer(buffer, "buffer");
        require_pointer(out_written, "out_written");
        *out_written = safetensors::write(adam.state(), {{"densify.optimizer", "adam"}, {"step", std::to_string(adam.steps())}},
                                          static_cast<uint8_t*>(buffer), capacity);
    });
}

DFY_API dfy_status dfy_optimizer_load(dfy_optimizer optimizer, const void* data, int64_t size) {
    return guarded([&] {
        dfy::Adam& adam = adam_of(optimizer);
        safetensors::View view = safetensors::parse(data, size);
        auto kind = view.metadata.find("densify.optimizer");
        if (kind == view.metadata.end() || kind->second != "adam")
            fail(DFY_ERR_FORMAT, "optimizer state: not a densify Adam state (metadata densify.optimizer missing)");
        auto step = view.metadata.find("step");
        if (step == view.metadata.end() || step->second.empty() ||
            step->second.find_first_not_of("0123456789") != std::string::npos || step->second.size() > 18)
            fail(DFY_ERR_FORMAT, "optimizer state: missing or invalid step count");
        std::vector<std::pair<std::string, at::Tensor>> named;
        for (const auto& [name, entry] : view.tensors) named.emplace_back(name, safetensors::read_float(view, name, entry));
        adam.restore(named, std::stoll(step->second));
    });
}

DFY_API dfy_status dfy_policy_lm_step(dfy_model policy, dfy_optimizer optimizer, const int64_t* ids,
                                      const int64_t* mask, int64_t batch, int64_t seq_len, float* out_loss,
                                      float* out_grad_norm) {
    return guarded([&] {
        Gpt2& model = model_of(policy, DFY_MODEL_POLICY, "policy");
        dfy::Adam& adam = adam_of(optimizer, model);
        require(seq_len >= 2, "seq_len must be >= 2 for a next-token loss, got ", seq_len);
        TokenBatch in = read_batch(model, ids, mask, batch, seq_len);
        at::Tensor targets_mask = in.mask.narrow(1, 0, seq_len - 1).logical_and(in.mask.narrow(1, 1, seq_len - 1));
        const int64_t tokens = targets_mask.sum().item<int64_t>();
        require(tokens > 0, "batch has no position whose next token is real (mask too sparse)");
        const int64_t V = model.config().vocab_size;
        adam.zero_grad();
        double loss = accumulate(model, batch, seq_len, [&](int64_t first, int64_t rows) {
            at::Tensor ids_c = in.ids.narrow(0, first, rows).to(model.device());
            at::Tensor mask_c = in.mask.narrow(0, first, rows).to(model.device());
            at::Tensor h = model.hidden(ids_c, positions_from_mask(mask_c), mask_c, nullptr);
            at::Tensor logits = model.lm_logits(h.narrow(1, 0, seq_len - 1)).reshape({-1, V});
            at::Tensor nll = at::cross_entropy_loss(logits, ids_c.narrow(1, 1, seq_len - 1).reshape({-1}), {},
                                                    at::Reduction::None);
            at::Tensor weight = targets_mask.narrow(0, first, rows).to(model.device()).reshape({-1}).to(at::kFloat);
            return (nll * weight).sum() / double(tokens);
        });
        double norm = adam.step();
        if (out_loss != nullptr) *out_loss = float(loss);
        if (out_grad_norm != nullptr) *out_grad_norm = float(norm);
    });
}

DFY_API dfy_status dfy_reward_classifier_step(dfy_model reward, dfy_optimizer optimizer, const int64_t* ids,
                                              const int64_t* mask, const float* labels, int64_t batch,
                                              int64_t seq_len, float* out_loss, float* out_grad_norm) {
    return guarded([&] {
        Gpt2& model = model_of(reward, DFY_MODEL_REWARD, "reward model");
        dfy::Adam& adam = adam_of(optimizer, model);
        TokenBatch in = read_batch(model, ids, mask, batch, seq_len);
        require_pointer(labels, "labels");
        for (int64_t b = 0; b < batch; ++b)
            require(labels[b] >= 0 && labels[b] <= 1, "label ", b, " must be in [0, 1], got ", labels[b]);
        at::Tensor target = at::from_blob(const_cast<float*>(labels), {batch}, at::kFloat).clone();
        adam.zero_grad();
        double loss = accumulate(model, batch, seq_len, [&](int64_t first, int64_t rows) {
            at::Tensor ids_c = in.ids.narrow(0, first, rows).to(model.device());
            at::Tensor mask_c = in.mask.narrow(0, first, rows).to(model.device());
            at::Tensor h = model.hidden(ids_c, positions_from_mask(mask_c), mask_c, nullptr);
            at::Tensor logit = model.score(last_hidden(h, mask_c));
            return at::binary_cross_entropy_with_logits(logit, target.narrow(0, first, rows).to(model.device()), {},
                                                        {}, at::Reduction::Sum) / double(batch);
        });
        double norm = adam.step();
        if (out_loss != nullptr) *out_loss = float(loss);
        if (out_grad_norm != nullptr) *out_grad_norm = float(norm);
    });
}

}  // extern "C"
