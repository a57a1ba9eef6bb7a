#include "json.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common.hpp"

namespace dfy::json {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
public:
    Parser(std::string_view text, const char* what) : text_(text), what_(what) {}

    Value document() {
        skip_space();
        Value value = parse_value(0);
        skip_space();
        if (pos_ != text_.size()) error("unexpected trailing characters");
        return value;
    }

private:
    [[noreturn]] void error(const char* problem) {
        fail(DFY_ERR_FORMAT, what_, ": invalid JSON at byte ", pos_, ": ", problem);
    }

    void skip_space() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
            ++pos_;
    }

    bool consume(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    void expect_word(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) error("unknown literal");
        pos_ += word.size();
    }

    Value parse_value(int depth) {
        if (depth > kMaxDepth) error("nesting too deep");
        if (pos_ >= text_.size()) error("unexpected end");
        Value value;
        char c = text_[pos_];
        if (c == '{') {
            value.kind = Value::Kind::Object;
            ++pos_;
            skip_space();
            if (consume('}')) return value;
            for (;;) {
                skip_space();
                if (pos_ >= text_.size() || text_[pos_] != '"') error("expected a string key");
                std::string key = parse_string();
                if (value.find(key) != nullptr) error("duplicate key");
                skip_space();
                if (!consume(':')) error("expected ':'");
                skip_space();
                value.object.emplace_back(std::move(key), parse_value(depth + 1));
                skip_space();
                if (consume('}')) return value;
                if (!consume(',')) error("expected ',' or '}'");
            }
        }
        if (c == '[') {
            value.kind = Value::Kind::Array;
            ++pos_;
            skip_space();
            if (consume(']')) return value;
            for (;;) {
                skip_space();
                value.array.push_back(parse_value(depth + 1));
                skip_space();
                if (consume(']')) return value;
                if (!consume(',')) error("expected ',' or ']'");
            }
        }
        if (c == '"') {
            value.kind = Value::Kind::String;
            value.string = parse_string();
            return value;
        }
        if (c == 't') {
            expect_word("true");
            value.kind = Value::Kind::Bool;
            value.boolean = true;
            return value;
        }
        if (c == 'f') {
            expect_word("false");
            value.kind = Value::Kind::Bool;
            return value;
        }
        if (c == 'n') {
            expect_word("null");
            return value;
        }
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
        error("unexpected character");
    }

    Value parse_number() {
        size_t start = pos_;
        bool integral = true;
        consume('-');
        if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) error("bad number");
        if (text_[pos_] == '0') {
            ++pos_;
        } else {
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        }
        if (consume('.')) {
            integral = false;
            if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) error("bad fraction");
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            integral = false;
            ++pos_;
            if (!consume('+')) consume('-');
            if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) error("bad exponent");
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        }
        std::string literal(text_.substr(start, pos_ - start));
        Value value;
        value.kind = Value::Kind::Number;
        value.number = std::strtod(literal.c_str(), nullptr);
        if (integral) {
            errno = 0;
            char* end = nullptr;
            long long parsed = std::strtoll(literal.c_str(), &end, 10);
            if (errno == 0 && end != nullptr && *end == '\0') {
                value.integral = true;
                value.integer = parsed;
            }
        }
        return value;
    }

    unsigned hex4() {
        if (pos_ + 4 > text_.size()) error("short \\u escape");
        unsigned code = 0;
        for (int i = 0; i < 4; ++i) {
            char h = text_[pos_++];
            code <<= 4;
            if (h >= '0' && h <= '9') code |= unsigned(h - '0');
            else if (h >= 'a' && h <= 'f') code |= unsigned(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') code |= unsigned(h - 'A' + 10);
            else error("bad \\u escape");
        }
        return code;
    }

    static void append_utf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out += char(code);
        } else if (code < 0x800) {
            out += char(0xC0 | (code >> 6));
            out += char(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += char(0xE0 | (code >> 12));
            out += char(0x80 | ((code >> 6) & 0x3F));
            out += char(0x80 | (code & 0x3F));
        } else {
            out += char(0xF0 | (code >> 18));
            out += char(0x80 | ((code >> 12) & 0x3F));
            out += char(0x80 | ((code >> 6) & 0x3F));
            out += char(0x80 | (code & 0x3F));
        }
    }

    std::string parse_string() {
        ++pos_;  // opening quote
        std::string out;
        for (;;) {
            if (pos_ >= text_.size()) error("unterminated string");
            char c = text_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) error("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) error("unterminated escape");
            char e = text_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned code = hex4();
                    if (code >= 0xD800 && code <= 0xDBFF) {
                        if (!(consume('\\') && consume('u'))) error("unpaired surrogate");
                        unsigned low = hex4();
                        if (low < 0xDC00 || low > 0xDFFF) error("bad surrogate pair");
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    } else if (code >= 0xDC00 && code <= 0xDFFF) {
                        error("unpaired surrogate");
                    }
                    append_utf8(out, code);
                    break;
                }
                default: error("unknown escape");
            }
        }
    }

    std::string_view text_;
    const char* what_;
    size_t pos_ = 0;
};

}  // namespace

const Value* Value::find(std::string_view key) const {
    for (const auto& [k, v] : object)
        if (k == key) return &v;
    return nullptr;
}

Value parse(std::string_view text, const char* what) { return Parser(text, what).document(); }

void write_string(std::string& out, std::string_view text) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (char c : text) {
        unsigned char u = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (u < 0x20) {
                    out += "\\u00";
                    out += hex[u >> 4];
                    out += hex[u & 0xF];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

std::string write_string_map(const std::map<std::string, std::string>& values) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : values) {
        if (!first) out += ',';
        first = false;
        write_string(out, k);
        out += ':';
        write_string(out, v);
    }
    out += '}';
    return out;
}

}  // namespace dfy::json
