// Reward-model entry points: one score per sequence, read at its last real token (GPT-2) or
// as a TorchScript module returns it.
#include <algorithm>
#include <memory>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "handle.hpp"
#include "scripted.hpp"

using namespace dfy;

namespace {
int64_t scripted_rows_per_chunk(int64_t seq_len) {
    // The module's activations are unknown: a fixed token budget per forward.
    constexpr int64_t kTokens = int64_t(1) << 16;
    return std::max<int64_t>(1, kTokens / std::max<int64_t>(1, seq_len));
}
}  // namespace

extern "C" {

DFY_API dfy_status dfy_reward_score(dfy_model handle, const int64_t* ids, const int64_t* mask, int64_t batch,
                                    int64_t seq_len, float* out_scores) {
    return guarded([&] {
        if (const ScriptedReward* script = script_of(handle)) {
            TokenBatch in = read_batch(script->vocab_size(), script->max_length(), ids, mask, batch, seq_len);
            require_pointer(out_scores, "out_scores");
            for_chunks(batch, scripted_rows_per_chunk(seq_len), [&](int64_t first, int64_t rows) {
                copy_out(script->score(in.ids.narrow(0, first, rows), in.mask.narrow(0, first, rows)), out_scores + first);
            });
            return;
        }
        Gpt2& model = model_of(handle, DFY_MODEL_REWARD, "reward model");
        TokenBatch in = read_batch(model, ids, mask, batch, seq_len);
        require_pointer(out_scores, "out_scores");
        for_chunks_inference(model.device(), batch, rows_per_chunk(model.config(), seq_len, false),
                             [&](int64_t first, int64_t rows) {
            at::Tensor chunk_ids = in.ids.narrow(0, first, rows).to(model.device());
            at::Tensor chunk_mask = in.mask.narrow(0, first, rows).to(model.device());
            at::Tensor h = model.hidden(chunk_ids, positions_from_mask(chunk_mask), chunk_mask, nullptr);
            copy_out(model.score(last_hidden(h, chunk_mask)), out_scores + first);
        });
        require_finite_output(out_scores, batch, 1, 1, at::Tensor(), "reward model", "scores");
    });
}

DFY_API dfy_status dfy_reward_load_script(const char* path, const char* device, int64_t vocab_size,
                                          int64_t max_length, int64_t score_label, dfy_model* out) {
    return guarded([&] {
        require_pointer(out, "out");
        *out = nullptr;
        at::Device dev = parse_device(device);
        auto handle = std::make_unique<dfy_model_s>();
        handle->script = std::make_unique<ScriptedReward>(path, dev, vocab_size, max_length, score_label);
        *out = handle.release();
    });
}

}  // extern "C"
