// Error plumbing shared by every C ABI entry point: a status-carrying exception for
// validation failures, the thread-local last-error text, and the guard that keeps every
// C++ exception on this side of the boundary.
#pragma once

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "densify.h"

namespace dfy {

// Thrown for failures the caller can act on; carries the status returned across the ABI.
class Error : public std::runtime_error {
public:
    Error(dfy_status status, std::string message)
        : std::runtime_error(std::move(message)), status_(status) {}
    dfy_status status() const noexcept { return status_; }

private:
    dfy_status status_;
};

template <class... Parts>
std::string cat(Parts&&... parts) {
    std::ostringstream out;
    (out << ... << parts);
    return out.str();
}

template <class... Parts>
[[noreturn]] void fail(dfy_status status, Parts&&... parts) {
    throw Error(status, cat(std::forward<Parts>(parts)...));
}

template <class... Parts>
[[noreturn]] void invalid(Parts&&... parts) {
    fail(DFY_ERR_INVALID_ARGUMENT, std::forward<Parts>(parts)...);
}

template <class... Parts>
void require(bool condition, Parts&&... parts) {
    if (!condition) invalid(std::forward<Parts>(parts)...);
}

template <class T>
void require_pointer(const T* pointer, const char* name) {
    if (pointer == nullptr) invalid(name, " is NULL");
}

// a * b for non-negative sizes, failing instead of overflowing.
int64_t checked_mul(int64_t a, int64_t b, const char* what);

void set_last_error(const std::string& message) noexcept;
void clear_last_error() noexcept;
const char* last_error() noexcept;

// Translates any exception into a status and the thread-local message.
dfy_status translate_current_exception() noexcept;

template <class Body>
dfy_status guarded(Body&& body) noexcept {
    try {
        body();
        return DFY_OK;
    } catch (...) {
        return translate_current_exception();
    }
}

}  // namespace dfy
