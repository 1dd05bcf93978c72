#pragma once
// The store's schema: version 1 as created, and the forward-only migrations up to kSchemaVersion. Private to
// storage; used by Store::create, Store::open and Store::restore.

#include "sqlite.h"

#include <secondline/privacy/audit.h>
#include <secondline/privacy/policy.h>
#include <secondline/storage/store.h>

#include <string>

namespace secondline::storage::detail {

/// The schema a store is created with (version 1); migrate() then brings it up to kSchemaVersion.
extern const char* const kSchemaV1;

/// What a migration step may use besides the database.
struct MigrationContext {
    const core::SecretBytes& indexKey;
    const privacy::AuditSigner* signer = nullptr; ///< signs the entries of steps to schema 4 and later
    std::string user{};                           ///< who runs the migration
    std::string nowUtc{};                         ///< when (from the store's clock)
};

/// Runs the steps above `from`, each in its own transaction with its meta update and audit entry.
[[nodiscard]] core::Status migrate(Database& db, int from, const MigrationContext& ctx, const core::Clock& clock,
                                   const std::string& user, privacy::Role role);

/// Refuses a database whose schema objects (tables, indexes, triggers, views, with their SQL) are not exactly
/// those SecondLine creates for schema `version`: a trigger planted to drop audit entries, a view, an extra
/// table or index, or a table redefined. The expected set is what the creation script and the migrations up
/// to `version` produce on an empty in-memory database. Errors: StoreTampered (the message names the kind
/// and name of the first difference, never data), Database.
[[nodiscard]] core::Status checkSchema(Database& db, int version);

/// The meta table's value for `key`. Errors: StoreNotAStore when there is none.
[[nodiscard]] core::Result<std::string> metaValue(Database& db, const char* key);

} // namespace secondline::storage::detail
