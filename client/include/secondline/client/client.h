#pragma once
// The client of the SecondLine service, shared by the desk and the command-line tool. It speaks the
// service's contract (secondline.v1) and hands back plain types and core::Error: no gRPC or protobuf type
// crosses this header, and no client code opens a store.
//
//   auto client = Client::connect("unix:/run/secondline/service.sock");
//   // or, from another desk of the post:
//   auto client = Client::connect("tls:desk-1.post.example:7443",
//                                 {.tlsCert = "desk-2.pem", .tlsKey = "desk-2.key", .serverCa = "post-ca.pem"});
//   auto info = client->hello();
//   auto session = client->signIn("o1", password);
//   auto saved = client->saveEncounter({.mrz = text, .source = "scan"});
//   auto record = client->getRecord(saved->recordId);
//   auto batch = client->saveEncounters(requests); // many at once, one transaction
//
// Every call has a deadline (ClientOptions::deadline). Errors carry the service's stable code (the same
// core::ErrorCode the store returned); a service that cannot be reached, or does not answer in time, is
// ServiceUnavailable. A Client is movable, not copyable, and not thread-safe (one session at a time).

#include <secondline/core/ids.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::client {

struct ClientOptions {
    std::chrono::milliseconds deadline{10000}; ///< for each call
    std::string name = "secondline-client";    ///< sent in Hello
    // Mutual TLS, for "tls:HOST:PORT" only (PEM files; the command-line tool takes them from --tls-cert,
    // --tls-key, --server-ca, else SECONDLINE_TLS_CERT, SECONDLINE_TLS_KEY, SECONDLINE_SERVER_CA).
    std::string tlsCert{};  ///< this desk's certificate (then any intermediate CA certificates)
    std::string tlsKey{};   ///< its private key, not encrypted; refused when group or others may access the file
    std::string serverCa{}; ///< the CA certificate(s) the service's certificate must chain to
};

struct ServiceInfo {
    std::string serverVersion;
    std::string protocol; ///< "secondline.v1"
    std::string storeId;
    bool training = false;
};

struct SessionInfo {
    std::string user;
    std::string role; ///< "officer", "supervisor", ...
    bool breakGlass = false;
    std::string purgeError; ///< error code of a failed retention purge at sign-in, else empty
};

struct FieldCorrection {
    std::string field; ///< e.g. "given_names"
    std::string value;
};

struct Referral {
    bool toService = false;     ///< false: a flag for a supervisor's review; true: a referral to `referredTo`
    std::string basis = "none"; ///< "none", "fact", "assessment", "list_hit", "chip_failure"
    std::string reason;
    std::string referredTo;
};

/// One encounter as the officer finished it (the service re-validates all of it).
struct EncounterRequest {
    std::string mrz;            ///< MRZ lines separated by '\n'
    std::string inspectionDate; ///< YYYY-MM-DD; empty: today (UTC) at the service
    std::string source;
    std::string purpose; ///< empty: "secondary_inspection"
    std::string location;
    std::string desk;
    std::string notes;
    std::vector<FieldCorrection> corrections;
    std::string correctionReason;
    std::optional<Referral> referral;
    std::string outcome; ///< empty: the encounter stays open
    std::optional<core::EncounterId> encounterId;
};

struct SavedEncounter {
    core::RecordId recordId{};
    core::EncounterId encounterId{};
    std::optional<core::FlagId> flagId;
};

struct Field {
    std::string name, raw, value, description;
    int line = 0;
    int position = 0;
    bool checkDigitVerified = false;
    double confidence = 1.0;
};

struct Check {
    std::string name, status;
    int line = 0;
    int position = 0;
};

struct Finding {
    std::string field, code, severity, message;
};

struct Record {
    core::RecordId id{};
    std::string created; ///< UTC, ISO 8601
    std::string officer;
    bool legalHold = false;
    core::EncounterId encounterId{}; ///< 0 when the record has no encounter
    std::string source, purpose, location, desk, outcome, notes;
    std::string format; ///< "TD3", ...
    std::vector<std::string> lines;
    std::vector<Field> fields;
    std::vector<Check> checks;
    std::vector<Finding> findings;
    bool valid = false;
    std::optional<int> ageAtInspection; ///< whole years on the inspection date
    std::optional<int> daysToExpiry;    ///< negative once expired
    /// The standardized value of a field ("" when absent).
    [[nodiscard]] std::string value(std::string_view name) const;
};

struct RecordSummary {
    core::RecordId id{};
    std::string created;
    std::string officer;
    std::string format;
    bool valid = false;
};

/// Most encounters one saveEncounters call may carry (the service's limit).
inline constexpr std::size_t kMaxBatchEncounters = 500;

class Client {
public:
    /// A client for `address`: "unix:PATH" (the service's socket), or "tls:HOST:PORT" (a service of the post
    /// over mutual TLS: options' tlsCert, tlsKey and serverCa are required and read now; the service's
    /// certificate must chain to serverCa and name HOST). Connecting is lazy: an unreachable service, or one
    /// whose certificate is not trusted, shows at the first call as ServiceUnavailable (the message says which).
    /// Errors: InvalidArgument (malformed or unsupported address; with tls: a file not given, PEM that does not
    /// parse, a key that is not the certificate's or that group or others may access), FileNotFound, Io.
    [[nodiscard]] static core::Result<Client> connect(std::string_view address, const ClientOptions& options = {});

    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    ~Client();

    /// Who answers. No session needed.
    [[nodiscard]] core::Result<ServiceInfo> hello();
    /// Signs in; the session is kept by this client for the calls below. Errors: AuthenticationFailed,
    /// AccountLocked, StoreBusy (another session holds the store), ServiceUnavailable, ...
    [[nodiscard]] core::Result<SessionInfo> signIn(std::string_view user, const core::SecretBytes& password);
    /// Ends the session (nothing to do without one).
    [[nodiscard]] core::Status signOut();
    [[nodiscard]] bool signedIn() const noexcept;

    [[nodiscard]] core::Result<SavedEncounter> saveEncounter(const EncounterRequest& request);
    /// Saves 1 to kMaxBatchEncounters encounters in one call and one store transaction: all or none. The
    /// result lists what the service committed, in order; an error means this call saved nothing that the
    /// client was told of (a ServiceUnavailable may still follow a commit whose reply was lost: check with
    /// findByDocument before sending again when duplicates matter). Errors: as saveEncounter (the message
    /// names the refused encounter's position), InvalidArgument (empty, too many, or over the size limit).
    [[nodiscard]] core::Result<std::vector<SavedEncounter>> saveEncounters(std::span<const EncounterRequest> requests);
    [[nodiscard]] core::Result<Record> getRecord(core::RecordId id);
    [[nodiscard]] core::Result<std::vector<RecordSummary>> findByDocument(std::string_view issuingState,
                                                                          std::string_view documentNumber);

    struct Impl;

private:
    friend class ServiceSession; // its calls use this connection
    explicit Client(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace secondline::client
