// A small strict JSON reader and string writer, enough for safetensors headers and the
// metadata that Java hands over. Depth-limited so hostile input cannot blow the stack.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dfy::json {

struct Value {
    enum class Kind { Null, Bool, Number, String, Array, Object };
    Kind kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    bool integral = false;  // the literal had no fraction or exponent
    int64_t integer = 0;    // valid when integral and in range
    std::string string;
    std::vector<Value> array;
    std::vector<std::pair<std::string, Value>> object;  // in document order, keys unique

    const Value* find(std::string_view key) const;
};

// Parses a whole document; throws dfy::Error(DFY_ERR_FORMAT) naming `what` and the offset.
Value parse(std::string_view text, const char* what);

// Appends a JSON string literal (quotes and escapes) to out.
void write_string(std::string& out, std::string_view text);

// Serialises an object of string values, keys sorted, for deterministic files.
std::string write_string_map(const std::map<std::string, std::string>& values);

}  // namespace dfy::json
