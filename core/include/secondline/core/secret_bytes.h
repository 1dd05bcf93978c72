#pragma once
// SecretBytes: key material in guarded memory (libsodium's sodium_malloc: guard pages, canary, excluded
// from core dumps where the OS allows, mlock'ed). The bytes are PROT_NONE except while a scoped accessor is
// alive, and wiped when freed. Move-only. Not thread-safe: one thread owns a SecretBytes at a time.
//
// Fails closed. When the kernel refuses a page-protection change, no key byte is left readable:
// allocate() (and random(), copyOf()) fail with ErrorCode::Crypto if the new buffer cannot be made
// PROT_NONE; opening an accessor aborts the process (std::abort) if the buffer cannot be made readable or
// writable, since an accessor has no error channel; and closing the last accessor wipes the bytes and aborts
// if the buffer cannot be made PROT_NONE again. A pointer or span taken from an accessor is valid only while
// that accessor lives: reading through it afterwards faults (SIGSEGV).

#include <secondline/core/result.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace secondline::core {

class SecretBytes {
public:
    /// An empty secret (size 0, owns nothing).
    SecretBytes() noexcept = default;
    ~SecretBytes();
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    /// Guarded, zero-filled buffer of `size` bytes, PROT_NONE until an accessor opens it. Fails with Crypto
    /// when libsodium cannot start, guarded memory is exhausted, or the buffer cannot be protected.
    [[nodiscard]] static Result<SecretBytes> allocate(std::size_t size);
    /// Guarded buffer filled from the OS CSPRNG.
    [[nodiscard]] static Result<SecretBytes> random(std::size_t size);
    /// Guarded copy of `bytes` (the caller wipes its own copy).
    [[nodiscard]] static Result<SecretBytes> copyOf(std::span<const std::uint8_t> bytes);

    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] bool empty() const noexcept { return m_size == 0; }

    /// Read access for the accessor's lifetime. Accessors nest; the memory is locked again when the
    /// last one goes away. Aborts the process if the kernel refuses to open or to re-lock the memory.
    class ReadAccess {
    public:
        ~ReadAccess();
        ReadAccess(const ReadAccess&) = delete;
        ReadAccess& operator=(const ReadAccess&) = delete;
        [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept;

    private:
        friend class SecretBytes;
        explicit ReadAccess(const SecretBytes& owner);
        const SecretBytes& m_owner;
    };

    /// Write access for the accessor's lifetime. Aborts the process like ReadAccess on a protection failure.
    class WriteAccess {
    public:
        ~WriteAccess();
        WriteAccess(const WriteAccess&) = delete;
        WriteAccess& operator=(const WriteAccess&) = delete;
        [[nodiscard]] std::span<std::uint8_t> bytes() const noexcept;

    private:
        friend class SecretBytes;
        explicit WriteAccess(SecretBytes& owner);
        SecretBytes& m_owner;
    };

    [[nodiscard]] ReadAccess read() const { return ReadAccess(*this); }
    [[nodiscard]] WriteAccess write() { return WriteAccess(*this); }

    /// True when both hold the same bytes (constant time for equal sizes).
    [[nodiscard]] bool equals(const SecretBytes& other) const;

private:
    void release() noexcept;
    void openFor(bool writable) const;
    void close() const;

    std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
    mutable int m_readers = 0;
    mutable bool m_writable = false;
};

} // namespace secondline::core
