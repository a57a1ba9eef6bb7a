#include "scripted.hpp"

#include <string>
#include <vector>

#include <torch/script.h>

#include "common.hpp"
#include "gpt2.hpp"

namespace dfy {

struct ScriptedReward::Module {
    torch::jit::Module module;
};

namespace {

constexpr const char* kSignature = "forward(input_ids: Tensor [B, T] int64, attention_mask: Tensor [B, T] int64)";

std::string clipped(std::string message) {
    if (message.size() > 2000) message.resize(2000);
    return message;
}

// The module's own failures (a bad op, a shape it cannot take) are the caller's code failing.
template <class Body>
auto module_call(const char* what, Body&& body) {
    try {
        return body();
    } catch (const Error&) {
        throw;
    } catch (const c10::Error& e) {
        fail(DFY_ERR_CALLBACK, "the TorchScript reward model failed ", what, ": ", clipped(e.what_without_backtrace()));
    } catch (const std::exception& e) {
        // The interpreter's own errors (torch::jit::JITException) are runtime_errors.
        fail(DFY_ERR_CALLBACK, "the TorchScript reward model failed ", what, ": ", clipped(e.what()));
    }
}

void check_signature(const torch::jit::Module& module, const char* path) {
    auto method = module.find_method("forward");
    if (!method) fail(DFY_ERR_FORMAT, "the TorchScript module ", path, " has no forward method; expected ", kSignature);
    const auto& arguments = method->function().getSchema().arguments();
    // arguments[0] is self.
    size_t required = 0;
    for (size_t i = 1; i < arguments.size(); ++i) {
        if (i <= 2 && arguments[i].type()->kind() != c10::TypeKind::TensorType)
            fail(DFY_ERR_FORMAT, "the TorchScript module ", path, ": forward's argument '", arguments[i].name(),
                 "' is ", arguments[i].type()->str(), ", not a Tensor; expected ", kSignature);
        if (!arguments[i].default_value()) ++required;
    }
    if (arguments.size() < 3 || required > 2)
        fail(DFY_ERR_FORMAT, "the TorchScript module ", path, ": forward takes ", arguments.size() - 1,
             " arguments (", required, " required); expected ", kSignature);
}

// A tensor, or the first element of a tuple or list (a traced Hugging Face model returns (logits,)).
at::Tensor output_tensor(const c10::IValue& out) {
    if (out.isTensor()) return out.toTensor();
    if (out.isTuple()) {
        const auto& elements = out.toTupleRef().elements();
        if (!elements.empty() && elements[0].isTensor()) return elements[0].toTensor();
    }
    if (out.isList()) {
        auto list = out.toListRef();
        if (!list.empty() && list[0].isTensor()) return list[0].toTensor();
    }
    fail(DFY_ERR_CALLBACK, "the TorchScript reward model returned ", out.tagKind(),
         "; expected a Tensor of scores [B] or logits [B, labels] (or a tuple whose first element is one)");
}

}  // namespace

ScriptedReward::ScriptedReward(const char* path, at::Device device, int64_t vocab_size, int64_t max_length,
                               int64_t score_label)
    : module_(std::make_unique<Module>()), device_(device), vocab_size_(vocab_size), max_length_(max_length),
      label_(score_label) {
    require(path != nullptr && path[0] != '\0', "path is NULL or empty");
    require(vocab_size >= 1, "vocab_size must be >= 1, got ", vocab_size);
    require(max_length >= 2, "max_length must be >= 2, got ", max_length);
    require(score_label >= DFY_SCORE_ONLY_ROW, "score_label must be a label >= 0 or DFY_SCORE_*, got ", score_label);
    try {
        module_->module = torch::jit::load(path, device);
    } catch (const c10::Error& e) {
        std::string message = e.what_without_backtrace();
        fail(DFY_ERR_FORMAT, "cannot load ", path, " as a TorchScript module (torch.jit.save): ",
             message.substr(0, message.find('\n')));
    }
    module_->module.eval();
    check_signature(module_->module, path);
    // Two rows, one padded, catch modules traced for one fixed shape and check the label.
    at::Tensor ids = at::zeros({2, 2}, at::kLong);
    at::Tensor mask = at::ones({2, 2}, at::kBool);
    mask.index_put_({1, 1}, false);
    score(ids, mask);
}

ScriptedReward::~ScriptedReward() = default;

int64_t ScriptedReward::parameter_count() const {
    int64_t total = 0;
    for (const auto& p : module_->module.parameters()) total += p.numel();
    return total;
}

at::Tensor ScriptedReward::run(const at::Tensor& ids, const at::Tensor& mask) const {
    torch::NoGradGuard no_grad;
    std::vector<c10::IValue> inputs{ids.to(device_, at::kLong), mask.to(device_, at::kLong)};
    return module_call("on a batch", [&] { return output_tensor(module_->module.forward(std::move(inputs))); });
}

at::Tensor ScriptedReward::score(const at::Tensor& ids, const at::Tensor& mask) const {
    const int64_t rows = ids.size(0);
    at::Tensor out = run(ids, mask).detach().to(at::kCPU, at::kFloat);
    const bool scores = (out.dim() == 1 && out.size(0) == rows) || (out.dim() == 2 && out.size(0) == rows && out.size(1) == 1);
    const bool logits = out.dim() == 2 && out.size(0) == rows && out.size(1) >= 2;
    if (!scores && !logits)
        fail(DFY_ERR_CALLBACK, "the TorchScript reward model returned a tensor of shape ", out.sizes(), " for ", rows,
             " rows; expected scores [", rows, "] or [", rows, ", 1], or logits [", rows, ", labels]");
    if (scores) {
        if (label_ > 0 || label_ == DFY_SCORE_LOGIT_DIFFERENCE)
            invalid("the TorchScript reward model returns one score per row; a score label (", label_,
                    ") needs logits [B, labels]");
        out = out.reshape({rows});
    } else {
        const int64_t labels = out.size(1);
        if (label_ == DFY_SCORE_ONLY_ROW)
            invalid("the TorchScript reward model returns ", labels, " logits per row: say which is the score (a label in [0, ",
                    labels, "), or the logit difference for 2 labels)");
        if (label_ == DFY_SCORE_LOGIT_DIFFERENCE) {
            if (labels != 2) invalid("the logit difference needs 2 labels, the TorchScript reward model returns ", labels);
            out = out.select(1, 1) - out.select(1, 0);
        } else {
            if (label_ >= labels)
                invalid("score label ", label_, " is outside the TorchScript reward model's ", labels, " labels [0, ",
                        labels, ")");
            out = out.select(1, label_);
        }
    }
    out = out.contiguous();
    if (!at::isfinite(out).all().item<bool>())
        fail(DFY_ERR_CALLBACK, "the TorchScript reward model returned a NaN or infinite score");
    return out;
}

}  // namespace dfy
