#!/usr/bin/env bash
# GPU check, run on a machine with a CUDA GPU and a CUDA-enabled PyTorch (see README):
# builds the CUDA variant against the libtorch inside PyTorch, runs the C ABI tests (which
# compare CUDA with CPU on the same weights) and the parity check against transformers.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${DFY_GPU_BUILD:-build/cuda}
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
cmake -S native -B "$build" -DDFY_CUDA=ON -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  ${CMAKE_CUDA_ARCHITECTURES:+-DCMAKE_CUDA_ARCHITECTURES=$CMAKE_CUDA_ARCHITECTURES} $( command -v ninja >/dev/null && echo -G Ninja )
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -V
for device in cpu cuda:0; do
  python3 native/tests/hf_parity.py "$build/libdensify.so" "$device" --bench
done
