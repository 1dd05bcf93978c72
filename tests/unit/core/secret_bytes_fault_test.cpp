// Issue 17: SecretBytes fails closed when the kernel refuses to change a page's protection. The test
// executable defines libsodium's three page-protection functions itself: the core library is linked
// statically into it, so its calls bind to these definitions, which pass through to libsodium's own (found
// with dlsym(RTLD_NEXT)) unless a test has asked the next call of that kind to fail. A separate executable,
// so no other test runs with them.

#include <secondline/core/secret_bytes.h>

#include <test_support.h>

#include <dlfcn.h>
#include <unistd.h>
#include <sodium.h>

#include <gtest/gtest.h>

#include <array>
#include <csignal>
#include <atomic>
#include <cstring>

namespace {

enum Protection { NoAccess, ReadOnly, ReadWrite, kProtections };
std::array<std::atomic<bool>, kProtections> g_failNext{};

int passThrough(Protection which, const char* name, void* ptr) {
    if (g_failNext[which].exchange(false)) return -1;
    using Fn = int (*)(void*);
    static std::array<Fn, kProtections> real{};
    if (!real[which]) real[which] = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
    if (!real[which]) std::abort();
    return real[which](ptr);
}

} // namespace

extern "C" int sodium_mprotect_noaccess(void* ptr) {
    return passThrough(NoAccess, "sodium_mprotect_noaccess", ptr);
}
extern "C" int sodium_mprotect_readonly(void* ptr) {
    return passThrough(ReadOnly, "sodium_mprotect_readonly", ptr);
}
extern "C" int sodium_mprotect_readwrite(void* ptr) {
    return passThrough(ReadWrite, "sodium_mprotect_readwrite", ptr);
}

using secondline::core::ErrorCode;
using secondline::core::SecretBytes;

// Death tests first (gtest runs *DeathTest suites before the others), each in a re-executed child.
TEST(SecretBytesFaultDeathTest, AnAccessorThatCannotOpenThePageStopsBeforeAnyByteIsUsed) {
    auto run = [](Protection which, bool writable) {
        auto secret = SecretBytes::copyOf(std::array<std::uint8_t, 4>{1, 2, 3, 4});
        if (!secret) std::exit(3);
        g_failNext[which] = true;
        if (writable) {
            auto access = secret->write();
            std::exit(access.bytes()[0] == 1 ? 0 : 4); // reached only if the failure went unnoticed
        }
        auto access = secret->read();
        std::exit(access.bytes()[0] == 1 ? 0 : 4);
    };
    EXPECT_DEATH(run(ReadOnly, false), "");
    EXPECT_DEATH(run(ReadWrite, true), "");
}

const volatile std::uint8_t* g_seen = nullptr;

extern "C" void reportWipe(int) {
    // In the dying child: the page is still readable (hiding it failed); say whether the secret was wiped.
    const bool wiped = g_seen[0] == 0 && g_seen[1] == 0 && g_seen[2] == 0 && g_seen[3] == 0;
    const char* text = wiped ? "secret wiped\n" : "secret still readable\n";
    if (write(2, text, std::strlen(text)) < 0) _exit(5);
    _exit(6);
}

TEST(SecretBytesFaultDeathTest, APageThatCannotBeHiddenAgainIsWipedAndTheProcessStops) {
    auto run = [] {
        auto secret = SecretBytes::copyOf(std::array<std::uint8_t, 4>{9, 9, 9, 9});
        if (!secret) std::exit(3);
        std::signal(SIGABRT, reportWipe);
        {
            auto access = secret->read();
            g_seen = access.bytes().data();
            g_failNext[NoAccess] = true;
        } // close(): the page cannot go back to no access
        std::exit(0);
    };
    EXPECT_DEATH(run(), "secret wiped");
}

TEST(SecretBytesFault, AllocationThatCannotHideThePageHandsOutNothing) {
    g_failNext[NoAccess] = true;
    auto secret = SecretBytes::allocate(32);
    EXPECT_ERROR_CODE(secret, ErrorCode::Crypto);
    g_failNext[NoAccess] = true;
    EXPECT_ERROR_CODE(SecretBytes::random(32), ErrorCode::Crypto);
    g_failNext[NoAccess] = true;
    EXPECT_ERROR_CODE(SecretBytes::copyOf(std::array<std::uint8_t, 3>{1, 2, 3}), ErrorCode::Crypto);
    // With page protection working again, the same calls succeed: the failures above were the injected ones.
    EXPECT_OK(SecretBytes::allocate(32));
    auto copied = SecretBytes::copyOf(std::array<std::uint8_t, 3>{1, 2, 3});
    ASSERT_OK(copied);
    EXPECT_EQ(copied->read().bytes()[2], 3);
}
