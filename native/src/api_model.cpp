// Model lifecycle: create, load from a safetensors image, save into a caller buffer.
#include <map>
#include <string>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "handle.hpp"
#include "json.hpp"
#include "safetensors.hpp"
#include "scripted.hpp"

using namespace dfy;

namespace {

// Whether every value is finite: a branch-free scan of the exponent bits for float32 on the CPU
// (a few ms for a 64 MB checkpoint), libtorch's isfinite elsewhere.
bool all_finite(const at::Tensor& t) {
    if (t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous()) {
        const uint32_t* bits = static_cast<const uint32_t*>(t.data_ptr());
        const int64_t n = t.numel();
        uint32_t special = 0;
        for (int64_t i = 0; i < n; ++i) special |= uint32_t((bits[i] & 0x7f800000u) == 0x7f800000u);
        return special == 0;
    }
    return at::isfinite(t).all().item<bool>();
}



std::map<std::string, std::string> read_metadata(const char* metadata_json) {
    std::map<std::string, std::string> out;
    if (metadata_json == nullptr) return out;
    json::Value value;
    try {
        value = json::parse(metadata_json, "metadata");
    } catch (const Error& e) {
        invalid(e.what());
    }
    if (value.kind != json::Value::Kind::Object) invalid("metadata must be a JSON object of strings");
    for (const auto& [k, v] : value.object) {
        if (v.kind != json::Value::Kind::String) invalid("metadata value of '", k, "' is not a string");
        out[k] = v.string;
    }
    return out;
}

safetensors::Tensors named_tensors(Gpt2& model) {
    safetensors::Tensors out;
    for (auto& p : model.parameters()) out.emplace_back(p.name, *p.tensor);
    return out;
}

// Real GPT-2 checkpoints saved from GPT2Model have no "transformer." prefix.
const safetensors::Entry* find_entry(const safetensors::View& view, const std::string& name) {
    auto it = view.tensors.find(name);
    if (it != view.tensors.end()) return &it->second;
    const std::string prefix = "transformer.";
    if (name.rfind(prefix, 0) == 0) {
        it = view.tensors.find(name.substr(prefix.size()));
        if (it != view.tensors.end()) return &it->second;
    }
    return nullptr;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// The score of a reward checkpoint's head [labels, n_embd] as one row [1, n_embd].
at::Tensor score_row(const at::Tensor& weight, const std::vector<int64_t>& shape, int64_t n_embd, int64_t label) {
    if (shape.size() != 2 || shape[1] != n_embd || shape[0] < 1)
        fail(DFY_ERR_FORMAT, "tensor 'score.weight' has shape ", shape_text(shape), " but a score head is [labels, ",
             n_embd, "]");
    const int64_t labels = shape[0];
    at::Tensor w = weight.reshape({labels, n_embd});
    if (label == DFY_SCORE_ONLY_ROW) {
        if (labels != 1)
            invalid("the reward checkpoint's score head has ", labels, " labels: say which is the score (a label in [0, ",
                    labels, "), or the logit difference for 2 labels)");
        return w;
    }
    if (label == DFY_SCORE_LOGIT_DIFFERENCE) {
        if (labels != 2) invalid("the logit difference needs a score head of 2 labels, this one has ", labels);
        return (w.select(0, 1) - w.select(0, 0)).unsqueeze(0);
    }
    if (label < 0 || label >= labels)
        invalid("score label ", label, " is outside the score head's ", labels, " labels [0, ", labels, ")");
    return w.select(0, label).unsqueeze(0);
}

}  // namespace

extern "C" {

DFY_API dfy_status dfy_model_create(int32_t kind, const dfy_model_config* config, const char* device, uint64_t seed,
                                    dfy_model* out) {
    return guarded([&] {
        require_pointer(config, "config");
        require_pointer(out, "out");
        *out = nullptr;
        at::Device dev = parse_device(device);
        auto model = std::make_unique<Gpt2>(kind, *config, dev);
        {
            c10::InferenceMode no_grad;
            model->init_random(seed);
        }
        auto handle = std::make_unique<dfy_model_s>();
        handle->model = std::move(model);
        *out = handle.release();
    });
}

DFY_API dfy_status dfy_model_load(int32_t kind, const dfy_model_config* config, const char* device, const void* data,
                                  int64_t size, dfy_model* out) {
    return guarded([&] {
        require_pointer(config, "config");
        require_pointer(out, "out");
        require_pointer(data, "data");
        *out = nullptr;
        at::Device dev = parse_device(device);
        auto model = std::make_unique<Gpt2>(kind, *config, dev);
        safetensors::View view = safetensors::parse(data, size);
        if (kind == DFY_MODEL_POLICY &&
            (find_entry(view, "v_head.summary.weight") == nullptr) != (find_entry(view, "v_head.summary.bias") == nullptr))
            fail(DFY_ERR_FORMAT, "safetensors: the value head needs both v_head.summary.weight and v_head.summary.bias, or neither");
        {
            c10::InferenceMode no_grad;
            for (auto& p : model->parameters()) {
                const safetensors::Entry* entry = find_entry(view, p.name);
                // A plain language-model checkpoint has no value head: it starts at zero
                // (values 0), as a fresh head would be trained from there anyway.
                if (entry == nullptr && p.name.rfind("v_head.", 0) == 0) continue;
                if (entry == nullptr) fail(DFY_ERR_FORMAT, "safetensors: missing tensor '", p.name, "'");
                if (kind == DFY_MODEL_REWARD && p.name == "score.weight") {
                    p.tensor->copy_(score_row(safetensors::read_float(view, p.name, *entry), entry->shape,
                                              config->n_embd, config->score_label));
                    continue;
                }
                if (entry->shape != p.shape)
                    fail(DFY_ERR_FORMAT, "tensor '", p.name, "' has shape ", shape_text(entry->shape),
                         " but the configuration implies ", shape_text(p.shape),
                         " (configuration does not match the weights)");
                p.tensor->copy_(safetensors::read_float(view, p.name, *entry));
            }
            // A NaN or infinite weight makes every output meaningless: refuse it here, naming it,
            // rather than as a non-finite output later (one pass over the weights).
            for (auto& p : model->parameters())
                if (!all_finite(*p.tensor))
                    fail(DFY_ERR_FORMAT, "safetensors: tensor '", p.name, "' holds ",
                         at::logical_not(at::isfinite(*p.tensor)).sum().item<int64_t>(),
                         " NaN or infinite values; the checkpoint is not usable");
        }
        auto handle = std::make_unique<dfy_model_s>();
        handle->model = std::move(model);
        *out = handle.release();
    });
}

DFY_API dfy_status dfy_model_save_size(dfy_model handle, const char* metadata_json, int64_t* out_size) {
    return guarded([&] {
        Gpt2& model = model_of(handle);
        require_pointer(out_size, "out_size");
        *out_size = safetensors::image_size(named_tensors(model), read_metadata(metadata_json));
    });
}

DFY_API dfy_status dfy_model_save(dfy_model handle, const char* metadata_json, void* buffer, int64_t capacity,
                                  int64_t* out_written) {
    return guarded([&] {
        Gpt2& model = model_of(handle);
        require_pointer(buffer, "buffer");
        require_pointer(out_written, "out_written");
        *out_written = safetensors::write(named_tensors(model), read_metadata(metadata_json),
                                          static_cast<uint8_t*>(buffer), capacity);
    });
}

DFY_API dfy_status dfy_model_kind(dfy_model handle, int32_t* out) {
    return guarded([&] {
        const bool scripted = script_of(handle) != nullptr;
        require_pointer(out, "out");
        *out = scripted ? DFY_MODEL_REWARD : model_of(handle).kind();
    });
}

DFY_API dfy_status dfy_model_get_config(dfy_model handle, dfy_model_config* out) {
    return guarded([&] {
        const ScriptedReward* script = script_of(handle);
        require_pointer(out, "out");
        if (script != nullptr) {
            *out = dfy_model_config{};
            out->vocab_size = script->vocab_size();
            out->n_positions = script->max_length();
            return;
        }
        *out = model_of(handle).config();
        out->score_label = 0;  // how a load read the head, not part of the model
    });
}

DFY_API dfy_status dfy_model_parameter_count(dfy_model handle, int64_t* out) {
    return guarded([&] {
        const ScriptedReward* script = script_of(handle);
        require_pointer(out, "out");
        if (script != nullptr) {
            *out = script->parameter_count();
            return;
        }
        Gpt2& model = model_of(handle);
        int64_t total = 0;
        for (auto& p : model.parameters()) total += p.tensor->numel();
        *out = total;
    });
}

DFY_API dfy_status dfy_model_clone(dfy_model handle, const char* device, dfy_model* out) {
    return guarded([&] {
        Gpt2& source = model_of(handle);
        require_pointer(out, "out");
        *out = nullptr;
        at::Device dev = parse_device(device);
        auto model = std::make_unique<Gpt2>(source.kind(), source.config(), dev);
        {
            c10::InferenceMode no_grad;
            auto from = source.parameters();
            auto to = model->parameters();
            for (size_t i = 0; i < from.size(); ++i) to[i].tensor->copy_(*from[i].tensor);
        }
        auto copy = std::make_unique<dfy_model_s>();
        copy->model = std::move(model);
        *out = copy.release();
    });
}

DFY_API void dfy_model_free(dfy_model handle) {
    if (handle == nullptr) return;
    try {
        handle->magic = 0;
        delete handle;
    } catch (...) {
        // Destructors of tensors do not throw; nothing sensible to report from a free.
    }
}

}  // extern "C"
