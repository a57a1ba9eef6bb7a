#!/usr/bin/env bash
# Type-checks the fused-attention branch of native/src/gpt2.cpp (compiled only against libtorch
# >= 2.0) on a machine with libtorch 1.13: the 2.x declaration comes from sdpa_2x_stub.h and the
# branch is forced on. Syntax only: nothing is linked or run.
set -euo pipefail
cd "$(dirname "$0")/../.."
inc=${DFY_TORCH_INCLUDE:-/usr/include}
extra=()
[ "$inc" = /usr/include ] || extra=(-isystem "$inc")  # a system directory must stay last in the search
"${CXX:-c++}" -std=c++17 -fsyntax-only -Wall -Wextra -Wno-unused-parameter -DDFY_FUSED_ATTENTION=1 \
  -include native/tests/sdpa_2x_stub.h -I native/include -I native/src -I native/cuda \
  "${extra[@]}" -isystem "$inc/torch/csrc/api/include" native/src/gpt2.cpp
echo "fused attention branch: syntax OK against the declared 2.x signature"
