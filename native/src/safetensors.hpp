// safetensors (https://github.com/huggingface/safetensors) reading from a caller-owned
// byte image and writing into a caller-owned buffer. Every offset and size in a file is
// checked before any byte behind it is touched.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>

namespace dfy::safetensors {

struct Entry {
    std::string dtype;
    std::vector<int64_t> shape;
    int64_t begin = 0;  // relative to the start of the data section
    int64_t end = 0;
};

struct View {
    std::map<std::string, std::string> metadata;
    std::map<std::string, Entry> tensors;
    const uint8_t* data = nullptr;
    int64_t data_size = 0;
};

// Validates the header of [bytes, bytes + size); throws DFY_ERR_FORMAT on any problem.
View parse(const void* bytes, int64_t size);

// Copies one tensor out of the image as float32 on the CPU (F32, F16 and BF16 accepted).
at::Tensor read_float(const View& view, const std::string& name, const Entry& entry);

// Named float32 tensors written in name order after a header holding the metadata.
using Tensors = std::vector<std::pair<std::string, at::Tensor>>;
int64_t image_size(const Tensors& tensors, const std::map<std::string, std::string>& metadata);
int64_t write(const Tensors& tensors, const std::map<std::string, std::string>& metadata,
              uint8_t* buffer, int64_t capacity);

}  // namespace dfy::safetensors
