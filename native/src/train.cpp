#include "train.hpp"

#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>

#include "common.hpp"

namespace dfy {

void validate_adam_options(const dfy_adam_options& o) {
    require(std::isfinite(o.learning_rate) && o.learning_rate >= 0, "learning_rate must be finite and >= 0, got ",
            o.learning_rate);
    require(o.beta1 >= 0 && o.beta1 < 1, "beta1 must be in [0, 1), got ", o.beta1);
    require(o.beta2 >= 0 && o.beta2 < 1, "beta2 must be in [0, 1), got ", o.beta2);
    require(std::isfinite(o.eps) && o.eps > 0, "eps must be finite and > 0, got ", o.eps);
    require(std::isfinite(o.weight_decay) && o.weight_decay >= 0, "weight_decay must be finite and >= 0, got ",
            o.weight_decay);
    require(std::isfinite(o.max_grad_norm) && o.max_grad_norm >= 0,
            "max_grad_norm must be finite and >= 0 (0 = no clipping), got ", o.max_grad_norm);
}

Adam::Adam(Gpt2& model, const dfy_adam_options& options) : model_(&model), options_(options) {
    validate_adam_options(options);
    for (auto& p : model.parameters()) {
        p.tensor->set_requires_grad(true);
        names_.push_back(p.name);
        params_.push_back(*p.tensor);
        exp_avg_.push_back(at::zeros_like(*p.tensor));
        exp_avg_sq_.push_back(at::zeros_like(*p.tensor));
    }
}

void Adam::zero_grad() {
    for (auto& p : params_) {
        at::Tensor g = p.mutable_grad();
        if (g.defined()) g.zero_();
    }
}

double Adam::step() {
    c10::NoGradGuard no_grad;
    std::vector<at::Tensor> norms;
    for (auto& p : params_)
        if (p.grad().defined()) norms.push_back(p.grad().norm(2).unsqueeze(0));
    if (norms.empty()) fail(DFY_ERR_INTERNAL, "optimizer step without gradients");
    double norm = at::cat(norms).norm(2).item<double>();
    if (!std::isfinite(norm)) fail(DFY_ERR_INVALID_ARGUMENT, "gradient norm is not finite (", norm, "); update skipped");
    double scale = 1.0;
    if (options_.max_grad_norm > 0 && norm > options_.max_grad_norm) scale = options_.max_grad_norm / (norm + 1e-6);
    ++steps_;
    const double lr = options_.learning_rate;
    const double bias1 = 1 - std::pow(options_.beta1, double(steps_));
    const double bias2 = 1 - std::pow(options_.beta2, double(steps_));
    for (size_t i = 0; i < params_.size(); ++i) {
        at::Tensor g = params_[i].grad();
        if (!g.defined()) continue;
        if (scale != 1.0) g = g * scale;
        exp_avg_[i].mul_(options_.beta1).add_(g, 1 - options_.beta1);
        exp_avg_sq_[i].mul_(options_.beta2).addcmul_(g, g, 1 - options_.beta2);
        if (options_.weight_decay > 0) params_[i].mul_(1 - lr * options_.weight_decay);
        at::Tensor denom = (exp_avg_sq_[i] / bias2).sqrt_().add_(options_.eps);
        params_[i].addcdiv_(exp_avg_[i], denom, -lr / bias1);
    }
    return norm;
}

std::vector<std::pair<std::string, at::Tensor>> Adam::state() const {
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (size_t i = 0; i < names_.size(); ++i) {
        out.emplace_back("exp_avg." + names_[i], exp_avg_[i]);
        out.emplace_back("exp_avg_sq." + names_[i], exp_avg_sq_[i]);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

void Adam::restore(const std::vector<std::pair<std::string, at::Tensor>>& named, int64_t steps) {
    require(steps >= 0, "optimizer state: negative step count ", steps);
    auto find = [&named](const std::string& name) -> const at::Tensor& {
        for (const auto& [n, t] : named)
            if (n == name) return t;
        fail(DFY_ERR_FORMAT, "optimizer state: missing tensor '", name, "'");
    };
    for (size_t i = 0; i < names_.size(); ++i) {
        const at::Tensor& m = find("exp_avg." + names_[i]);
        const at::Tensor& v = find("exp_avg_sq." + names_[i]);
        if (m.sizes() != exp_avg_[i].sizes() || v.sizes() != exp_avg_sq_[i].sizes())
            fail(DFY_ERR_FORMAT, "optimizer state: moments of '", names_[i], "' have the wrong shape (another model?)");
    }
    c10::NoGradGuard no_grad;
    for (size_t i = 0; i < names_.size(); ++i) {
        exp_avg_[i].copy_(find("exp_avg." + names_[i]));
        exp_avg_sq_[i].copy_(find("exp_avg_sq." + names_[i]));
    }
    steps_ = steps;
}

}  // namespace dfy

namespace dfy {

Adam& adam_of(dfy_optimizer handle) {
    if (handle == nullptr) invalid("optimizer handle is NULL");
    if (handle->magic != dfy_optimizer_s::kLive || !handle->adam) invalid("optimizer handle is not live (freed or corrupt)");
    return *handle->adam;
}

Adam& adam_of(dfy_optimizer handle, const Gpt2& model) {
    Adam& adam = adam_of(handle);
    if (adam.model() != &model) invalid("optimizer was created for another model");
    return adam;
}

}  // namespace dfy
