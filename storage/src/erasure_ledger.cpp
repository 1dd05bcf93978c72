// The erasure ledger (see erasure_ledger.h): computed with the blind-index key's keyed hash, written through
// the Env like every other file of the store.

#include "erasure_ledger.h"

#include "atomic_file.h"

#include <secondline/privacy/blind_index.h>

#include <filesystem>
#include <sstream>

namespace secondline::storage::detail {

using core::ErrorCode;
using core::fail;
using core::Result;

namespace {

constexpr std::string_view kLedgerMagic = "secondline-erasures 1";
constexpr std::string_view kChainPurpose = "erasure-ledger";
constexpr std::string_view kTagPurpose = "erased-record";

std::string kindName(ErasureKind kind) {
    return kind == ErasureKind::Request ? "request" : "retention";
}

std::string nextChain(const core::SecretBytes& indexKey, const std::string& previous, const std::string& kind,
                      const std::string& tag) {
    return privacy::blindIndex(indexKey, kChainPurpose, previous + " " + kind + " " + tag);
}

core::Error invalid(const std::string& why) {
    return {ErrorCode::ErasureLedgerInvalid, "the erasure ledger " + why};
}

bool isHex32(const std::string& s) {
    return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

ErasureLedger emptyErasureLedger(const core::SecretBytes& indexKey, const std::string& storeId) {
    ErasureLedger ledger;
    ledger.storeId = storeId;
    ledger.chain.push_back(privacy::blindIndex(indexKey, kChainPurpose, std::string(kLedgerMagic) + " " + storeId));
    return ledger;
}

std::string erasureTag(const core::SecretBytes& indexKey, const std::string& storeId, core::RecordId recordId,
                       const std::string& createdUtc) {
    return privacy::blindIndex(indexKey, kTagPurpose,
                               storeId + " " + std::to_string(recordId.value()) + " " + createdUtc);
}

Result<std::vector<std::string>> erasureTagsOf(Database& db, const core::SecretBytes& indexKey,
                                               const std::string& storeId, const std::vector<core::RecordId>& ids) {
    std::vector<std::string> tags;
    tags.reserve(ids.size());
    auto q = db.prepare("SELECT created_utc FROM records WHERE id = ?;");
    if (!q) return fail(q.error());
    for (core::RecordId id : ids) {
        q->reset();
        q->bind(1, id);
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) return fail(ErrorCode::RecordNotFound, "no record with that id");
        tags.push_back(erasureTag(indexKey, storeId, id, q->text(0)));
    }
    return tags;
}

std::string encodeErasureLedger(const ErasureLedger& ledger) {
    std::string text = std::string(kLedgerMagic) + "\nstore " + ledger.storeId + "\n";
    for (std::size_t i = 0; i < ledger.entries(); ++i)
        text += ledger.kinds[i] + " " + ledger.tags[i] + " " + ledger.chain[i + 1] + "\n";
    return text;
}

Result<ErasureLedger> readErasureLedger(const std::string& ledgerPath, const core::SecretBytes& indexKey,
                                        const std::string& storeId) {
    std::error_code ec;
    if (!std::filesystem::exists(ledgerPath, ec)) return fail(ErrorCode::FileNotFound, "no erasure ledger there");
    auto text = readWholeFile(ledgerPath, kMaxErasureLedgerBytes);
    if (!text) return fail(text.error());
    std::istringstream in(*text);
    std::string line;
    if (!std::getline(in, line) || line != kLedgerMagic) return fail(invalid("has no ledger header"));
    if (!std::getline(in, line) || line.rfind("store ", 0) != 0) return fail(invalid("names no store"));
    if (line.substr(6) != storeId) return fail(invalid("belongs to another store"));
    ErasureLedger ledger = emptyErasureLedger(indexKey, storeId);
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::istringstream fields(line);
        std::string kind, tag, chain, extra;
        if (!(fields >> kind >> tag >> chain) || (fields >> extra) || (kind != "request" && kind != "retention") ||
            !isHex32(tag) || !isHex32(chain))
            return fail(invalid("is malformed at line " + std::to_string(number + 2)));
        if (nextChain(indexKey, ledger.head(), kind, tag) != chain)
            return fail(invalid("fails its chain at line " + std::to_string(number + 2)));
        ledger.kinds.push_back(std::move(kind));
        ledger.tags.push_back(std::move(tag));
        ledger.chain.push_back(std::move(chain));
    }
    if (!text->empty() && text->back() != '\n') return fail(invalid("ends in a partial line"));
    return ledger;
}

Result<ErasureLedger> currentErasureLedger(const std::string& ledgerPath, const core::SecretBytes& indexKey,
                                           const std::string& storeId) {
    auto ledger = readErasureLedger(ledgerPath, indexKey, storeId);
    if (!ledger && ledger.error().code == ErrorCode::FileNotFound) return emptyErasureLedger(indexKey, storeId);
    return ledger;
}

Result<std::size_t> appendErasures(const std::string& ledgerPath, const core::SecretBytes& indexKey,
                                   const std::string& storeId, ErasureKind kind, const std::vector<std::string>& tags) {
    auto ledger = currentErasureLedger(ledgerPath, indexKey, storeId);
    if (!ledger) return fail(ledger.error());
    if (tags.empty()) return ledger->entries();
    const std::string name = kindName(kind);
    for (const auto& tag : tags) {
        ledger->chain.push_back(nextChain(indexKey, ledger->head(), name, tag));
        ledger->kinds.push_back(name);
        ledger->tags.push_back(tag);
    }
    if (auto s = writeFileAtomically(ledgerPath, encodeErasureLedger(*ledger)); !s) return fail(s.error());
    return ledger->entries();
}

} // namespace secondline::storage::detail

namespace secondline::storage {

std::string erasureLedgerPath(const std::string& databasePath) {
    return databasePath + ".erasures";
}

} // namespace secondline::storage
