// secondline policy show | load | check, purge, retention report, audit verify | export | checkpoint,
// subject export, records close | rectify | hold | release | erase, share keygen | export | open, breakglass

#include "cli.h"

#include <secondline/privacy/audit.h>
#include <secondline/privacy/policy.h>
#include <secondline/privacy/sharing.h>
#include <secondline/privacy/trusted_keys.h>

#include <document_json.h>

#include <fmt/core.h>

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace secondline::cli {

namespace {

using core::ErrorCode;
using nlohmann::json;

/// Reads a whole input file of at most `maxBytes`.
core::Result<std::string> readInput(const std::string& path, std::size_t maxBytes, const char* what) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return core::fail(ErrorCode::FileNotFound, std::string("no such ") + what + " file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > maxBytes)
        return core::fail(ErrorCode::InvalidArgument, std::string("the ") + what + " file is too large");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return core::fail(ErrorCode::Io, std::string("cannot read the ") + what + " file");
    return text.str();
}

/// The workstation keys to trust for a file signed elsewhere (a sharing package, an audit export): one key from
/// `--public-key HEX`, or a trust-store file (privacy/trusted_keys.h). Never the key written in the file itself.
core::Result<privacy::TrustedKeys> trustedKeys(const std::string& publicKey, const std::string& trustStore,
                                               const char* command) {
    if (!trustStore.empty()) {
        auto text = readInput(trustStore, std::size_t{1} << 20, "trust store");
        if (!text) return core::fail(text.error());
        return privacy::TrustedKeys::parse(*text);
    }
    if (!publicKey.empty()) return privacy::TrustedKeys::single(publicKey, "--public-key");
    return core::fail(ErrorCode::InvalidArgument, std::string(command) +
                                                      " needs the signing workstation's key to trust: --public-key "
                                                      "HEX or --trust-store FILE");
}

/// Writes `text` to a new owner-only file, or to stdout when `path` is empty or "-".
int writeOutput(const std::string& path, const std::string& text) {
    if (path.empty() || path == "-") {
        std::cout << text << std::flush;
        return kOk;
    }
    if (auto s = writeNewFile(path, text); !s) return report(s.error());
    return kOk;
}

json policySummary(const privacy::Policy& p) {
    json purposes = json::array();
    for (const auto& purpose : p.purposes())
        purposes.push_back({{"name", purpose.name}, {"legal_basis", purpose.legalBasis}, {"profile", purpose.profile}});
    json agreements = json::array();
    for (const auto& a : p.agreements())
        agreements.push_back({{"name", a.name},
                              {"recipient", a.recipient},
                              {"purpose", a.purpose},
                              {"legal_reference", a.legalReference},
                              {"fields", a.fields}});
    json retention = json::array();
    for (const auto& r : p.retentionRules()) retention.push_back({{"outcome", r.outcome}, {"days", r.days}});
    return {{"name", p.name()},
            {"version", p.version()},
            {"hash", p.hash()},
            {"purposes", purposes},
            {"retention", retention},
            {"default_retention_days", p.defaultRetentionDays()},
            {"sharing", agreements},
            {"sessions",
             {{"max_failed_logins", p.sessions().maxFailedLogins},
              {"lockout_minutes", p.sessions().lockoutMinutes},
              {"idle_minutes", p.sessions().idleMinutes}}}};
}

// ---- policy ------------------------------------------------------------------------------------------------

struct PolicyArgs {
    StoreOptions store;
    std::string file;
    bool text = false;
};

int runPolicyShow(const PolicyArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    if (a.text) {
        std::cout << session->policy().text();
        return kOk;
    }
    std::cout << app::dumpLine(policySummary(session->policy())) << '\n';
    return kOk;
}

int runPolicyCheck(const PolicyArgs& a) {
    auto text = readInput(a.file, privacy::kMaxPolicyBytes + 1, "policy");
    if (!text) return report(text.error());
    auto pack = privacy::Policy::parse(*text);
    if (!pack) {
        std::cout << app::dumpLine({{"valid", false}, {"error", app::errorJson(pack.error())}}) << '\n';
        printError(pack.error());
        return kInvalid;
    }
    std::cout << app::dumpLine(
                     {{"valid", true}, {"name", pack->name()}, {"version", pack->version()}, {"hash", pack->hash()}})
              << '\n';
    return kOk;
}

int runPolicyLoad(const PolicyArgs& a) {
    auto text = readInput(a.file, privacy::kMaxPolicyBytes + 1, "policy");
    if (!text) return report(text.error());
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    if (auto s = session->loadPolicy(*text); !s) return report(s.error());
    std::cout << app::dumpLine({{"loaded", session->policy().name()},
                                {"version", session->policy().version()},
                                {"hash", session->policy().hash()}})
              << '\n';
    return kOk;
}

// ---- retention -----------------------------------------------------------------------------------------------

struct PurgeArgs {
    StoreOptions store;
    bool dryRun = false;
};

int runPurge(const PurgeArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto r = session->purge(a.dryRun);
    if (!r) return report(r.error());
    std::cout << app::dumpLine({{"dry_run", a.dryRun},
                                {"erased", r->erased},
                                {"images", r->images},
                                {"encounters", r->encounters},
                                {"held", r->held},
                                {"record_ids", r->erasedIds}})
              << '\n';
    return kOk;
}

int runRetentionReport(const StoreOptions& o) {
    int rc = kOk;
    auto session = openSession(o, rc);
    if (!session) return rc;
    auto rows = session->retentionReport();
    if (!rows) return report(rows.error());
    for (const auto& r : *rows)
        std::cout << app::dumpLine({{"outcome", r.outcome},
                                    {"days", r.days ? json(*r.days) : json(nullptr)},
                                    {"records", r.records},
                                    {"expired", r.expired},
                                    {"within_7_days", r.within7},
                                    {"within_30_days", r.within30},
                                    {"later", r.later},
                                    {"held", r.held},
                                    {"next", r.next ? json(core::formatUtc(*r.next)) : json(nullptr)}})
                  << '\n';
    return kOk;
}

// ---- audit ----------------------------------------------------------------------------------------------------

struct AuditArgs {
    StoreOptions store;
    std::string checkpoint;
    std::string exportFile;
    std::string publicKey;
    std::string trustStore;
    std::string out;
};

json trailCheckJson(const privacy::TrailCheck& c) {
    return {{"ok", c.ok},
            {"entries", c.entries},
            {"signed", c.signedEntries},
            {"first_bad_sequence", c.firstBadSequence ? json(*c.firstBadSequence) : json(nullptr)},
            {"problem", c.problem}};
}

int runAuditVerify(const AuditArgs& a) {
    std::optional<privacy::AuditCheckpoint> checkpoint;
    if (!a.checkpoint.empty()) {
        auto text = readInput(a.checkpoint, 64 * 1024, "checkpoint");
        if (!text) return report(text.error());
        auto c = privacy::decodeCheckpoint(*text);
        if (!c) return report(c.error());
        checkpoint = std::move(*c);
    }
    privacy::TrailCheck check;
    std::optional<std::string> signer;
    if (!a.exportFile.empty()) {
        // Offline: an exported trail, checked against the keys the auditor trusts (--public-key or --trust-store),
        // never against the key written in the export, which a forger writes too. A checkpoint's key must be the
        // same trusted key (verifyTrail).
        auto trusted = trustedKeys(a.publicKey, a.trustStore, "audit verify --export");
        if (!trusted) return report(trusted.error());
        auto text = readInput(a.exportFile, std::size_t{1} << 30, "audit export");
        if (!text) return report(text.error());
        auto trail = privacy::decodeAuditExport(*text, *trusted);
        if (!trail) {
            std::cout << app::dumpLine({{"ok", false}, {"problem", trail.error().message}}) << '\n';
            printError(trail.error());
            return kInvalid;
        }
        signer = trusted->find(trail->publicKeyHex)->name;
        if (checkpoint && checkpoint->storeId != trail->storeId) {
            check.ok = false;
            check.problem = "the checkpoint belongs to another store";
        } else {
            check = privacy::verifyTrail(trail->entries, {trail->publicKeyHex, trail->signedFrom},
                                         checkpoint ? &*checkpoint : nullptr);
        }
    } else {
        int rc = kOk;
        auto session = openSession(a.store, rc);
        if (!session) return rc;
        auto c = session->verifyAudit(checkpoint ? &*checkpoint : nullptr);
        if (!c) return report(c.error());
        check = *c;
    }
    auto out = trailCheckJson(check);
    if (signer) out["signer"] = *signer;
    std::cout << app::dumpLine(out) << '\n';
    if (!check.ok) {
        fmt::print(stderr, "secondline: audit trail does NOT verify: {}\n", check.problem);
        return kInvalid;
    }
    return kOk;
}

int runAuditExport(const AuditArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto text = session->exportAudit();
    if (!text) return report(text.error());
    return writeOutput(a.out, *text);
}

int runAuditCheckpoint(const AuditArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto text = session->auditCheckpoint();
    if (!text) return report(text.error());
    return writeOutput(a.out, *text);
}

// ---- subject rights ------------------------------------------------------------------------------------------

struct SubjectArgs {
    StoreOptions store;
    std::string document;
    std::string out;
};

/// "UTO:L898902C3" into state and number.
bool splitDocument(const std::string& text, std::string& state, std::string& number) {
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) return false;
    state = text.substr(0, colon);
    number = text.substr(colon + 1);
    return true;
}

int runSubjectExport(const SubjectArgs& a) {
    std::string state;
    std::string number;
    if (!splitDocument(a.document, state, number))
        return report({ErrorCode::InvalidArgument, "--document is STATE:NUMBER"});
    std::error_code ec;
    if (std::filesystem::exists(a.out, ec))
        return report({ErrorCode::InvalidArgument, "the output folder exists; it is never overwritten"});
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto data = session->exportSubject(state, number);
    if (!data) return report(data.error());
    if (::mkdir(a.out.c_str(), 0700) != 0) return report({ErrorCode::Io, "cannot create the output folder"});
    json records = json::array();
    for (const auto& r : data->records) {
        json history = json::array();
        for (const auto& h : r.history)
            history.push_back({{"time", core::formatUtc(h.time)},
                               {"user", h.user},
                               {"field", h.field},
                               {"old_value", h.oldValue},
                               {"new_value", h.newValue},
                               {"reason", h.reason}});
        json rec = app::documentJson(r.document);
        records.push_back({{"record_id", r.id},
                           {"created", core::formatUtc(r.created)},
                           {"officer", r.officer},
                           {"purpose", r.encounter.purpose},
                           {"outcome", r.encounter.outcome},
                           {"location", r.encounter.location},
                           {"notes", r.encounter.notes},
                           {"legal_hold", r.legalHold},
                           {"document", rec},
                           {"rectifications", history}});
    }
    json images = json::array();
    int n = 0;
    for (const auto& [recordId, image] : data->images) {
        const std::string name = fmt::format("record-{}-{}-{}.{}", recordId.value(),
                                             image.kind == storage::ImageKind::Portrait ? "portrait" : "document", ++n,
                                             image.mediaType == "image/png" ? "png" : "jpg");
        if (auto s = writeNewFile(a.out + "/" + name, std::string_view(reinterpret_cast<const char*>(image.data.data()),
                                                                       image.data.size()));
            !s)
            return report(s.error());
        images.push_back({{"record_id", recordId}, {"file", name}, {"width", image.width}, {"height", image.height}});
    }
    json flags = json::array();
    for (const auto& f : data->flags)
        flags.push_back({{"record_id", f.recordId},
                         {"kind", f.kind == storage::FlagKind::Referral ? "referral" : "review"},
                         {"reason", f.reason},
                         {"referred_to", f.referredTo}});
    json disclosures = json::array();
    for (const auto& d : data->disclosures)
        disclosures.push_back({{"record_id", d.recordId},
                               {"time", core::formatUtc(d.time)},
                               {"user", d.user},
                               {"agreement", d.agreement},
                               {"recipient", d.recipient},
                               {"purpose", d.purpose},
                               {"legal_reference", d.legalReference},
                               {"fields", d.fields}});
    json access = json::array();
    for (const auto& e : data->accessLog)
        access.push_back({{"time", core::formatUtc(e.time)},
                          {"user", e.userName},
                          {"role", e.role},
                          {"action", e.action},
                          {"record_id", *e.recordId},
                          {"purpose", e.purpose}});
    const json subject = {{"format", "secondline-subject-access/1"},
                          {"policy", session->policy().name() + " " + session->policy().version()},
                          {"records", records},
                          {"images", images},
                          {"flags", flags},
                          {"disclosures", disclosures},
                          {"access_log", access}};
    if (auto s = writeNewFile(a.out + "/subject.json", subject.dump(2) + "\n"); !s) return report(s.error());
    std::cout << app::dumpLine({{"out", a.out},
                                {"records", data->records.size()},
                                {"images", data->images.size()},
                                {"disclosures", data->disclosures.size()},
                                {"access_log", data->accessLog.size()}})
              << '\n';
    return kOk;
}

struct RecordArgs {
    StoreOptions store;
    core::RecordId id{};
    std::string field;
    std::string value;
    std::string reason;
    std::string outcome;
};

int runRectify(const RecordArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    if (auto s = session->rectify(a.id, a.field, a.value, a.reason); !s) return report(s.error());
    std::cout << app::dumpLine({{"record_id", a.id}, {"rectified", a.field}}) << '\n';
    return kOk;
}

int runClose(const RecordArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto rec = session->getRecord(a.id);
    if (!rec) return report(rec.error());
    const auto encounter = rec->encounter.encounterId.value_or(core::EncounterId{});
    if (auto s = session->closeEncounter(encounter, a.outcome); !s) return report(s.error());
    std::cout << app::dumpLine({{"record_id", a.id}, {"encounter_id", encounter}, {"outcome", a.outcome}}) << '\n';
    return kOk;
}

int runHold(const RecordArgs& a, bool hold) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    if (auto s = session->setLegalHold(a.id, hold, a.reason); !s) return report(s.error());
    std::cout << app::dumpLine({{"record_id", a.id}, {"legal_hold", hold}}) << '\n';
    return kOk;
}

int runErase(const RecordArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    if (auto s = session->erase(a.id, a.reason); !s) return report(s.error());
    std::cout << app::dumpLine({{"record_id", a.id}, {"erased", true}}) << '\n';
    return kOk;
}

// ---- sharing ------------------------------------------------------------------------------------------------

struct ShareArgs {
    StoreOptions store;
    core::RecordId id{};
    std::string agreement;
    std::string justification;
    std::string out;
    std::string file;
    std::string key;
    std::string senderKey;
    std::string trustStore;
};

int runShareKeygen(const ShareArgs& a) {
    auto keys = privacy::newShareKeyPair();
    if (!keys) return report(keys.error());
    if (auto s = writeNewFile(a.out, privacy::encodeShareKeyFile(*keys)); !s) return report(s.error());
    std::cout << app::dumpLine({{"key_file", a.out}, {"public_key", keys->publicKeyHex}}) << '\n';
    return kOk;
}

int runShareExport(const ShareArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    // The workstation key first: a package is never written without the key its recipient checks it with.
    auto workstationKey = session->auditPublicKey();
    if (!workstationKey) return report(workstationKey.error());
    auto package = session->share(a.id, a.agreement, a.justification);
    if (!package) return report(package.error());
    if (auto s = writeNewFile(a.out, *package); !s) return report(s.error());
    std::cout << app::dumpLine({{"record_id", a.id},
                                {"agreement", a.agreement},
                                {"out", a.out},
                                {"workstation_key", *workstationKey}})
              << '\n';
    return kOk;
}

int runShareOpen(const ShareArgs& a) {
    auto keyText = readInput(a.key, 64 * 1024, "key");
    if (!keyText) return report(keyText.error());
    auto keys = privacy::decodeShareKeyFile(*keyText);
    if (!keys) return report(keys.error());
    auto trusted = trustedKeys(a.senderKey, a.trustStore, "share open");
    if (!trusted) return report(trusted.error());
    auto text = readInput(a.file, 4u << 20, "sharing package");
    if (!text) return report(text.error());
    auto opened = privacy::openShare(*text, *keys, *trusted);
    if (!opened) return report(opened.error());
    const auto& p = opened->payload;
    json fields = json::object();
    for (const auto& [name, value] : p.fields) fields[name] = value;
    std::cout << app::dumpLine({{"agreement", p.agreement},
                                {"recipient", p.recipient},
                                {"purpose", p.purpose},
                                {"legal_reference", p.legalReference},
                                {"sender_store", p.storeId},
                                {"sender_key", p.senderPublicKeyHex},
                                {"sender_name", opened->senderName},
                                {"created", core::formatUtc(p.created)},
                                {"record_id", p.recordId},
                                {"fields", fields}})
              << '\n';
    return kOk;
}

// ---- break-glass --------------------------------------------------------------------------------------------

struct BreakGlassArgs {
    StoreOptions store;
    std::string reason;
    int minutes = 30;
};

int runBreakGlass(const BreakGlassArgs& a) {
    int rc = kOk;
    auto session = openSession(a.store, rc);
    if (!session) return rc;
    auto until = session->breakGlass(a.reason, a.minutes);
    if (!until) return report(until.error());
    fmt::print(stderr,
               "secondline: BREAK-GLASS opened for {} until {} (UTC); the reason and every access are "
               "in the audit trail\n",
               a.store.user, core::formatUtc(*until));
    std::cout << app::dumpLine({{"user", a.store.user}, {"until", core::formatUtc(*until)}}) << '\n';
    return kOk;
}

} // namespace

void registerPrivacyCommands(CLI::App& app, Context& ctx) {
    auto* policy = app.add_subcommand("policy", "The policy pack: roles, purposes, retention, minimization, sharing");
    policy->require_subcommand(1);
    auto policyArgs = std::make_shared<PolicyArgs>();
    auto* showCmd = policy->add_subcommand("show", "The pack in force (name, version, hash, rules)");
    addSessionOptions(*showCmd, policyArgs->store);
    showCmd->add_flag("--text", policyArgs->text, "Print the pack itself");
    showCmd->callback([&ctx, policyArgs] { ctx.exitCode = runPolicyShow(*policyArgs); });
    auto* checkCmd = policy->add_subcommand("check", "Validate a pack without loading it (no store needed)");
    checkCmd->add_option("file", policyArgs->file, "Policy pack (JSON)")->required();
    checkCmd->callback([&ctx, policyArgs] { ctx.exitCode = runPolicyCheck(*policyArgs); });
    auto* loadCmd = policy->add_subcommand("load", "Put a pack in force (administrators; its hash is audited)");
    loadCmd->add_option("file", policyArgs->file, "Policy pack (JSON)")->required();
    addSessionOptions(*loadCmd, policyArgs->store);
    loadCmd->callback([&ctx, policyArgs] { ctx.exitCode = runPolicyLoad(*policyArgs); });

    auto purgeArgs = std::make_shared<PurgeArgs>();
    auto* purgeCmd = app.add_subcommand("purge", "Erase records whose retention has run out (legal holds are kept)");
    addSessionOptions(*purgeCmd, purgeArgs->store);
    purgeCmd->add_flag("--dry-run", purgeArgs->dryRun, "Only count what would be erased");
    purgeCmd->callback([&ctx, purgeArgs] { ctx.exitCode = runPurge(*purgeArgs); });

    auto* retention = app.add_subcommand("retention", "Retention");
    retention->require_subcommand(1);
    auto retentionArgs = std::make_shared<StoreOptions>();
    auto* reportCmd = retention->add_subcommand("report", "What expires when, per outcome (counts only)");
    addSessionOptions(*reportCmd, *retentionArgs);
    reportCmd->callback([&ctx, retentionArgs] { ctx.exitCode = runRetentionReport(*retentionArgs); });

    auto* audit = app.add_subcommand("audit", "The signed audit trail");
    audit->require_subcommand(1);
    auto auditArgs = std::make_shared<AuditArgs>();
    auto* verifyCmd = audit->add_subcommand("verify", "Verify the chain and signatures (of the store, or of an "
                                                      "export with --export), against a checkpoint");
    addSessionOptions(*verifyCmd, auditArgs->store, false);
    verifyCmd->add_option("--checkpoint", auditArgs->checkpoint, "A checkpoint file (detects truncation)");
    verifyCmd->add_option("--export", auditArgs->exportFile, "Verify this exported trail instead (no store needed)");
    auto* verifyKey = verifyCmd->add_option("--public-key", auditArgs->publicKey,
                                            "With --export: the signing workstation's key to trust (hex)");
    verifyCmd
        ->add_option("--trust-store", auditArgs->trustStore,
                     "With --export: a file of trusted workstation keys, one a line: HEX NAME ('#' comments)")
        ->excludes(verifyKey);
    verifyCmd->callback([&ctx, auditArgs] {
        if (auditArgs->exportFile.empty() && auditArgs->store.user.empty()) {
            ctx.exitCode = report({ErrorCode::InvalidArgument, "--user is required unless --export is given"});
            return;
        }
        ctx.exitCode = runAuditVerify(*auditArgs);
    });
    auto* exportCmd = audit->add_subcommand("export", "Export the trail, signed (auditors)");
    addSessionOptions(*exportCmd, auditArgs->store);
    exportCmd->add_option("--out", auditArgs->out, "New file (default: standard output)");
    exportCmd->callback([&ctx, auditArgs] { ctx.exitCode = runAuditExport(*auditArgs); });
    auto* checkpointCmd = audit->add_subcommand("checkpoint", "Write a signed checkpoint of the trail's end");
    addSessionOptions(*checkpointCmd, auditArgs->store);
    checkpointCmd->add_option("--out", auditArgs->out, "New file (default: standard output)");
    checkpointCmd->callback([&ctx, auditArgs] { ctx.exitCode = runAuditCheckpoint(*auditArgs); });

    auto* subject = app.add_subcommand("subject", "Traveller rights");
    subject->require_subcommand(1);
    auto subjectArgs = std::make_shared<SubjectArgs>();
    auto* subjectExportCmd =
        subject->add_subcommand("export", "Everything held about one document's holder: JSON, images, disclosures");
    addSessionOptions(*subjectExportCmd, subjectArgs->store);
    subjectExportCmd->add_option("--document", subjectArgs->document, "STATE:NUMBER")->required();
    subjectExportCmd->add_option("--out", subjectArgs->out, "New folder")->required();
    subjectExportCmd->callback([&ctx, subjectArgs] { ctx.exitCode = runSubjectExport(*subjectArgs); });

    auto* records = app.get_subcommand("records");
    auto recordArgs = std::make_shared<RecordArgs>();
    auto* rectifyCmd = records->add_subcommand("rectify", "Correct a field with a reason (the old value is kept)");
    addIdOption(*rectifyCmd, "id", recordArgs->id, "Record id")->required();
    rectifyCmd->add_option("--field", recordArgs->field, "Field name, e.g. given_names")->required();
    rectifyCmd->add_option("--value", recordArgs->value, "The correct value")->required();
    rectifyCmd->add_option("--reason", recordArgs->reason, "Why")->required();
    addSessionOptions(*rectifyCmd, recordArgs->store);
    rectifyCmd->callback([&ctx, recordArgs] { ctx.exitCode = runRectify(*recordArgs); });
    auto* closeCmd = records->add_subcommand("close", "Close the record's encounter with its outcome");
    addIdOption(*closeCmd, "id", recordArgs->id, "Record id")->required();
    closeCmd->add_option("--outcome", recordArgs->outcome, "e.g. cleared, referred, refused")->required();
    addSessionOptions(*closeCmd, recordArgs->store);
    closeCmd->callback([&ctx, recordArgs] { ctx.exitCode = runClose(*recordArgs); });
    for (const bool hold : {true, false}) {
        auto* cmd = records->add_subcommand(
            hold ? "hold" : "release", hold ? "Place a legal hold (no purge, no erasure)" : "Release a legal hold");
        addIdOption(*cmd, "id", recordArgs->id, "Record id")->required();
        cmd->add_option("--reason", recordArgs->reason, "Why (e.g. the court order's reference)")->required();
        addSessionOptions(*cmd, recordArgs->store);
        cmd->callback([&ctx, recordArgs, hold] { ctx.exitCode = runHold(*recordArgs, hold); });
    }
    auto* eraseCmd = records->add_subcommand("erase", "Erase a record on the traveller's request, where allowed");
    addIdOption(*eraseCmd, "id", recordArgs->id, "Record id")->required();
    eraseCmd->add_option("--reason", recordArgs->reason, "Why (e.g. the request's reference)")->required();
    addSessionOptions(*eraseCmd, recordArgs->store);
    eraseCmd->callback([&ctx, recordArgs] { ctx.exitCode = runErase(*recordArgs); });

    auto* share = app.add_subcommand("share", "Share a case with another agency under a sharing agreement");
    share->require_subcommand(1);
    auto shareArgs = std::make_shared<ShareArgs>();
    auto* keygenCmd = share->add_subcommand("keygen", "Make a recipient key pair (the receiving agency, once)");
    keygenCmd->add_option("--out", shareArgs->out, "New key file (owner-only)")->required();
    keygenCmd->callback([&ctx, shareArgs] { ctx.exitCode = runShareKeygen(*shareArgs); });
    auto* shareExportCmd = share->add_subcommand("export", "Seal a record's allowed fields for the recipient");
    addIdOption(*shareExportCmd, "id", shareArgs->id, "Record id")->required();
    shareExportCmd->add_option("--agreement", shareArgs->agreement, "Agreement name in the policy pack")->required();
    shareExportCmd->add_option("--justification", shareArgs->justification, "Why (audited)")->required();
    shareExportCmd->add_option("--out", shareArgs->out, "New file")->required();
    addSessionOptions(*shareExportCmd, shareArgs->store);
    shareExportCmd->callback([&ctx, shareArgs] { ctx.exitCode = runShareExport(*shareArgs); });
    auto* openCmd = share->add_subcommand("open", "Verify and decrypt a package (the receiving side)");
    openCmd->add_option("file", shareArgs->file, "Sharing package")->required();
    openCmd->add_option("--key", shareArgs->key, "The recipient's key file")->required();
    // One of these is required (the package's own key is never trusted); checked when the command runs.
    auto* senderKey =
        openCmd->add_option("--public-key", shareArgs->senderKey, "The sending workstation's key to trust (hex)");
    auto* senderKeyOld = openCmd->add_option("--sender-key", shareArgs->senderKey, "Same as --public-key");
    openCmd
        ->add_option("--trust-store", shareArgs->trustStore,
                     "A file of trusted workstation keys, one a line: HEX NAME ('#' comments)")
        ->excludes(senderKey)
        ->excludes(senderKeyOld);
    senderKey->excludes(senderKeyOld);
    openCmd->callback([&ctx, shareArgs] { ctx.exitCode = runShareOpen(*shareArgs); });

    auto glassArgs = std::make_shared<BreakGlassArgs>();
    auto* glassCmd = app.add_subcommand("breakglass", "Emergency, time-limited read access with a recorded reason");
    glassCmd->add_option("--reason", glassArgs->reason, "Why (audited)")->required();
    glassCmd->add_option("--minutes", glassArgs->minutes, "How long (at most the policy's limit)");
    addSessionOptions(*glassCmd, glassArgs->store);
    glassCmd->callback([&ctx, glassArgs] { ctx.exitCode = runBreakGlass(*glassArgs); });
}

} // namespace secondline::cli
