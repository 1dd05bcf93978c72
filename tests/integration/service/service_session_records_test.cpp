// Issue 18, item 10: records, flags and data subjects' rights through the service (records.proto). The oracle:
// the same operations through app::LocalSession on a store this process opens and through
// client::ServiceSession on an equivalent store held by the real service give equal results (every field of
// the value types but ids and times) and the same error codes. Then a hostile client on a raw gRPC stub: every
// request out of bounds is refused with a stable code, and the service keeps serving.

#include "../cli/cli_fixture.h"
#include "service_process.h"
#include "test_support.h"

#include <local_session.h>

#include <secondline/client/service_session.h>
#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>

#include <secondline/v1/records.grpc.pb.h>
#include <secondline/v1/secondline.grpc.pb.h>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace secondline::test {
namespace {

using core::ErrorCode;

core::SecretBytes secret(const std::string& text) {
    auto s = core::SecretBytes::copyOf(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    if (!s) throw std::runtime_error("secret");
    return std::move(*s);
}

// ---- a transcript of results: every field but ids and times, one line each -----------------------------------

class Transcript {
public:
    void line(const std::string& text) { m_lines.push_back(text); }
    template <class T>
    void status(const std::string& what, const core::Result<T>& r) {
        line(what + ": " + (r ? std::string("ok") : std::string(core::errorCodeName(r.error().code))));
    }
    void status(const std::string& what, const core::Status& r) {
        line(what + ": " + (r ? std::string("ok") : std::string(core::errorCodeName(r.error().code))));
    }
    [[nodiscard]] const std::vector<std::string>& lines() const { return m_lines; }

private:
    std::vector<std::string> m_lines;
};

std::string describe(const validation::TravelDocument& d) {
    std::ostringstream o;
    o << validation::formatName(d.format) << " lines=";
    for (const auto& l : d.lines) o << l << "|";
    for (const auto& f : d.fields)
        o << " field{" << f.name << "," << f.raw << "," << f.value << "," << f.line << "," << f.position << ","
          << f.checkDigitVerified << "," << f.confidence << "," << f.description << "}";
    for (const auto& c : d.checks)
        o << " check{" << c.name << "," << validation::checkStatusName(c.status) << "," << c.line << "," << c.position
          << "}";
    for (const auto& f : d.findings)
        o << " finding{" << f.field << "," << validation::findingCodeName(f.code) << ","
          << validation::severityName(f.severity) << "," << f.message << "}";
    o << " birth=" << d.birthDate.iso() << " expiry=" << d.expiryDate.iso() << " age=" << d.ageAtInspection.value_or(-1)
      << " days=" << d.daysToExpiry.value_or(-99999) << " valid=" << d.valid();
    return o.str();
}

std::string describe(const storage::StoredRecord& r) {
    std::ostringstream o;
    const auto& e = r.encounter;
    o << "record officer=" << r.officer << " encounter{" << e.source << "," << e.purpose << "," << e.location << ","
      << e.desk << "," << e.outcome << "," << e.notes << "," << e.encounterId.has_value() << "} hold=" << r.legalHold
      << " " << describe(r.document);
    for (const auto& h : r.history)
        o << " rectified{" << h.user << "," << h.field << "," << h.oldValue << "," << h.newValue << "," << h.reason
          << "}";
    return o.str();
}

std::string describe(const std::vector<storage::RecordSummary>& found) {
    std::ostringstream o;
    o << found.size() << " summaries";
    for (const auto& s : found) o << " {" << s.officer << "," << s.format << "," << s.valid << "}";
    return o.str();
}

std::string describe(const storage::StoredImage& i) {
    std::ostringstream o;
    std::uint64_t sum = 1469598103934665603ull;
    for (auto b : i.data) sum = (sum ^ b) * 1099511628211ull;
    o << "image{" << (i.kind == storage::ImageKind::Portrait ? "portrait" : "document") << "," << i.mediaType << ","
      << i.width << "x" << i.height << "," << i.data.size() << " bytes," << sum << "}";
    return o.str();
}

std::string describe(const storage::Flag& f) {
    std::ostringstream o;
    o << "flag{" << storage::flagKindName(f.kind) << "," << storage::referralBasisName(f.basis) << "," << f.reason
      << "," << f.referredTo << "," << storage::flagStatusName(f.status);
    for (const auto& e : f.history)
        o << " event{" << e.user << "," << storage::flagStatusName(e.status) << "," << e.note << "}";
    return o.str() + "}";
}

std::string describe(const storage::Disclosure& d) {
    std::ostringstream o;
    o << "disclosure{" << d.user << "," << d.agreement << "," << d.recipient << "," << d.purpose << ","
      << d.legalReference;
    for (const auto& f : d.fields) o << "," << f;
    return o.str() + "}";
}

template <class T, class F>
void each(Transcript& t, const std::string& what, const core::Result<std::vector<T>>& r, F&& describeOne) {
    t.status(what, r);
    if (!r) return;
    t.line(what + ": " + std::to_string(r->size()));
    for (const auto& one : *r) t.line(what + ": " + describeOne(one));
}

storage::EncounterDraft specimenDraft(const char* mrz, std::vector<storage::ImageDraft> images) {
    auto document = validation::parseMrzText(mrz, {.inspectionDate = testDate()});
    if (!document) throw std::runtime_error("specimen");
    // What capture adds: a confidence below 1 and an uncertain read (hints the service applies to its parse).
    document->fields.front().confidence = 0.75;
    document->findings.push_back({.field = document->fields.front().name,
                                  .code = validation::FindingCode::UncertainRead,
                                  .severity = validation::Severity::Warning,
                                  .message = "document_code read with low confidence"});
    storage::EncounterDraft draft;
    draft.document = std::move(*document);
    draft.encounter.source = "synthetic";
    draft.encounter.location = "POST-1";
    draft.encounter.desk = "desk-1";
    draft.encounter.notes = "traveller calm";
    draft.images = std::move(images);
    return draft;
}

storage::ImageDraft png(int w, int h, storage::ImageKind kind = storage::ImageKind::Document) {
    return {.kind = kind,
            .mediaType = "image/png",
            .width = w,
            .height = h,
            .data = pngHeader(static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h))};
}

using SignIn = std::function<std::unique_ptr<client::Session>(const std::string& user)>;

/// The whole scenario, as officer o1, supervisor s1 and auditor au1 in turn, on a fresh store.
Transcript scenario(const SignIn& signIn) {
    Transcript t;
    core::RecordId first{}, second{};
    core::EncounterId secondEncounter{};
    {
        auto o1 = signIn("o1");
        t.line(std::string("role ") + std::string(privacy::roleName(o1->role())) + " training " +
               std::to_string(o1->training()) + " user " + o1->userName());
        t.line("policy " + o1->policy().text());
        t.line("image limits " +
               std::to_string(o1->imageLimit("secondary_inspection", storage::ImageKind::Document).value_or(-1)) + " " +
               std::to_string(o1->imageLimit("secondary_inspection", storage::ImageKind::Portrait).value_or(-1)) + " " +
               std::to_string(o1->imageLimit("no_such_purpose", storage::ImageKind::Portrait).value_or(-1)));
        t.status("purge at open", o1->purgeAtOpen());
        t.line("break-glass " + std::to_string(o1->breakGlassUntil().has_value()));

        auto draft = specimenDraft(kTd3, {png(400, 300), png(300, 400, storage::ImageKind::Portrait)});
        draft.corrections = {{"given_names", "ANNA"}};
        draft.correctionReason = "visual zone shows one given name";
        draft.referral = storage::ReferralDraft{.kind = storage::FlagKind::Review,
                                                .basis = storage::ReferralBasis::Fact,
                                                .reason = "entry stamp missing",
                                                .referredTo = {}};
        auto saved = o1->save(draft);
        t.status("save", saved);
        if (saved) {
            first = saved->recordId;
            t.line("save: images " + std::to_string(saved->imageIds.size()) + " flag " +
                   std::to_string(saved->flagId.has_value()));
        }
        auto record = o1->getRecord(first);
        t.status("get", record);
        if (record) t.line(describe(*record));
        each(t, "images", o1->images(first), [](const storage::StoredImage& i) { return describe(i); });

        // Too large for the purpose, bad magic, a header declaring more than it is: the store's codes, both ways.
        t.status("save too large for the purpose", o1->save(specimenDraft(kTd3, {png(4000, 3000)})));
        storage::ImageDraft gif = png(10, 10);
        gif.data = {'G', 'I', 'F', '8', '9', 'a', 0, 0, 0, 0, 0, 0};
        t.status("add image not png", o1->addImage(first, gif));
        storage::ImageDraft lying = png(10, 10);
        lying.width = 11;
        t.status("add image lying", o1->addImage(first, lying));
        t.status("add image portrait jpeg", o1->addImage(first, {.kind = storage::ImageKind::Portrait,
                                                                 .mediaType = "image/jpeg",
                                                                 .width = 120,
                                                                 .height = 160,
                                                                 .data = jpegHeader(120, 160)}));
        t.status("get unknown", o1->getRecord(core::RecordId{999999}));

        auto td1 = validation::parseMrzText(kTd1, {.inspectionDate = testDate()});
        storage::EncounterInfo info;
        info.source = "synthetic";
        info.desk = "desk-2";
        auto added = o1->addRecord(*td1, info);
        t.status("add record", added);
        if (added) {
            second = *added;
            auto r = o1->getRecord(second);
            t.status("get added", r);
            if (r) {
                t.line(describe(*r));
                secondEncounter = r->encounter.encounterId.value_or(core::EncounterId{});
            }
        }
        std::vector<storage::EncounterDraft> batch;
        batch.push_back(specimenDraft(kTd3, {}));
        batch.push_back(specimenDraft(kTd1, {}));
        batch.back().outcome = "cleared";
        auto savedBatch = o1->saveBatch(batch);
        t.status("save batch", savedBatch);
        if (savedBatch) t.line("save batch: " + std::to_string(savedBatch->size()));
        batch.front().corrections = {{"no_such_field", "X"}};
        batch.front().correctionReason = "r";
        t.status("save batch refused", o1->saveBatch(batch));

        auto list = o1->listRecords();
        t.status("list", list);
        if (list) t.line(describe(*list));
        auto byDocument = o1->findByDocument("UTO", "L898902C3");
        t.status("find by document", byDocument);
        if (byDocument) t.line(describe(*byDocument));
        auto byName = o1->findByNameAndBirth("ERIKSSON", "1974-08-12");
        t.status("find by name", byName);
        if (byName) t.line(describe(*byName));

        t.status("raise flag", o1->raiseFlag(second, {.kind = storage::FlagKind::Referral,
                                                      .basis = storage::ReferralBasis::Assessment,
                                                      .reason = "route unusual",
                                                      .referredTo = "liaison office"}));
        t.status("raise flag without service",
                 o1->raiseFlag(second, {.kind = storage::FlagKind::Referral, .reason = "x"}));
        each(t, "officer flags", o1->listFlags(true), [](const storage::Flag& f) { return describe(f); });
        t.status("officer erase", o1->erase(first, "traveller asked"));
        t.status("officer hold", o1->setLegalHold(first, true, "court"));
        t.status("officer export", o1->exportSubject("UTO", "L898902C3"));
        t.status("officer rectify", o1->rectify(first, "given_names", "ANNA MARIA", "passport shows both"));
        t.status("officer break-glass", o1->breakGlass("curious", 10));
        t.status("officer load policy", o1->loadPolicy(o1->policy().text()));
        t.status("close unknown outcome", o1->closeEncounter(secondEncounter, "no_such_outcome"));
        t.status("close", o1->closeEncounter(secondEncounter, "cleared"));
        t.status("get closed", o1->getRecord(second));
        o1->signOut();
    }
    {
        auto s1 = signIn("s1");
        auto flags = s1->listFlags(false);
        each(t, "supervisor flags", flags, [](const storage::Flag& f) { return describe(f); });
        if (flags && !flags->empty()) {
            t.status("update flag", s1->updateFlag(flags->front().id, storage::FlagStatus::Resolved, "stamp found"));
            t.status("update flag no note", s1->updateFlag(flags->front().id, storage::FlagStatus::Dismissed, ""));
        }
        each(t, "open flags", s1->listFlags(true), [](const storage::Flag& f) { return describe(f); });
        each(t, "all flags", s1->listFlags(false), [](const storage::Flag& f) { return describe(f); });
        t.status("supervisor rectify", s1->rectify(first, "given_names", "ANNA MARIA", "passport shows both"));
        t.status("supervisor rectify bad value", s1->rectify(first, "birth_date", "1974-13-40", "typo"));
        auto record = s1->getRecord(first);
        t.status("supervisor get", record);
        if (record) t.line(describe(*record));
        auto exported = s1->exportSubject("UTO", "L898902C3");
        t.status("export", exported);
        if (exported) {
            t.line("export: records " + std::to_string(exported->records.size()) + " images " +
                   std::to_string(exported->images.size()) + " flags " + std::to_string(exported->flags.size()) +
                   " disclosures " + std::to_string(exported->disclosures.size()));
            for (const auto& r : exported->records) t.line("export: " + describe(r));
            for (const auto& [id, i] : exported->images) t.line("export: " + describe(i));
            for (const auto& f : exported->flags) t.line("export: " + describe(f));
            std::string actions;
            for (const auto& e : exported->accessLog) actions += e.action + "(" + e.userName + ") ";
            t.line("export: log " + actions);
        }
        t.status("share", s1->share(first, "liaison", "case 17"));
        t.status("share no justification", s1->share(first, "liaison", ""));
        each(t, "disclosures", s1->disclosures(first), [](const storage::Disclosure& d) { return describe(d); });
        t.status("hold no reason", s1->setLegalHold(first, true, ""));
        t.status("hold", s1->setLegalHold(first, true, "court order 5"));
        auto held = s1->getRecord(first);
        t.status("get held", held);
        if (held) t.line(describe(*held));
        t.status("erase held", s1->erase(first, "traveller asked"));
        t.status("release", s1->setLegalHold(first, false, "order lifted"));
        t.status("erase", s1->erase(first, "traveller asked"));
        t.status("get erased", s1->getRecord(first));
        t.status("images erased", s1->images(first));
        s1->signOut();
        t.status("after sign-out", s1->listRecords());
    }
    {
        auto au1 = signIn("au1");
        t.status("auditor get before break-glass", au1->getRecord(second));
        t.status("auditor break-glass empty reason", au1->breakGlass("", 10));
        t.status("auditor break-glass too long", au1->breakGlass("subject access request 17", 100000));
        t.status("auditor break-glass", au1->breakGlass("subject access request 17", 30));
        t.line("break-glass held " + std::to_string(au1->breakGlassUntil().has_value()));
        auto record = au1->getRecord(second);
        t.status("auditor get after break-glass", record);
        if (record) t.line(describe(*record));
        au1->signOut();
    }
    {
        auto admin = signIn("admin");
        t.status("load policy", admin->loadPolicy(admin->policy().text()));
        t.status("load bad policy", admin->loadPolicy("{ not a pack"));
        t.line("policy after load " + admin->policy().text());
        t.status("admin list", admin->listRecords());
        admin->signOut();
    }
    return t;
}

class ServiceSessionRecords : public CliTest {
protected:
    /// A training store with admin, o1 (officer), s1 (supervisor), au1 (auditor).
    std::string makeStore(const std::string& name) {
        const auto store = privateStoreFolder(dir, name);
        std::vector<std::string> init = {"store",  "init",  "--store",    store,
                                         "--user", "admin", "--training", "--password-stdin"};
        init.insert(init.end(), kFast.begin(), kFast.end());
        EXPECT_EQ(run(init, "pw-admin\n").exitCode, 0);
        for (const auto& [user, role] :
             {std::pair{"o1", "officer"}, std::pair{"s1", "supervisor"}, std::pair{"au1", "auditor"}}) {
            std::vector<std::string> add = {"user",    "add", user,     "--role", role,
                                            "--store", store, "--user", "admin",  "--password-stdin"};
            add.insert(add.end(), kFast.begin(), kFast.end());
            const auto r = run(add, "pw-admin\npw-" + std::string(user) + "\n");
            EXPECT_EQ(r.exitCode, 0) << r.err;
        }
        return store;
    }

    std::string socketPath() {
        const auto runDir = dir.path() / "run";
        std::filesystem::create_directories(runDir);
        std::filesystem::permissions(runDir, std::filesystem::perms::owner_all);
        return (runDir / "service.sock").string();
    }

    core::SystemClock clock;
};

TEST_F(ServiceSessionRecords, TheServiceGivesWhatTheLocalStoreGives) {
    const auto localStore = makeStore("local.db");
    const auto serviceStore = makeStore("service.db");

    // Through the store this process opens (no service on it).
    const Transcript local = scenario([&](const std::string& user) -> std::unique_ptr<client::Session> {
        auto store = storage::Store::open(localStore, user, secret("pw-" + user), {}, clock);
        if (!store) throw std::runtime_error("local sign-in: " + store.error().message);
        return std::make_unique<app::LocalSession>(std::move(*store));
    });

    // Through the service holding the other store.
    ServiceProcess service(SECONDLINE_CLI, serviceStore, socketPath(), dir.file("service.log"));
    ASSERT_TRUE(service.start()) << service.log();
    const Transcript remote = scenario([&](const std::string& user) -> std::unique_ptr<client::Session> {
        auto c = client::Client::connect(service.address());
        if (!c) throw std::runtime_error(c.error().message);
        auto session = client::ServiceSession::signIn(std::move(*c), user, secret("pw-" + user));
        if (!session) throw std::runtime_error("service sign-in: " + session.error().message);
        return std::move(*session);
    });

    ASSERT_EQ(local.lines().size(), remote.lines().size());
    for (std::size_t i = 0; i < local.lines().size(); ++i)
        EXPECT_EQ(local.lines()[i], remote.lines()[i]) << "line " << i;
    // The scenario did what it meant to (not two equal failures).
    const auto has = [&](const std::string& line) {
        return std::find(local.lines().begin(), local.lines().end(), line) != local.lines().end();
    };
    EXPECT_TRUE(has("save: ok"));
    EXPECT_TRUE(has("save: images 2 flag 1"));
    EXPECT_TRUE(has("officer erase: permission_denied"));
    EXPECT_TRUE(has("add image not png: image_unreadable"));
    EXPECT_TRUE(has("save batch: ok"));
    EXPECT_TRUE(has("close: ok"));
    EXPECT_TRUE(has("update flag: ok"));
    EXPECT_TRUE(has("export: ok"));
    EXPECT_TRUE(has("auditor break-glass: ok"));
    EXPECT_TRUE(has("hold: ok"));
    EXPECT_TRUE(has("erase held: legal_hold"));
    EXPECT_TRUE(has("erase: ok"));
    EXPECT_TRUE(has("get erased: record_not_found"));
    EXPECT_TRUE(has("load policy: ok"));
    if (HasFailure())
        for (const auto& line : local.lines()) std::cerr << "local: " << line << "\n";
    EXPECT_TRUE(service.stop()) << service.log();
}

// ---- a hostile client on a raw stub ----------------------------------------------------------------------------

class HostileRecords : public ServiceSessionRecords {
protected:
    void SetUp() override {
        store = makeStore("service.db");
        service = std::make_unique<ServiceProcess>(SECONDLINE_CLI, store, socketPath(), dir.file("service.log"));
        ASSERT_TRUE(service->start()) << service->log();
        channel = newChannel();
        token = signIn(channel, "o1");
        ASSERT_FALSE(token.empty());
    }
    void TearDown() override {
        if (service) {
            EXPECT_TRUE(service->stop()) << service->log();
        }
    }

    std::shared_ptr<grpc::Channel> newChannel() {
        grpc::ChannelArguments args;
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        args.SetMaxSendMessageSize(-1);
        return grpc::CreateCustomChannel(service->address(), grpc::InsecureChannelCredentials(), args);
    }

    static std::string signIn(const std::shared_ptr<grpc::Channel>& on, const std::string& user) {
        auto stub = v1::SecondLine::NewStub(on);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{10});
        v1::SignInRequest request;
        request.set_user(user);
        request.set_password("pw-" + user);
        v1::SignInReply reply;
        const auto status = stub->SignIn(&context, request, &reply);
        return status.ok() ? reply.session_token() : std::string();
    }

    /// One Records call; the SecondLine error code of its refusal ("ok" when it succeeded).
    template <class Request, class Reply, class Method>
    std::string call(Method method, const Request& request, Reply& reply, const std::string& withToken,
                     const std::shared_ptr<grpc::Channel>& on) {
        auto stub = v1::Records::NewStub(on);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{30});
        if (!withToken.empty()) context.AddMetadata("secondline-session", withToken);
        const auto status = ((*stub).*method)(&context, request, &reply);
        if (status.ok()) return "ok";
        const auto& trailing = context.GetServerTrailingMetadata();
        auto it = trailing.find("secondline-error-code");
        if (it == trailing.end()) return "grpc:" + std::to_string(static_cast<int>(status.error_code()));
        return std::string(it->second.data(), it->second.size());
    }
    template <class Request, class Reply, class Method>
    std::string call(Method method, const Request& request, Reply& reply) {
        return call(method, request, reply, token, channel);
    }

    /// A record of o1's to attach images to.
    std::int64_t aRecord() {
        v1::SaveRequest request;
        request.mutable_encounter()->set_mrz(kTd3);
        request.mutable_encounter()->set_source("synthetic");
        v1::SaveEncounterReply reply;
        EXPECT_EQ(call(&v1::Records::Stub::Save, request, reply), "ok");
        return reply.record_id();
    }

    std::string store;
    std::unique_ptr<ServiceProcess> service;
    std::shared_ptr<grpc::Channel> channel;
    std::string token;
};

TEST_F(HostileRecords, NoSessionAndAnotherConnectionsTokenAreRefused) {
    v1::StoredSummaries reply;
    EXPECT_EQ(call(&v1::Records::Stub::ListRecords, v1::ListRecordsRequest{}, reply, "", channel),
              "authentication_failed");
    EXPECT_EQ(call(&v1::Records::Stub::ListRecords, v1::ListRecordsRequest{}, reply, std::string(64, 'a'), channel),
              "authentication_failed");
    const auto other = newChannel();
    EXPECT_EQ(call(&v1::Records::Stub::ListRecords, v1::ListRecordsRequest{}, reply, token, other),
              "authentication_failed");
    // The session itself still works on its own connection.
    EXPECT_EQ(call(&v1::Records::Stub::ListRecords, v1::ListRecordsRequest{}, reply), "ok");
}

TEST_F(HostileRecords, OversizedStringsAndTooManyItemsAreRefused) {
    const auto record = aRecord();
    v1::RecordsDone done;
    v1::RectifyRequest rectify;
    rectify.set_record_id(record);
    rectify.set_field("given_names");
    rectify.set_value("ANNA");
    rectify.set_reason(std::string(5000, 'r'));
    EXPECT_EQ(call(&v1::Records::Stub::Rectify, rectify, done), "invalid_argument");
    rectify.set_reason("ok");
    rectify.set_value(std::string(100, 'A'));
    EXPECT_EQ(call(&v1::Records::Stub::Rectify, rectify, done), "invalid_argument");
    rectify.set_field(std::string(1000, 'f'));
    EXPECT_EQ(call(&v1::Records::Stub::Rectify, rectify, done), "invalid_argument");

    v1::StoredSummaries summaries;
    v1::FindByNameAndBirthRequest byName;
    byName.set_surname(std::string(100000, 'A'));
    EXPECT_EQ(call(&v1::Records::Stub::FindRecordsByNameAndBirth, byName, summaries), "invalid_argument");
    v1::FindByDocumentRequest byDocument;
    byDocument.set_issuing_state("UTOPIA");
    byDocument.set_document_number("1");
    EXPECT_EQ(call(&v1::Records::Stub::FindRecordsByDocument, byDocument, summaries), "invalid_argument");

    v1::BreakGlassReply glass;
    v1::BreakGlassRequest breakGlass;
    breakGlass.set_reason(std::string(1 << 20, 'x'));
    breakGlass.set_minutes(10);
    EXPECT_EQ(call(&v1::Records::Stub::BreakGlass, breakGlass, glass), "invalid_argument");

    v1::SaveRequest save;
    save.mutable_encounter()->set_mrz(kTd3);
    save.mutable_encounter()->set_notes(std::string(4001, 'n'));
    v1::SaveEncounterReply saved;
    EXPECT_EQ(call(&v1::Records::Stub::Save, save, saved), "invalid_argument");
    save.mutable_encounter()->set_notes("");
    save.mutable_encounter()->set_mrz(std::string(2000, '<'));
    EXPECT_EQ(call(&v1::Records::Stub::Save, save, saved), "mrz_too_long");
    save.mutable_encounter()->set_mrz(kTd3);
    for (int i = 0; i < 33; ++i) {
        auto* hint = save.mutable_hints()->add_confidences();
        hint->set_field("surname");
        hint->set_confidence(0.5);
    }
    EXPECT_EQ(call(&v1::Records::Stub::Save, save, saved), "invalid_argument");
    save.mutable_hints()->Clear();
    save.mutable_hints()->add_confidences()->set_field("no_such_field");
    EXPECT_EQ(call(&v1::Records::Stub::Save, save, saved), "invalid_argument");
    save.mutable_hints()->Clear();
    auto* finding = save.mutable_hints()->add_findings();
    finding->set_field("surname");
    finding->set_code("check_digit_mismatch"); // validation's to decide, never the client's
    finding->set_severity("error");
    EXPECT_EQ(call(&v1::Records::Stub::Save, save, saved), "invalid_argument");
    save.mutable_hints()->Clear();
    for (int i = 0; i < 33; ++i) {
        auto* c = save.mutable_encounter()->add_corrections();
        c->set_field("given_names");
        c->set_value("ANNA");
    }
    EXPECT_EQ(call(&v1::Records::Stub::Save, save, saved), "invalid_argument");
    save.mutable_encounter()->clear_corrections();
    for (int i = 0; i < 5; ++i) {
        auto* image = save.mutable_encounter()->add_images();
        const auto bytes = pngHeader(10, 10);
        image->set_kind(v1::Image::DOCUMENT);
        image->set_media_type("image/png");
        image->set_width(10);
        image->set_height(10);
        image->set_data(bytes.data(), bytes.size());
    }
    EXPECT_EQ(call(&v1::Records::Stub::Save, save, saved), "invalid_argument");

    v1::SaveBatchRequest batch;
    v1::SaveEncountersReply batchReply;
    for (int i = 0; i < 501; ++i) batch.add_encounters()->mutable_encounter()->set_mrz(kTd3);
    EXPECT_EQ(call(&v1::Records::Stub::SaveBatch, batch, batchReply), "invalid_argument");

    v1::RecordIdRequest badId;
    badId.set_record_id(-5);
    v1::StoredRecord storedRecord;
    EXPECT_EQ(call(&v1::Records::Stub::GetStoredRecord, badId, storedRecord), "invalid_argument");

    // And it keeps serving.
    EXPECT_EQ(call(&v1::Records::Stub::ListRecords, v1::ListRecordsRequest{}, summaries), "ok");
    EXPECT_EQ(summaries.records_size(), 1);
}

TEST_F(HostileRecords, ImagesAreCheckedByTheirBytesBeforeAnythingDecodesThem) {
    const auto record = aRecord();
    v1::AddImageReply reply;
    const auto add = [&](const std::string& mediaType, int w, int h, const std::vector<std::uint8_t>& bytes) {
        v1::AddImageRequest request;
        request.set_record_id(record);
        auto* image = request.mutable_image();
        image->set_kind(v1::Image::DOCUMENT);
        image->set_media_type(mediaType);
        image->set_width(w);
        image->set_height(h);
        image->set_data(bytes.data(), bytes.size());
        return call(&v1::Records::Stub::AddImage, request, reply);
    };
    EXPECT_EQ(add("image/png", 10, 10, {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0}), "image_unreadable");
    EXPECT_EQ(add("image/png", 20000, 20000, pngHeader(20000, 20000)), "image_too_large");
    EXPECT_EQ(add("image/png", 20001, 20001, pngHeader(20001, 20001)), "invalid_argument");
    EXPECT_EQ(add("image/png", 10, 10, pngHeader(5000, 5000)), "invalid_argument"); // declared less than it is
    EXPECT_EQ(add("image/jpeg", 10, 10, pngHeader(10, 10)), "invalid_argument");
    EXPECT_EQ(add("image/gif", 10, 10, pngHeader(10, 10)), "invalid_argument");
    EXPECT_EQ(add("image/png", 10, 10, {}), "invalid_argument");
    // Over the store's 32 MiB (the request itself is within the service's limit).
    auto huge = pngHeader(100, 100);
    huge.resize(storage::kMaxImageBytes + 1);
    EXPECT_EQ(add("image/png", 100, 100, huge), "invalid_argument");
    // Larger than the whole request limit: refused by gRPC before any handler.
    huge.resize(70u << 20);
    EXPECT_EQ(add("image/png", 100, 100, huge), "grpc:8");
    // A real image of the purpose's size is kept, and comes back as sent.
    EXPECT_EQ(add("image/png", 800, 600, pngHeader(800, 600)), "ok");
    v1::RecordIdRequest which;
    which.set_record_id(record);
    v1::ImagesReply images;
    EXPECT_EQ(call(&v1::Records::Stub::Images, which, images), "ok");
    ASSERT_EQ(images.images_size(), 1);
    EXPECT_EQ(images.images(0).image().width(), 800);
    const auto sent = pngHeader(800, 600);
    EXPECT_EQ(images.images(0).image().data(), std::string(sent.begin(), sent.end()));
}

TEST_F(HostileRecords, CallsThatTakeNoImagesOrCorrectionsRefuseThem) {
    const auto bytes = pngHeader(10, 10);
    // SecondLine.SaveEncounter keeps refusing images (Records.Save takes them).
    {
        auto stub = v1::SecondLine::NewStub(channel);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds{30});
        context.AddMetadata("secondline-session", token);
        v1::SaveEncounterRequest request;
        request.set_mrz(kTd3);
        auto* image = request.add_images();
        image->set_kind(v1::Image::DOCUMENT);
        image->set_media_type("image/png");
        image->set_width(10);
        image->set_height(10);
        image->set_data(bytes.data(), bytes.size());
        v1::SaveEncounterReply reply;
        EXPECT_FALSE(stub->SaveEncounter(&context, request, &reply).ok());
        const auto& trailing = context.GetServerTrailingMetadata();
        auto it = trailing.find("secondline-error-code");
        ASSERT_NE(it, trailing.end());
        EXPECT_EQ(std::string(it->second.data(), it->second.size()), "invalid_argument");
    }
    v1::AddRecordRequest add;
    add.mutable_encounter()->set_mrz(kTd3);
    auto* correction = add.mutable_encounter()->add_corrections();
    correction->set_field("given_names");
    correction->set_value("ANNA");
    v1::AddRecordReply added;
    EXPECT_EQ(call(&v1::Records::Stub::AddRecord, add, added), "invalid_argument");
    add.mutable_encounter()->clear_corrections();
    EXPECT_EQ(call(&v1::Records::Stub::AddRecord, add, added), "ok");
    // An officer's refusals keep the store's codes on the wire.
    v1::EraseRequest erase;
    erase.set_record_id(added.record_id());
    erase.set_reason("traveller asked");
    v1::RecordsDone done;
    EXPECT_EQ(call(&v1::Records::Stub::Erase, erase, done), "permission_denied");
    v1::LoadPolicyRequest load;
    load.set_pack_text("{}");
    EXPECT_EQ(call(&v1::Records::Stub::LoadPolicy, load, done), "permission_denied");
    v1::UpdateFlagRequest update;
    update.set_flag_id(1);
    update.set_status("closed_forever");
    EXPECT_EQ(call(&v1::Records::Stub::UpdateFlag, update, done), "invalid_argument");
}

} // namespace
} // namespace secondline::test
