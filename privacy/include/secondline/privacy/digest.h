#pragma once
// A content digest (unkeyed BLAKE2b-256) for integrity manifests, e.g. the record-by-record manifest a
// backup carries and a restore recomputes. Not a MAC: whatever needs authenticity is covered by a MAC too.
//
//   privacy::ContentDigest d;
//   d.update(a);
//   d.update(b);
//   std::string hex = d.finishHex();

#include <cstddef>
#include <string>
#include <string_view>

namespace secondline::privacy {

class ContentDigest {
public:
    ContentDigest();
    /// Feeds bytes; call in any slices, the result depends only on the concatenation.
    void update(std::string_view bytes);
    /// Feeds a field with its length first, so ("ab","c") and ("a","bc") differ.
    void updateField(std::string_view field);
    /// The 64-character hex digest. The object may not be fed afterwards.
    [[nodiscard]] std::string finishHex();

private:
    alignas(64) unsigned char m_state[384];
};

} // namespace secondline::privacy
