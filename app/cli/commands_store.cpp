// secondline store init | check | rekey | backup | restore | escrow-keygen, user add | passwd | remove | list, ingest,
// records list | show | find | flag, flags list | update

#include "cli.h"

#include <secondline/capture/document_images.h>
#include <secondline/capture/mrz_reader.h>
#include <secondline/core/small_file.h>
#include <secondline/privacy/escrow.h>
#include <secondline/privacy/root_key_file.h>
#include <secondline/storage/store.h>

#include <document_json.h>
#include <password.h>
#include <record_images.h>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

namespace secondline::cli {

namespace {

const core::SystemClock kClock;

} // namespace

std::optional<storage::Store> openStore(const StoreOptions& o, int& rc, bool migrate) {
    auto password = app::readPassword(fmt::format("Password for {}: ", o.user), o.passwordStdin);
    if (!password) {
        printError(password.error());
        rc = kUsage;
        return std::nullopt;
    }
    storage::OpenOptions options;
    options.migrate = migrate;
    if (o.training) options.mode = storage::OpenOptions::Mode::Training;
    options.rootKeyFile = o.rootKey;
    auto store = storage::Store::open(storePath(o), o.user, *password, options, kClock);
    if (!store) {
        printError(store.error());
        rc = exitFor(store.error());
        return std::nullopt;
    }
    announceSignIn(store->breakGlassUntil(), store->purgeAtOpen());
    return std::move(*store);
}

int report(const core::Error& error) {
    printError(error);
    return exitFor(error);
}

namespace {

/// Reads a new password (twice when typed at a prompt).
core::Result<core::SecretBytes> readNewPassword(const std::string& prompt, bool fromStdin) {
    auto password = app::readPassword(prompt, fromStdin);
    if (!password) return password;
    if (!fromStdin) {
        auto again = app::readPassword("Repeat the password: ", false);
        if (!again || !again->equals(*password))
            return core::fail(core::ErrorCode::InvalidArgument, "the passwords do not match");
    }
    return password;
}

/// The Argon2id cost given by --kdf-ops and --kdf-mem-kib.
privacy::KdfParams kdfParams(const StoreOptions& o) {
    return {o.kdfOps, o.kdfMemKib * 1024};
}

struct InitArgs {
    StoreOptions store;
    bool testStore = false;
};

int runInit(const InitArgs& a) {
    auto password = readNewPassword(fmt::format("New password for {}: ", a.store.user), a.store.passwordStdin);
    if (!password) {
        printError(password.error());
        return kUsage;
    }
    storage::CreateOptions options;
    options.training = a.store.training;
    options.kdf = kdfParams(a.store);
    options.testStore = a.testStore;
    options.rootKeyFile = a.store.rootKey;
    const std::string path = storePath(a.store);
    if (auto s = storage::Store::create(path, a.store.user, *password, options, kClock); !s) {
        printError(s.error());
        return exitFor(s.error());
    }
    fmt::print("created {} store {} with administrator {}\n", a.store.training ? "training" : "production", path,
               a.store.user);
    return kOk;
}

struct UserAddArgs {
    StoreOptions store;
    std::string name;
    std::string role;
};

int runUserAdd(const UserAddArgs& a) {
    const auto role = privacy::roleFromName(a.role);
    if (!role) {
        printError(
            {core::ErrorCode::InvalidArgument, "role must be officer, supervisor, trainer, auditor or administrator"});
        return kUsage;
    }
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto password = app::readPassword(fmt::format("New password for {}: ", a.name), a.store.passwordStdin);
    if (!password) {
        printError(password.error());
        return kUsage;
    }
    if (auto s = session->addUser(a.name, *role, *password, kdfParams(a.store)); !s) {
        printError(s.error());
        return exitFor(s.error());
    }
    fmt::print("added {} as {}\n", a.name, a.role);
    return kOk;
}

struct UserPasswdArgs {
    StoreOptions store;
    std::string forUser; ///< empty: the signed-in user's own password
};

int runUserPasswd(const UserPasswdArgs& a) {
    const StoreOptions& o = a.store;
    int rc = kOk;
    auto session = openSession(o, rc);
    if (!session) return rc;
    auto password = readNewPassword("New password: ", o.passwordStdin);
    if (!password) {
        printError(password.error());
        return kUsage;
    }
    // Issue 18: an administrator sets another user's password (a new verifier) without theirs.
    if (auto s = a.forUser.empty() ? session->changePassword(*password, kdfParams(o))
                                   : session->setPassword(a.forUser, *password, kdfParams(o));
        !s) {
        printError(s.error());
        return exitFor(s.error());
    }
    fmt::print("password changed for {}\n", a.forUser.empty() ? o.user : a.forUser);
    return kOk;
}

struct UserRemoveArgs {
    StoreOptions store;
    std::string name;
};

int runUserRemove(const UserRemoveArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    if (auto s = session->removeUser(a.name); !s) {
        printError(s.error());
        return s.error().code == core::ErrorCode::UserNotFound ? kInvalid : exitFor(s.error());
    }
    std::cout << app::dumpLine({{"removed", a.name}}) << '\n';
    return kOk;
}

int runUserList(const StoreOptions& o) {
    int rc = kOk;
    auto session = openSession(o, rc);
    if (!session) return rc;
    auto users = session->listUsers();
    if (!users) {
        printError(users.error());
        return exitFor(users.error());
    }
    for (const auto& u : *users)
        std::cout << app::dumpLine({{"name", u.name},
                                    {"role", privacy::roleName(u.role)},
                                    {"created", core::formatUtc(u.created)},
                                    {"active", u.active}})
                  << '\n';
    return kOk;
}

struct IngestArgs {
    StoreOptions store;
    std::vector<std::string> images;
    std::string date;
    SourceReadArgs device;
};

/// The purpose of records ingested from the command line.
constexpr std::string_view kIngestPurpose = "secondary_inspection";

/// One reading with its images, saved as one encounter in one transaction: the record and its images are
/// stored together or not at all.
core::Result<storage::SavedEncounter> saveReading(client::Session& session, const validation::TravelDocument& document,
                                                  std::string source, std::vector<storage::ImageDraft> images) {
    storage::EncounterDraft draft;
    draft.document = document;
    draft.encounter.source = std::move(source);
    draft.encounter.purpose = std::string(kIngestPurpose);
    draft.images = std::move(images);
    return session.save(draft);
}

/// ingest from a scanner, camera or document reader: `count` documents, each stored with its images.
int ingestFromDevice(const IngestArgs& a, client::Session& session, capture::MrzReader& reader,
                     capture::DocumentImager* imager, std::chrono::sys_days today) {
    int rc = kOk;
    auto source = openReadSource(a.device, rc);
    if (!source) return rc;
    InterruptCancels interrupt(*source);
    for (int n = 0; n < documentsToRead(*source, a.device); ++n) {
        const auto r = captureDocument(*source, reader, a.device, today);
        nlohmann::json out = {{"source", source->info().id}, {"frames", r.frames}};
        if (!r.reading.found) {
            out["error"] = app::errorJson(r.error ? *r.error : *r.reading.error);
            if (r.reading.reason) out["reason"] = capture::readFailureName(*r.reading.reason);
            rc = std::max(rc, r.error ? exitFor(*r.error) : static_cast<int>(kInvalid));
        } else if (auto saved = saveReading(session, *r.reading.document, app::recordSourceName(source->info().kind),
                                            app::recordImages(session, kIngestPurpose, imager, r.image, r.reading));
                   !saved) {
            out["error"] = app::errorJson(saved.error());
            rc = std::max(rc, exitFor(saved.error()));
        } else {
            out["record_id"] = saved->recordId;
            out["valid"] = r.reading.document->valid();
            out["images"] = saved->imageIds.size();
            if (!r.reading.document->valid()) rc = std::max(rc, static_cast<int>(kInvalid));
            if (r.error) out["device_error"] = deviceErrorJson(*r.error);
        }
        std::cout << app::dumpLine(out) << '\n' << std::flush;
        if (r.error) {
            printDeviceError(*r.error);
            return std::max(rc, exitFor(*r.error));
        }
    }
    return rc;
}

int runIngest(const IngestArgs& a) {
    std::chrono::sys_days today{};
    if (!dateOption(a.date, "--date", today)) return kUsage;
    if (a.device.any() == !a.images.empty()) {
        printError({core::ErrorCode::InvalidArgument,
                    "give image files, or one of --camera, --video, --serial, --scanner (not both)"});
        return kUsage;
    }
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto reader = capture::MrzReader::create();
    if (!reader) {
        printError(reader.error());
        return kUsage;
    }
    auto imager = capture::DocumentImager::create();
    if (!imager) printError(imager.error()); // records are still stored, without their images
    if (a.device.any()) return ingestFromDevice(a, *session, *reader, imager ? &*imager : nullptr, today);
    Progress progress("reading", a.device.progress && a.images.size() > 1);
    std::size_t done = 0;
    for (const auto& path : a.images) {
        if (a.images.size() > 1) progress.count(done++, a.images.size());
        nlohmann::json out = {{"source", path}};
        auto image = capture::loadImage(path);
        if (!image) {
            out["error"] = app::errorJson(image.error());
            rc = std::max(rc, exitFor(image.error()));
        } else if (auto reading = reader->read(*image, {.inspectionDate = today}); !reading.found) {
            out["error"] = app::errorJson(*reading.error);
            rc = std::max(rc, static_cast<int>(kInvalid));
        } else if (auto saved = saveReading(
                       *session, *reading.document, "file",
                       // The squared-up document and the portrait go into the store
                       // (encrypted), nowhere else.
                       app::recordImages(*session, kIngestPurpose, imager ? &*imager : nullptr, *image, reading));
                   !saved) {
            out["error"] = app::errorJson(saved.error());
            rc = std::max(rc, exitFor(saved.error()));
        } else {
            out["record_id"] = saved->recordId;
            out["valid"] = reading.document->valid();
            out["images"] = saved->imageIds.size();
            if (!reading.document->valid()) rc = std::max(rc, static_cast<int>(kInvalid));
        }
        std::cout << app::dumpLine(out) << '\n' << std::flush;
    }
    return rc;
}

struct RecordsArgs {
    StoreOptions store;
    core::RecordId id{};
};

void printSummaries(const std::vector<storage::RecordSummary>& list) {
    for (const auto& r : list) {
        const nlohmann::json j = {{"id", r.id},
                                  {"created", core::formatUtc(r.created)},
                                  {"officer", r.officer},
                                  {"format", r.format},
                                  {"valid", r.valid}};
        std::cout << app::dumpLine(j) << '\n';
    }
}

int runRecordsList(const RecordsArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto list = session->listRecords();
    if (!list) {
        printError(list.error());
        return exitFor(list.error());
    }
    printSummaries(*list);
    return kOk;
}

struct FindArgs {
    StoreOptions store;
    std::string document; // STATE:NUMBER
    std::string name;
    std::string birth; // YYYY-MM-DD
};

int runRecordsFind(const FindArgs& a) {
    const bool byDocument = !a.document.empty();
    const bool byName = !a.name.empty() || !a.birth.empty();
    if (byDocument == byName || (byName && (a.name.empty() || a.birth.empty()))) {
        printError({core::ErrorCode::InvalidArgument,
                    "use --document STATE:NUMBER, or --name SURNAME with --birth YYYY-MM-DD"});
        return kUsage;
    }
    std::string state, number;
    if (byDocument) {
        const auto colon = a.document.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == a.document.size()) {
            printError({core::ErrorCode::InvalidArgument, "--document takes STATE:NUMBER, e.g. UTO:L898902C3"});
            return kUsage;
        }
        state = a.document.substr(0, colon);
        number = a.document.substr(colon + 1);
    } else {
        std::chrono::sys_days unused{};
        if (!dateOption(a.birth, "--birth", unused)) return kUsage;
    }
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto found = byDocument ? session->findByDocument(state, number) : session->findByNameAndBirth(a.name, a.birth);
    if (!found) {
        printError(found.error());
        return exitFor(found.error());
    }
    printSummaries(*found);
    return found->empty() ? kInvalid : kOk;
}

int runStoreCheck(const StoreOptions& o) {
    int rc = kOk;
    auto session = openSession(o, rc);
    if (!session) return rc;
    auto report = session->check();
    if (!report) {
        printError(report.error());
        return exitFor(report.error());
    }
    const nlohmann::json j = {{"ok", report->ok()},
                              {"integrity_check", report->integrityOk},
                              {"cipher_integrity_check", report->cipherIntegrityOk},
                              {"audit_chain", report->auditChainOk},
                              {"schema", report->schemaOk},
                              {"problems", report->problems}};
    std::cout << app::dumpLine(j) << '\n';
    return report->ok() ? kOk : kInvalid;
}

int runStoreRekey(const StoreOptions& o) {
    int rc = kOk;
    auto session = openSession(o, rc);
    if (!session) return rc;
    if (auto s = session->rekey(); !s) {
        printError(s.error());
        return exitFor(s.error());
    }
    std::cout << app::dumpLine({{"rekeyed", true}}) << '\n';
    return kOk;
}

struct BackupArgs {
    StoreOptions store;
    std::string file;
    std::string escrowKey;     ///< backup: the escrow public key, 64 hex digits
    std::string escrowKeyFile; ///< backup: a file holding it (the public key file, or the first line with it)
    std::string escrowSecret;  ///< restore: the escrow secret key file
    std::string erasures;      ///< restore: the erasure ledger (default: beside the new store)
    bool erasuresLost = false; ///< restore: the ledger is lost (the restored trail says so)
};

/// The escrow public key of `store backup`: --escrow-key HEX, or --escrow-key-file FILE holding the hex (a file
/// that `store escrow-keygen` wrote with --public-out, or any text whose first word is the key).
core::Result<std::string> escrowPublicKey(const BackupArgs& a) {
    if (a.escrowKeyFile.empty()) return a.escrowKey;
    std::string text;
    if (auto s = core::readSmallFile(a.escrowKeyFile, "escrow public key file", {.maxBytes = 4096}, text); !s)
        return core::fail(s.error());
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return core::fail(core::ErrorCode::InvalidArgument, "the escrow public key file is empty");
    const auto end = text.find_first_of(" \t\r\n", begin);
    return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

int runStoreBackup(const BackupArgs& a) {
    int rc = kOk;
    // Not migrated: an older store can be backed up before this version upgrades it.
    auto store = openStore(a.store, rc, false);
    if (!store) return rc;
    core::Result<storage::BackupReport> made = core::fail(core::ErrorCode::Internal, "no backup taken");
    if (!a.escrowKey.empty() || !a.escrowKeyFile.empty()) {
        // Sealed to the escrow key: no backup password.
        auto key = escrowPublicKey(a);
        if (!key) return report(key.error());
        made = store->maintenance().backupToEscrow(a.file, *key);
    } else {
        auto password = readNewPassword("New password for the backup: ", a.store.passwordStdin);
        if (!password) {
            printError(password.error());
            return kUsage;
        }
        made = store->maintenance().backup(a.file, *password, kdfParams(a.store));
    }
    if (!made) {
        printError(made.error());
        return exitFor(made.error());
    }
    nlohmann::json out = {{"backup", a.file},
                          {"schema", made->schema},
                          {"records", made->records},
                          {"bytes", made->bytes},
                          {"escrow", !made->escrowFingerprint.empty()},
                          {"erasure_ledger_entries", made->erasureLedgerEntries}};
    if (!made->escrowFingerprint.empty()) out["escrow_fingerprint"] = made->escrowFingerprint;
    std::cout << app::dumpLine(out) << '\n';
    return kOk;
}

int runStoreRestore(const BackupArgs& a) {
    const std::string path = storePath(a.store);
    const storage::RestoreOptions options{
        .rootKeyFile = a.store.rootKey, .erasureLedger = a.erasures, .erasureLedgerLost = a.erasuresLost};
    core::Result<storage::RestoreReport> restored = core::fail(core::ErrorCode::Internal, "nothing restored");
    if (!a.escrowSecret.empty()) {
        std::string text;
        if (auto s =
                core::readSmallFile(a.escrowSecret, "escrow secret key file", {.maxBytes = 4096, .secret = true}, text);
            !s)
            return report(s.error());
        auto keys = privacy::decodeEscrowKeyFile(text);
        privacy::wipeText(text);
        if (!keys) return report(keys.error());
        restored = storage::Store::restoreFromEscrow(a.file, *keys, path, kClock, options);
    } else {
        auto password = app::readPassword("Password of the backup: ", a.store.passwordStdin);
        if (!password) {
            printError(password.error());
            return kUsage;
        }
        restored = storage::Store::restoreWith(a.file, *password, path, kClock, options);
    }
    if (!restored) {
        printError(restored.error());
        return exitFor(restored.error());
    }
    nlohmann::json out = {{"restored", path},
                          {"schema", restored->schema},
                          {"training", restored->training},
                          {"records", restored->records},
                          {"escrow", !restored->escrowFingerprint.empty()},
                          {"erasure_ledger_found", restored->erasureLedgerFound},
                          {"erasure_ledger_entries", restored->erasureLedgerEntries},
                          {"erased_again", restored->erasedAgain}};
    if (!restored->escrowFingerprint.empty()) out["escrow_fingerprint"] = restored->escrowFingerprint;
    std::cout << app::dumpLine(out) << '\n';
    return kOk;
}

struct EscrowKeygenArgs {
    std::string out;       ///< the secret key file (never overwritten)
    std::string publicOut; ///< optionally, the public key alone, for --escrow-key-file
};

int runStoreEscrowKeygen(const EscrowKeygenArgs& a) {
    auto keys = privacy::newEscrowKeyPair();
    if (!keys) return report(keys.error());
    std::string text = privacy::encodeEscrowKeyFile(*keys);
    auto written = writeNewFile(a.out, text);
    privacy::wipeText(text);
    if (!written) return report(written.error());
    if (!a.publicOut.empty())
        if (auto s = writeNewFile(a.publicOut, keys->publicKeyHex + "\n"); !s) return report(s.error());
    nlohmann::json out = {{"secret_key_file", a.out},
                          {"public_key", keys->publicKeyHex},
                          {"fingerprint", privacy::escrowFingerprint(keys->publicKeyHex)}};
    if (!a.publicOut.empty()) out["public_key_file"] = a.publicOut;
    std::cout << app::dumpLine(out) << '\n';
    return kOk;
}

int runRecordsShow(const RecordsArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto rec = session->getRecord(a.id);
    if (!rec) {
        printError(rec.error());
        return rec.error().code == core::ErrorCode::RecordNotFound ? kInvalid : exitFor(rec.error());
    }
    nlohmann::json j = {{"id", rec->id},
                        {"created", core::formatUtc(rec->created)},
                        {"officer", rec->officer},
                        {"source", rec->encounter.source},
                        {"purpose", rec->encounter.purpose}};
    if (rec->encounter.encounterId)
        j["encounter"] = {{"id", *rec->encounter.encounterId},
                          {"location", rec->encounter.location},
                          {"desk", rec->encounter.desk},
                          {"outcome", rec->encounter.outcome},
                          {"notes", rec->encounter.notes}};
    j["document"] = app::documentJson(rec->document);
    if (auto images = session->images(a.id); images) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& im : *images)
            list.push_back({{"id", im.id},
                            {"kind", im.kind == storage::ImageKind::Portrait ? "portrait" : "document"},
                            {"media_type", im.mediaType},
                            {"width", im.width},
                            {"height", im.height},
                            {"bytes", im.data.size()}});
        j["images"] = std::move(list);
    }
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return kOk;
}

struct FlagArgs {
    StoreOptions store;
    core::RecordId recordId{};
    std::string reason;
    std::string referTo;
    std::string basis = "none";
};

int runRecordsFlag(const FlagArgs& a) {
    const auto basis = storage::referralBasisFrom(a.basis);
    if (!basis) {
        printError(
            {core::ErrorCode::InvalidArgument, "--basis must be fact, assessment, list_hit, chip_failure or none"});
        return kUsage;
    }
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    const auto kind = a.referTo.empty() ? storage::FlagKind::Review : storage::FlagKind::Referral;
    auto id =
        session->raiseFlag(a.recordId, {.kind = kind, .basis = *basis, .reason = a.reason, .referredTo = a.referTo});
    if (!id) {
        printError(id.error());
        return id.error().code == core::ErrorCode::RecordNotFound ? kInvalid : exitFor(id.error());
    }
    std::cout << app::dumpLine({{"flag_id", *id}, {"record_id", a.recordId}}) << '\n';
    return kOk;
}

struct FlagsListArgs {
    StoreOptions store;
    bool openOnly = false;
};

int runFlagsList(const FlagsListArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto flags = session->listFlags(a.openOnly);
    if (!flags) {
        printError(flags.error());
        return exitFor(flags.error());
    }
    for (const auto& f : *flags) {
        nlohmann::json history = nlohmann::json::array();
        for (const auto& e : f.history)
            history.push_back({{"time", core::formatUtc(e.time)},
                               {"user", e.user},
                               {"status", storage::flagStatusName(e.status)},
                               {"note", e.note}});
        nlohmann::json j = {{"id", f.id},
                            {"record_id", f.recordId},
                            {"kind", storage::flagKindName(f.kind)},
                            {"basis", storage::referralBasisName(f.basis)},
                            {"reason", f.reason},
                            {"status", storage::flagStatusName(f.status)},
                            {"history", std::move(history)}};
        if (f.kind == storage::FlagKind::Referral) j["referred_to"] = f.referredTo;
        std::cout << app::dumpLine(j) << '\n';
    }
    return kOk;
}

struct FlagUpdateArgs {
    StoreOptions store;
    core::FlagId flagId{};
    std::string status;
    std::string note;
};

int runFlagsUpdate(const FlagUpdateArgs& a) {
    const auto status = storage::flagStatusFrom(a.status);
    if (!status) {
        printError({core::ErrorCode::InvalidArgument, "--status must be open, resolved or dismissed"});
        return kUsage;
    }
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    if (auto s = session->updateFlag(a.flagId, *status, a.note); !s) {
        printError(s.error());
        return s.error().code == core::ErrorCode::RecordNotFound ? kInvalid : exitFor(s.error());
    }
    std::cout << app::dumpLine({{"flag_id", a.flagId}, {"status", a.status}}) << '\n';
    return kOk;
}

} // namespace

void registerStoreCommands(CLI::App& app, Context& ctx) {
    auto* store = app.add_subcommand("store", "Create and maintain the encrypted store");
    store->require_subcommand(1);
    auto init = std::make_shared<InitArgs>();
    auto* initCmd = store->add_subcommand("init", "Create a store and its first administrator (--user)");
    addStoreOptions(*initCmd, init->store);
    addKdfOptions(*initCmd, init->store);
    initCmd->add_flag("--test-store", init->testStore,
                      "For automated tests and throw-away demos only: a production store exempt, for good, from the "
                      "password rule and the Argon2id cost floor");
    initCmd->callback([init, &ctx] { ctx.exitCode = runInit(*init); });

    auto* user = app.add_subcommand("user", "Manage users (administrators)");
    user->require_subcommand(1);
    auto add = std::make_shared<UserAddArgs>();
    auto* addCmd = user->add_subcommand("add", "Add a user with their own key slot. Passwords, in order: yours, "
                                               "then the new user's");
    addSessionOptions(*addCmd, add->store);
    addKdfOptions(*addCmd, add->store);
    addCmd->add_option("name", add->name, "New user's name")->required();
    addCmd->add_option("--role", add->role, "officer, supervisor, trainer, auditor or administrator")->required();
    addCmd->callback([add, &ctx] { ctx.exitCode = runUserAdd(*add); });
    auto passwd = std::make_shared<UserPasswdArgs>();
    auto* passwdCmd = user->add_subcommand("passwd", "Change your password, or with --for another user's "
                                                     "(administrators). Passwords, in order: yours, then the new one");
    addSessionOptions(*passwdCmd, passwd->store);
    addKdfOptions(*passwdCmd, passwd->store);
    passwdCmd->add_option("--for", passwd->forUser, "Set this user's password (administrators)");
    passwdCmd->callback([passwd, &ctx] { ctx.exitCode = runUserPasswd(*passwd); });
    auto remove = std::make_shared<UserRemoveArgs>();
    auto* removeCmd = user->add_subcommand("remove", "Remove a user: their key slot is deleted, their records stay "
                                                     "(administrators; JSON; exit 1 when no such user)");
    addSessionOptions(*removeCmd, remove->store);
    removeCmd->add_option("name", remove->name, "User to remove")->required();
    removeCmd->callback([remove, &ctx] { ctx.exitCode = runUserRemove(*remove); });
    auto userList = std::make_shared<StoreOptions>();
    auto* userListCmd = user->add_subcommand("list", "Every user with role and whether they may sign in "
                                                     "(administrators; JSON lines)");
    addSessionOptions(*userListCmd, *userList);
    userListCmd->callback([userList, &ctx] { ctx.exitCode = runUserList(*userList); });

    auto ingest = std::make_shared<IngestArgs>();
    auto* ingestCmd = app.add_subcommand("ingest", "Read, validate and store documents from images or a device; "
                                                   "one JSON line per document with its record id or error");
    addSessionOptions(*ingestCmd, ingest->store);
    ingestCmd->add_option("images", ingest->images, "Image files");
    addSourceReadOptions(*ingestCmd, ingest->device);
    ingestCmd->add_option("--date", ingest->date, "Inspection date YYYY-MM-DD (default: today, UTC)");
    ingestCmd->callback([ingest, &ctx] { ctx.exitCode = runIngest(*ingest); });

    auto* records = app.add_subcommand("records", "Read stored records");
    records->require_subcommand(1);
    auto list = std::make_shared<RecordsArgs>();
    auto* listCmd = records->add_subcommand("list", "Summaries of the records you may see (JSON lines)");
    addSessionOptions(*listCmd, list->store);
    listCmd->callback([list, &ctx] { ctx.exitCode = runRecordsList(*list); });
    auto show = std::make_shared<RecordsArgs>();
    auto* showCmd = records->add_subcommand("show", "One record as JSON");
    addSessionOptions(*showCmd, show->store);
    addIdOption(*showCmd, "id", show->id, "Record id")->required();
    showCmd->callback([show, &ctx] { ctx.exitCode = runRecordsShow(*show); });
    auto find = std::make_shared<FindArgs>();
    auto* findCmd = records->add_subcommand("find", "Find records by document or by name and birth date (JSON lines; "
                                                    "exit 1 when none)");
    addSessionOptions(*findCmd, find->store);
    findCmd->add_option("--document", find->document, "STATE:NUMBER, e.g. UTO:L898902C3");
    findCmd->add_option("--name", find->name, "Surname");
    findCmd->add_option("--birth", find->birth, "Birth date YYYY-MM-DD");
    findCmd->callback([find, &ctx] { ctx.exitCode = runRecordsFind(*find); });
    auto flag = std::make_shared<FlagArgs>();
    auto* flagCmd = records->add_subcommand("flag", "Flag a record for a supervisor's review, or refer it with "
                                                    "--refer SERVICE (JSON; exit 1 when no such record)");
    addSessionOptions(*flagCmd, flag->store);
    addIdOption(*flagCmd, "id", flag->recordId, "Record id")->required();
    flagCmd->add_option("--reason", flag->reason, "Why (no personal data beyond what the record holds)")->required();
    flagCmd->add_option("--refer", flag->referTo, "Service the record is referred to");
    flagCmd->add_option("--basis", flag->basis,
                        "What the referral rests on: fact, assessment, list_hit, chip_failure or none (default)");
    flagCmd->callback([flag, &ctx] { ctx.exitCode = runRecordsFlag(*flag); });

    auto* flags = app.add_subcommand("flags", "Flags and referrals with their history");
    flags->require_subcommand(1);
    auto flagsList = std::make_shared<FlagsListArgs>();
    auto* flagsListCmd = flags->add_subcommand("list", "Flags you may see: all for supervisors, those on your own "
                                                       "records otherwise (JSON lines)");
    addSessionOptions(*flagsListCmd, flagsList->store);
    flagsListCmd->add_flag("--open", flagsList->openOnly, "Only open flags");
    flagsListCmd->callback([flagsList, &ctx] { ctx.exitCode = runFlagsList(*flagsList); });
    auto flagUpdate = std::make_shared<FlagUpdateArgs>();
    auto* flagUpdateCmd = flags->add_subcommand("update", "Move a flag to a new status with a note (supervisors; JSON; "
                                                          "exit 1 when no such flag)");
    addSessionOptions(*flagUpdateCmd, flagUpdate->store);
    addIdOption(*flagUpdateCmd, "id", flagUpdate->flagId, "Flag id")->required();
    flagUpdateCmd->add_option("--status", flagUpdate->status, "open, resolved or dismissed")->required();
    flagUpdateCmd->add_option("--note", flagUpdate->note, "The reviewer's note")->required();
    flagUpdateCmd->callback([flagUpdate, &ctx] { ctx.exitCode = runFlagsUpdate(*flagUpdate); });

    auto checkArgs = std::make_shared<StoreOptions>();
    auto* checkCmd = store->add_subcommand("check", "Check the store: integrity, page HMACs, audit chain (JSON)");
    addSessionOptions(*checkCmd, *checkArgs);
    checkCmd->callback([checkArgs, &ctx] { ctx.exitCode = runStoreCheck(*checkArgs); });

    auto rekeyArgs = std::make_shared<StoreOptions>();
    auto* rekeyCmd = store->add_subcommand("rekey", "Rotate the database key (administrators); users' passwords are "
                                                    "unchanged (JSON)");
    addSessionOptions(*rekeyCmd, *rekeyArgs);
    rekeyCmd->callback([rekeyArgs, &ctx] { ctx.exitCode = runStoreRekey(*rekeyArgs); });

    auto backup = std::make_shared<BackupArgs>();
    auto* backupCmd =
        store->add_subcommand("backup", "Write an encrypted backup to a new FILE (administrators), sealed "
                                        "to --escrow-key (required for a production store) or else "
                                        "under a backup password. Passwords, in order: yours, then "
                                        "the backup's (JSON)");
    addStoreOptions(*backupCmd, backup->store);
    addKdfOptions(*backupCmd, backup->store);
    backupCmd->add_option("file", backup->file, "Backup file to create (never overwritten)")->required();
    auto* escrowKeyOpt = backupCmd->add_option("--escrow-key", backup->escrowKey,
                                               "Seal the backup to this escrow public key (64 hex digits, from "
                                               "store escrow-keygen); no backup password is asked");
    backupCmd
        ->add_option("--escrow-key-file", backup->escrowKeyFile,
                     "As --escrow-key, read from a file (store escrow-keygen --public-out)")
        ->excludes(escrowKeyOpt);
    backupCmd->callback([backup, &ctx] { ctx.exitCode = runStoreBackup(*backup); });

    auto restore = std::make_shared<BackupArgs>();
    auto* restoreCmd = store->add_subcommand("restore", "Restore a backup FILE as a new store at --store, checked "
                                                        "record by record; records the erasure ledger names are "
                                                        "erased again. Key: --escrow-secret, or the backup's "
                                                        "password (JSON)");
    addStoreOptions(*restoreCmd, restore->store, false);
    restoreCmd->add_option("file", restore->file, "Backup file")->required();
    restoreCmd->add_option("--escrow-secret", restore->escrowSecret,
                           "The escrow secret key file (store escrow-keygen) of a backup sealed to an escrow key");
    restoreCmd->add_option("--erasures", restore->erasures,
                           "The erasure ledger of the backed-up store (default: <store>.erasures beside --store)");
    restoreCmd->add_flag("--erasures-lost", restore->erasuresLost,
                         "Restore although the erasure ledger the backup recorded is lost (the restored audit trail "
                         "says so; records erased since the backup come back)");
    restoreCmd->callback([restore, &ctx] { ctx.exitCode = runStoreRestore(*restore); });

    auto keygen = std::make_shared<EscrowKeygenArgs>();
    auto* keygenCmd = store->add_subcommand("escrow-keygen", "Make an escrow key pair for backups: the secret key to "
                                                             "a new FILE (0600, keep it offline), the public key "
                                                             "printed (JSON)");
    keygenCmd->add_option("--out", keygen->out, "Secret key file to create (never overwritten)")->required();
    keygenCmd->add_option("--public-out", keygen->publicOut, "Also write the public key alone to this new file");
    keygenCmd->callback([keygen, &ctx] { ctx.exitCode = runStoreEscrowKeygen(*keygen); });

    // These work on the store's files themselves, never through the service.
    for (auto* local : {initCmd, backupCmd, restoreCmd})
        local->footer("This command opens the store's files itself, never through the service: run it as the "
                      "account that owns the store (the service's, with the service stopped), or on a training or "
                      "test store of your own.\n");
}

} // namespace secondline::cli
