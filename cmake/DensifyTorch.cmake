# Finds libtorch: Debian's libtorch-dev by default, or whatever CMAKE_PREFIX_PATH names
# (e.g. `python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'`).
find_package(Torch REQUIRED)
if(NOT Torch_VERSION AND DEFINED TORCH_VERSION)
  set(Torch_VERSION "${TORCH_VERSION}")
endif()
# TORCH_CXX_FLAGS carries the C++ ABI define that must match the library.
separate_arguments(DFY_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")
