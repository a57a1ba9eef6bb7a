#include "safetensors.hpp"

#include <algorithm>
#include <cstring>

#include "common.hpp"
#include "json.hpp"

namespace dfy::safetensors {
namespace {

// Headers beyond this are rejected (the reference implementation uses 100 MB).
constexpr uint64_t kMaxHeader = 100u * 1024u * 1024u;

int64_t dtype_size(const std::string& dtype) {
    if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
    if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
    if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
    return 0;
}

uint64_t read_le64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

void write_le64(uint8_t* p, uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}

std::string header_text(const Tensors& tensors, const std::map<std::string, std::string>& metadata) {
    std::string out = "{";
    bool first = true;
    if (!metadata.empty()) {
        out += "\"__metadata__\":" + json::write_string_map(metadata);
        first = false;
    }
    int64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (!first) out += ',';
        first = false;
        json::write_string(out, name);
        out += ":{\"dtype\":\"F32\",\"shape\":[";
        for (int64_t d = 0; d < tensor.dim(); ++d) {
            if (d > 0) out += ',';
            out += std::to_string(tensor.size(d));
        }
        int64_t bytes = tensor.numel() * 4;
        out += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
        offset += bytes;
    }
    out += '}';
    // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
    while ((out.size() + 8) % 8 != 0) out += ' ';
    return out;
}

void check_sorted_unique(const Tensors& tensors) {
    for (size_t i = 1; i < tensors.size(); ++i)
        if (!(tensors[i - 1].first < tensors[i].first)) fail(DFY_ERR_INTERNAL, "tensor names not sorted/unique");
}

}  // namespace

View parse(const void* bytes, int64_t size) {
    if (bytes == nullptr) invalid("safetensors data is NULL");
    if (size < 8) fail(DFY_ERR_FORMAT, "safetensors: file of ", size, " bytes is shorter than its 8-byte header length");
    const auto* base = static_cast<const uint8_t*>(bytes);
    uint64_t header_len = read_le64(base);
    if (header_len > uint64_t(size - 8))
        fail(DFY_ERR_FORMAT, "safetensors: header length ", header_len, " runs past the end of the ", size, "-byte file");
    if (header_len > kMaxHeader) fail(DFY_ERR_FORMAT, "safetensors: header length ", header_len, " exceeds the 100 MB limit");
    std::string_view text(reinterpret_cast<const char*>(base + 8), size_t(header_len));
    json::Value header = json::parse(text, "safetensors header");
    if (header.kind != json::Value::Kind::Object) fail(DFY_ERR_FORMAT, "safetensors: header is not a JSON object");

    View view;
    view.data = base + 8 + header_len;
    view.data_size = size - 8 - int64_t(header_len);
    std::vector<std::pair<int64_t, int64_t>> ranges;
    for (const auto& [name, value] : header.object) {
        if (name == "__metadata__") {
            if (value.kind != json::Value::Kind::Object) fail(DFY_ERR_FORMAT, "safetensors: __metadata__ is not an object");
            for (const auto& [k, v] : value.object) {
                if (v.kind != json::Value::Kind::String)
                    fail(DFY_ERR_FORMAT, "safetensors: __metadata__ value of '", k, "' is not a string");
                view.metadata[k] = v.string;
            }
            continue;
        }
        if (value.kind != json::Value::Kind::Object) fail(DFY_ERR_FORMAT, "safetensors: entry '", name, "' is not an object");
        const json::Value* dtype = value.find("dtype");
        const json::Value* shape = value.find("shape");
        const json::Value* offsets = value.find("data_offsets");
        if (dtype == nullptr || dtype->kind != json::Value::Kind::String)
            fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' has no string dtype");
        if (shape == nullptr || shape->kind != json::Value::Kind::Array)
            fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' has no shape array");
        if (offsets == nullptr || offsets->kind != json::Value::Kind::Array || offsets->array.size() != 2)
            fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' needs data_offsets [begin, end]");
        Entry entry;
        entry.dtype = dtype->string;
        int64_t element = dtype_size(entry.dtype);
        if (element == 0) fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' has unknown dtype '", entry.dtype, "'");
        int64_t numel = 1;
        for (const auto& d : shape->array) {
            if (d.kind != json::Value::Kind::Number || !d.integral || d.integer < 0)
                fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' has a shape entry that is not a non-negative integer");
            entry.shape.push_back(d.integer);
            if (d.integer != 0 && numel > (int64_t(1) << 50) / d.integer)
                fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' shape is too large");
            numel *= d.integer;
        }
        for (const auto& o : offsets->array)
            if (o.kind != json::Value::Kind::Number || !o.integral || o.integer < 0)
                fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' has a data offset that is not a non-negative integer");
        entry.begin = offsets->array[0].integer;
        entry.end = offsets->array[1].integer;
        if (entry.begin > entry.end || entry.end > view.data_size)
            fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' data_offsets [", entry.begin, ", ", entry.end,
                 "] lie outside the ", view.data_size, "-byte data section");
        if (entry.end - entry.begin != numel * element)
            fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' spans ", entry.end - entry.begin, " bytes but its ",
                 entry.dtype, " shape needs ", numel * element);
        if (entry.end > entry.begin) ranges.emplace_back(entry.begin, entry.end);
        view.tensors.emplace(name, std::move(entry));
    }
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i)
        if (ranges[i].first < ranges[i - 1].second)
            fail(DFY_ERR_FORMAT, "safetensors: tensor data ranges overlap at byte ", ranges[i].first);
    return view;
}

at::Tensor read_float(const View& view, const std::string& name, const Entry& entry) {
    at::ScalarType type;
    if (entry.dtype == "F32") type = at::kFloat;
    else if (entry.dtype == "F16") type = at::kHalf;
    else if (entry.dtype == "BF16") type = at::kBFloat16;
    else fail(DFY_ERR_FORMAT, "safetensors: tensor '", name, "' has dtype ", entry.dtype, "; expected F32, F16 or BF16");
    // Copy rather than wrap: the image may be unaligned and is only borrowed for the call.
    at::Tensor out = at::empty(entry.shape, at::TensorOptions().dtype(type));
    if (entry.end > entry.begin) std::memcpy(out.data_ptr(), view.data + entry.begin, size_t(entry.end - entry.begin));
    return type == at::kFloat ? out : out.to(at::kFloat);
}

int64_t image_size(const Tensors& tensors, const std::map<std::string, std::string>& metadata) {
    check_sorted_unique(tensors);
    int64_t total = 8 + int64_t(header_text(tensors, metadata).size());
    for (const auto& [name, tensor] : tensors) total += tensor.numel() * 4;
    return total;
}

int64_t write(const Tensors& tensors, const std::map<std::string, std::string>& metadata, uint8_t* buffer,
              int64_t capacity) {
    int64_t need = image_size(tensors, metadata);
    if (buffer == nullptr) invalid("buffer is NULL");
    if (capacity < need) invalid("buffer of ", capacity, " bytes is smaller than the ", need, "-byte image");
    std::string header = header_text(tensors, metadata);
    write_le64(buffer, header.size());
    std::memcpy(buffer + 8, header.data(), header.size());
    uint8_t* cursor = buffer + 8 + header.size();
    for (const auto& [name, tensor] : tensors) {
        at::Tensor cpu = tensor.to(at::kCPU, at::kFloat).contiguous();
        size_t bytes = size_t(cpu.numel()) * 4;
        if (bytes > 0) std::memcpy(cursor, cpu.data_ptr<float>(), bytes);
        cursor += bytes;
    }
    return need;
}

}  // namespace dfy::safetensors
