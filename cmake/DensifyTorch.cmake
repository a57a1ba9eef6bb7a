# Finds libtorch: Debian's libtorch-dev by default, or whatever CMAKE_PREFIX_PATH names
# (e.g. `python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'`).
find_package(Torch REQUIRED)
if(NOT Torch_VERSION AND DEFINED TORCH_VERSION)
  set(Torch_VERSION "${TORCH_VERSION}")
endif()
# TORCH_CXX_FLAGS carries the C++ ABI define that must match the library.
separate_arguments(DFY_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")

# Data-parallel training needs libtorch's c10d with Gloo: ProcessGroupGloo.hpp (shipped by both
# Debian's libtorch-dev and PyTorch's wheels) and the gloo headers it includes (Debian: libgloo-dev).
# Without them the library still builds; dfy_group_create then reports that it is unavailable.
option(DFY_DISTRIBUTED "Build data-parallel groups when c10d's Gloo headers are found" ON)
set(DFY_DISTRIBUTED_FOUND OFF)
if(DFY_DISTRIBUTED)
  find_path(DFY_C10D_GLOO_HEADER torch/csrc/distributed/c10d/ProcessGroupGloo.hpp
            HINTS ${TORCH_INCLUDE_DIRS})
  find_path(DFY_GLOO_HEADER gloo/config.h HINTS ${TORCH_INCLUDE_DIRS})
  if(DFY_C10D_GLOO_HEADER AND DFY_GLOO_HEADER)
    set(DFY_DISTRIBUTED_FOUND ON)
    set(DFY_DISTRIBUTED_INCLUDE_DIRS "${DFY_GLOO_HEADER}")
    # libtorch defines these when it is built with c10d and Gloo; its headers hide the classes otherwise.
    set(DFY_DISTRIBUTED_DEFINITIONS DFY_DISTRIBUTED USE_C10D_GLOO USE_DISTRIBUTED)
    message(STATUS "densify: data-parallel groups with c10d/Gloo (gloo headers in ${DFY_GLOO_HEADER})")
  else()
    message(STATUS "densify: no c10d/Gloo headers (libgloo-dev?): data-parallel groups disabled")
  endif()
else()
  message(STATUS "densify: data-parallel groups disabled (DFY_DISTRIBUTED=OFF)")
endif()
