// The sign-in file (loginsPath()): failed sign-ins and lockouts, kept outside the database because they
// happen before it can be opened.

#include <secondline/storage/store.h>
#include <secondline/storage/users.h>

#include "atomic_file.h"
#include "schema.h"
#include "store_files.h"
#include "store_impl.h"

#include <nlohmann/json.hpp>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Status;

namespace {

constexpr std::size_t kMaxLoginsFileBytes = 1u << 20;
constexpr std::size_t kMaxPendingLogins = 1000;

constexpr std::string_view kLoginsFormat = "secondline-logins/1";

/// Reads the sign-in file; a missing or unreadable one is an empty one (it holds no secret, and losing it
/// loses only counts: failed sign-ins already written to the trail are not in it).
nlohmann::json readLogins(const std::string& storePath) {
    auto text = detail::readWholeFile(loginsPath(storePath), kMaxLoginsFileBytes);
    nlohmann::json j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != kLoginsFormat || !j.contains("users") ||
        !j["users"].is_object() || !j.contains("pending") || !j["pending"].is_array())
        j = {{"format", kLoginsFormat}, {"users", nlohmann::json::object()}, {"pending", nlohmann::json::array()}};
    return j;
}

void writeLogins(const std::string& storePath, const nlohmann::json& j) {
    core::ignoreResult(detail::writeFileAtomically(loginsPath(storePath), j.dump(1) + "\n"),
                       "the sign-in file is best effort: a refusal stands whether or not it is counted");
}

int intOr(const nlohmann::json& j, const char* key, int fallback) {
    return j.contains(key) && j[key].is_number_integer() ? j[key].get<int>() : fallback;
}

} // namespace

std::string loginsPath(const std::string& databasePath) {
    return databasePath + ".logins";
}

Status detail::checkLockout(const std::string& storePath, const std::string& user, core::TimePoint now) {
    const auto j = readLogins(storePath);
    if (!j["users"].contains(user) || !j["users"][user].is_object()) return {};
    const auto& u = j["users"][user];
    if (!u.contains("locked_until") || !u["locked_until"].is_string()) return {};
    const auto until = core::parseUtc(u["locked_until"].get<std::string>());
    if (until && now < *until)
        return fail(ErrorCode::AccountLocked,
                    "too many failed sign-ins: this account is locked until " + core::formatUtc(*until) + " (UTC)");
    return {};
}

void detail::recordFailedLogin(const std::string& storePath, const std::string& user, bool knownUser,
                               core::TimePoint now) {
    auto j = readLogins(storePath);
    const int maxFailed = intOr(j, "max_failed_logins", privacy::SessionRules{}.maxFailedLogins);
    const int lockoutMinutes = intOr(j, "lockout_minutes", privacy::SessionRules{}.lockoutMinutes);
    bool locked = false;
    if (knownUser) {
        auto& u = j["users"][user];
        if (!u.is_object()) u = nlohmann::json::object();
        const int failed = intOr(u, "failed", 0) + 1;
        u["failed"] = failed;
        if (failed >= maxFailed) {
            u["locked_until"] = core::formatUtc(now + std::chrono::minutes{lockoutMinutes});
            u["failed"] = 0;
            locked = true;
        }
    }
    auto& pending = j["pending"];
    if (pending.size() < kMaxPendingLogins)
        pending.push_back({{"user", knownUser ? user : std::string("(unknown)")},
                           {"time", core::formatUtc(now)},
                           {"locked", locked}});
    writeLogins(storePath, j);
}

std::vector<detail::FailedLogin> detail::pendingFailedLogins(const std::string& storePath) {
    const auto j = readLogins(storePath);
    std::vector<FailedLogin> out;
    for (const auto& p : j["pending"]) {
        if (!p.is_object() || !p.contains("user") || !p["user"].is_string() || !p.contains("time") ||
            !p["time"].is_string())
            continue;
        auto user = p["user"].get<std::string>();
        if (user != "(unknown)" && !validUserName(user)) user = "(unknown)";
        out.push_back(
            {user, core::parseUtc(p["time"].get<std::string>()).value_or(core::TimePoint{}), p.value("locked", false)});
    }
    return out;
}

void detail::forgetPendingFailedLogins(const std::string& storePath, std::size_t count) {
    auto j = readLogins(storePath);
    auto& pending = j["pending"];
    const auto n = std::min(count, pending.size());
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(n));
    writeLogins(storePath, j);
}

Status auditFailedSignIns(const std::string& path, const core::SecretBytes& rootKey, const core::Clock& clock) {
    const auto failures = detail::pendingFailedLogins(path);
    if (failures.empty()) return {};
    // The keys as open() gets them, without a user: the slot file authenticated under the root key, the
    // database key and the audit signing seed unsealed from it.
    auto file = detail::loadSlotFile(keySlotPath(path), rootKey);
    if (!file) return fail(file.error());
    if (file->version < 3 || !file->auditKey) return {}; // not migrated yet: the migrating sign-in writes them
    auto key = detail::databaseKeyOf(*file, rootKey);
    if (!key) return fail(key.error());
    auto seed = privacy::openSealedKey(rootKey, *file->auditKey, detail::auditKeyContext(file->storeId));
    if (!seed) return fail(seed.error());
    auto signer = privacy::AuditSigner::fromSeed(*seed);
    if (!signer) return fail(signer.error());
    auto db = detail::Database::open(path, *key, detail::Database::OpenMode::ReadWrite);
    if (!db) return fail(db.error());
    auto version = detail::metaValue(*db, "schema_version");
    if (!version) return fail(version.error());
    if (*version != std::to_string(kSchemaVersion)) return {};
    // Nothing is written into a database whose schema was altered (a trigger could drop the entries).
    if (auto s = detail::checkSchema(*db, kSchemaVersion); !s) return s;
    auto publicKey = detail::metaValue(*db, "audit_public_key");
    if (!publicKey) return fail(publicKey.error());
    if (*publicKey != signer->publicKeyHex())
        return fail(ErrorCode::StoreCorrupt, "the store's audit key does not match its store key");
    {
        auto tx = detail::Transaction::begin(*db);
        if (!tx) return fail(tx.error());
        for (const auto& failed : failures)
            if (auto s = detail::appendAudit(*db, clock, failed.user, "-",
                                             failed.locked ? privacy::AuditAction::SessionLocked
                                                           : privacy::AuditAction::SessionLoginFailed,
                                             std::nullopt, "session", "at " + core::formatUtc(failed.time), &*signer);
                !s)
                return s;
        if (auto s = tx->commit(); !s) return s;
    }
    detail::forgetPendingFailedLogins(path, failures.size());
    return {};
}

void detail::clearLoginFailures(const std::string& storePath, const std::string& user,
                                const privacy::SessionRules& rules) {
    auto j = readLogins(storePath);
    j["pending"] = nlohmann::json::array();
    j["users"].erase(user);
    j["max_failed_logins"] = rules.maxFailedLogins;
    j["lockout_minutes"] = rules.lockoutMinutes;
    writeLogins(storePath, j);
}

} // namespace secondline::storage
