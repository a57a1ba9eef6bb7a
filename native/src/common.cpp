#include "common.hpp"

#include <limits>
#include <new>

#include <c10/util/Exception.h>

namespace dfy {
namespace {
thread_local std::string tls_last_error;

// libtorch messages end with a C++ backtrace that means nothing to a Java caller.
std::string first_lines(const char* text) {
    std::string message(text == nullptr ? "" : text);
    auto cut = message.find("\nException raised from");
    if (cut != std::string::npos) message.resize(cut);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return message;
}
}  // namespace

int64_t checked_mul(int64_t a, int64_t b, const char* what) {
    if (a < 0 || b < 0) invalid(what, " is negative");
    if (a != 0 && b > std::numeric_limits<int64_t>::max() / a) invalid(what, " overflows 64 bits");
    return a * b;
}

void set_last_error(const std::string& message) noexcept {
    try {
        tls_last_error = message;
    } catch (...) {
        // Out of memory while recording an error: keep whatever text was there.
    }
}

void clear_last_error() noexcept { tls_last_error.clear(); }

const char* last_error() noexcept { return tls_last_error.c_str(); }

dfy_status translate_current_exception() noexcept {
    try {
        throw;
    } catch (const Error& e) {
        set_last_error(e.what());
        return e.status();
    } catch (const c10::OutOfMemoryError& e) {
        set_last_error("out of memory: " + first_lines(e.what_without_backtrace()));
        return DFY_ERR_OUT_OF_MEMORY;
    } catch (const c10::Error& e) {
        std::string message = first_lines(e.what_without_backtrace());
        // The CPU allocator reports a failed allocation as a plain enforce failure.
        const size_t at = message.find("you tried to allocate ");
        if (message.find("can't allocate memory") != std::string::npos && at != std::string::npos) {
            const std::string bytes = message.substr(at + 22, message.find(' ', at + 22) - (at + 22));
            set_last_error("out of memory: libtorch could not allocate " + bytes + " bytes of host memory for this call");
            return DFY_ERR_OUT_OF_MEMORY;
        }
        bool device = message.find("CUDA") != std::string::npos || message.find("cuda") != std::string::npos;
        set_last_error((device ? "device error: " : "libtorch error: ") + message);
        return device ? DFY_ERR_DEVICE : DFY_ERR_INTERNAL;
    } catch (const std::bad_alloc&) {
        set_last_error("out of memory (host allocation failed)");
        return DFY_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_last_error(std::string("internal error: ") + e.what());
        return DFY_ERR_INTERNAL;
    } catch (...) {
        set_last_error("internal error: unknown exception");
        return DFY_ERR_INTERNAL;
    }
}

}  // namespace dfy
