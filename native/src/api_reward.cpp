// Reward-model entry point: one score per sequence, read at its last real token.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "handle.hpp"

using namespace dfy;

extern "C" {

DFY_API dfy_status dfy_reward_score(dfy_model handle, const int64_t* ids, const int64_t* mask, int64_t batch,
                                    int64_t seq_len, float* out_scores) {
    return guarded([&] {
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
    });
}

}  // extern "C"
