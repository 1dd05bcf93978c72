#include <secondline/core/secret_bytes.h>

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace secondline::core {

namespace {
bool ensureSodium() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}
} // namespace

SecretBytes::~SecretBytes() {
    release();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        release();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

void SecretBytes::release() noexcept {
    if (m_data != nullptr) {
        sodium_free(m_data); // unlocks, wipes and unmaps, even when PROT_NONE
        m_data = nullptr;
        m_size = 0;
    }
}

Result<SecretBytes> SecretBytes::allocate(std::size_t size) {
    if (!ensureSodium()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    SecretBytes secret;
    if (size == 0) return secret;
    void* p = sodium_malloc(size);
    if (p == nullptr) return fail(ErrorCode::Crypto, "guarded memory exhausted");
    secret.m_data = static_cast<std::uint8_t*>(p);
    secret.m_size = size;
    sodium_memzero(secret.m_data, size);
    // Fail closed: a secret that cannot be hidden is never handed out (`secret` frees the buffer).
    if (sodium_mprotect_noaccess(secret.m_data) != 0) return fail(ErrorCode::Crypto, "cannot protect guarded memory");
    return secret;
}

Result<SecretBytes> SecretBytes::random(std::size_t size) {
    auto secret = allocate(size);
    if (!secret) return secret;
    {
        auto access = secret->write();
        randombytes_buf(access.bytes().data(), access.bytes().size());
    }
    return secret;
}

Result<SecretBytes> SecretBytes::copyOf(std::span<const std::uint8_t> bytes) {
    auto secret = allocate(bytes.size());
    if (!secret) return secret;
    if (!bytes.empty()) {
        auto access = secret->write();
        std::memcpy(access.bytes().data(), bytes.data(), bytes.size());
    }
    return secret;
}

void SecretBytes::openFor(bool writable) const {
    if (m_data == nullptr) return;
    if (m_readers++ == 0 || (writable && !m_writable)) {
        const int rc = writable ? sodium_mprotect_readwrite(m_data) : sodium_mprotect_readonly(m_data);
        // An accessor has no error channel, and a caller going on would read or write a page it cannot
        // touch: stop here, before any key byte is used.
        if (rc != 0) std::abort();
        m_writable = writable;
    }
}

void SecretBytes::close() const {
    if (m_data == nullptr) return;
    if (--m_readers == 0) {
        if (sodium_mprotect_noaccess(m_data) != 0) {
            // The key would stay readable for the rest of the process: wipe it (the page is readable, and
            // writable if the kernel lets us) and stop, rather than go on with a secret in the open.
            if (m_writable || sodium_mprotect_readwrite(m_data) == 0) sodium_memzero(m_data, m_size);
            std::abort();
        }
        m_writable = false;
    }
}

bool SecretBytes::equals(const SecretBytes& other) const {
    if (m_size != other.m_size) return false;
    if (m_size == 0) return true;
    auto a = read();
    auto b = other.read();
    return sodium_memcmp(a.bytes().data(), b.bytes().data(), m_size) == 0;
}

SecretBytes::ReadAccess::ReadAccess(const SecretBytes& owner) : m_owner(owner) {
    m_owner.openFor(false);
}
SecretBytes::ReadAccess::~ReadAccess() {
    m_owner.close();
}
std::span<const std::uint8_t> SecretBytes::ReadAccess::bytes() const noexcept {
    return {m_owner.m_data, m_owner.m_size};
}

SecretBytes::WriteAccess::WriteAccess(SecretBytes& owner) : m_owner(owner) {
    m_owner.openFor(true);
}
SecretBytes::WriteAccess::~WriteAccess() {
    m_owner.close();
}
std::span<std::uint8_t> SecretBytes::WriteAccess::bytes() const noexcept {
    return {m_owner.m_data, m_owner.m_size};
}

} // namespace secondline::core
