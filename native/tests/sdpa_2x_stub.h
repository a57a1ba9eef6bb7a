// Only for native/tests/fused_syntax_check.sh: libtorch 2.x's declaration of
// at::scaled_dot_product_attention (as in 2.7's ATen/ops/scaled_dot_product_attention.h, whose
// exported symbol is (Tensor, Tensor, Tensor, optional<Tensor>, double, bool, optional<double>,
// bool)), so the fused branch of gpt2.cpp is type-checked on a libtorch 1.13 machine. 2.0 lacks
// the last two parameters; the call passes only the first six.
#pragma once
#include <ATen/ATen.h>
namespace at {
at::Tensor scaled_dot_product_attention(const at::Tensor& query, const at::Tensor& key, const at::Tensor& value,
                                        const c10::optional<at::Tensor>& attn_mask = {}, double dropout_p = 0.0,
                                        bool is_causal = false, c10::optional<double> scale = c10::nullopt,
                                        bool enable_gqa = false);
}
