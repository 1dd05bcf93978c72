#include <secondline/privacy/digest.h>

#include <sodium.h>

#include <cstdint>
#include <cstdlib>

namespace secondline::privacy {

static_assert(sizeof(crypto_generichash_state) <= 384 && alignof(crypto_generichash_state) <= 64);

namespace {
crypto_generichash_state* state(unsigned char* raw) {
    return reinterpret_cast<crypto_generichash_state*>(raw);
}
} // namespace

ContentDigest::ContentDigest() : m_state{} {
    // sodium_init() is idempotent and thread-safe; generichash needs no CPU feature setup to be correct.
    if (sodium_init() < 0) std::abort();
    crypto_generichash_init(state(m_state), nullptr, 0, 32);
}

void ContentDigest::update(std::string_view bytes) {
    crypto_generichash_update(state(m_state), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

void ContentDigest::updateField(std::string_view field) {
    const std::string length = std::to_string(field.size()) + ":";
    update(length);
    update(field);
}

std::string ContentDigest::finishHex() {
    unsigned char out[32];
    crypto_generichash_final(state(m_state), out, sizeof out);
    std::string hex(sizeof out * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), out, sizeof out);
    hex.pop_back();
    return hex;
}

} // namespace secondline::privacy
