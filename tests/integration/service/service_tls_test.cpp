// Issue 18, item 1: the service answers the other desks of a post over TCP with mutual TLS. A throw-away PKI
// (tests/support/test_pki.h) is made for each test; the service runs in this process on a training store
// (service::Service, port 0 on 127.0.0.1), and is driven through the client library, raw gRPC stubs (a hostile
// or misconfigured desk) and the real command-line tool.

#include "../cli/cli_fixture.h"
#include "test_pki.h"
#include "test_support.h"
#include "wait_until.h"

#include <secondline/client/client.h>
#include <secondline/service/service.h>

#include <secondline/v1/secondline.grpc.pb.h>

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

namespace secondline::test {
namespace {

using core::ErrorCode;
using namespace std::chrono_literals;

/// The PEM files of one desk: its certificate and key, and the CA it trusts.
struct DeskFiles {
    std::string cert;
    std::string key;
};

class TlsServiceTest : public CliTest {
protected:
    const core::SystemClock clock;
    std::string store;
    std::string socket;
    std::filesystem::path pki;
    std::string caFile;      // the post's CA (trusted by the service for clients, by desks for the service)
    std::string otherCaFile; // another CA, trusted by nobody here
    DeskFiles server;        // the service: CN desk-1, SAN DNS:localhost, IP:127.0.0.1, from the post's CA
    DeskFiles desk2;         // a desk of the post
    DeskFiles desk3;         // another desk of the post
    DeskFiles stranger;      // CN desk-2 too, but from the other CA
    DeskFiles impostor;      // a server certificate for localhost from the other CA
    DeskFiles misnamed;      // a server certificate from the post's CA for another host name only
    std::unique_ptr<service::Service> service;

    void SetUp() override {
        store = privateStoreFolder(dir, "training.db");
        const auto runDir = dir.path() / "run";
        std::filesystem::create_directory(runDir);
        std::filesystem::permissions(runDir, std::filesystem::perms::owner_all);
        socket = (runDir / "service.sock").string();
        std::vector<std::string> init = {"store",  "init",  "--store",    store,
                                         "--user", "admin", "--training", "--password-stdin"};
        init.insert(init.end(), kFast.begin(), kFast.end());
        ASSERT_EQ(run(init, "pw-admin\n").exitCode, 0);
        std::vector<std::string> add = {"user",    "add", "o1",     "--role", "officer",
                                        "--store", store, "--user", "admin",  "--password-stdin"};
        add.insert(add.end(), kFast.begin(), kFast.end());
        ASSERT_EQ(run(add, "pw-admin\npw-o1\n").exitCode, 0);

        pki = dir.path() / "pki";
        std::filesystem::create_directory(pki);
        std::filesystem::permissions(pki, std::filesystem::perms::owner_all);
        const auto ca = TestCa::make("post-ca");
        const auto other = TestCa::make("other-ca");
        caFile = write("ca.pem", ca.certPem(), 0644);
        otherCaFile = write("other-ca.pem", other.certPem(), 0644);
        server = write(
            "server",
            ca.issue(
                {.commonName = "desk-1", .dnsNames = {"localhost"}, .ipAddresses = {"127.0.0.1"}, .server = true}));
        desk2 = write("desk-2", ca.issue({.commonName = "desk-2", .dnsNames = {"desk-2.post.test"}}));
        desk3 = write("desk-3", ca.issue({.commonName = "desk-3"}));
        stranger = write("stranger", other.issue({.commonName = "desk-2", .dnsNames = {"desk-2.post.test"}}));
        impostor = write(
            "impostor",
            other.issue(
                {.commonName = "desk-1", .dnsNames = {"localhost"}, .ipAddresses = {"127.0.0.1"}, .server = true}));
        misnamed = write("misnamed",
                         ca.issue({.commonName = "elsewhere", .dnsNames = {"elsewhere.post.test"}, .server = true}));
    }

    void TearDown() override {
        if (service) service->shutdown();
    }

    std::string write(const std::string& name, const std::string& text, unsigned mode) {
        const auto path = pki / name;
        writePem(path, text, mode);
        return path.string();
    }
    DeskFiles write(const std::string& name, const IssuedCertificate& issued) {
        return {write(name + ".pem", issued.certPem, 0644), write(name + ".key", issued.keyPem, 0600)};
    }

    service::TlsListen listen(const DeskFiles& as) const {
        return {.address = "127.0.0.1:0", .certFile = as.cert, .keyFile = as.key, .clientCaFile = caFile};
    }
    core::Result<std::unique_ptr<service::Service>> start(const service::TlsListen& tls) {
        return service::Service::start({.storePath = store, .socketPath = socket, .tls = tls}, clock);
    }
    /// Starts the service presenting `as` (the right server certificate by default).
    void startService(const std::optional<DeskFiles>& as = std::nullopt) {
        auto started = start(listen(as.value_or(server)));
        ASSERT_OK(started);
        service = std::move(*started);
        ASSERT_GT(service->tlsPort(), 0) << "the port gRPC chose";
    }
    std::string address(const std::string& host = "localhost") const {
        return "tls:" + host + ":" + std::to_string(service->tlsPort());
    }

    client::ClientOptions options(const DeskFiles& desk, const std::string& serverCa = {}) const {
        return {.deadline = 5000ms,
                .tlsCert = desk.cert,
                .tlsKey = desk.key,
                .serverCa = serverCa.empty() ? caFile : serverCa};
    }
    client::Client connect(const DeskFiles& desk, const std::string& host = "localhost") {
        auto c = client::Client::connect(address(host), options(desk));
        if (!c) throw std::runtime_error(c.error().message);
        return std::move(*c);
    }

    /// A raw stub on a connection of its own, as a misconfigured or hostile desk would use it.
    std::unique_ptr<v1::SecondLine::Stub> rawStub(const std::optional<DeskFiles>& desk) {
        grpc::SslCredentialsOptions ssl;
        ssl.pem_root_certs = readFile(caFile);
        if (desk) {
            ssl.pem_cert_chain = readFile(desk->cert);
            ssl.pem_private_key = readFile(desk->key);
        }
        grpc::ChannelArguments args;
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        auto channel = grpc::CreateCustomChannel("localhost:" + std::to_string(service->tlsPort()),
                                                 grpc::SslCredentials(ssl), args);
        return v1::SecondLine::NewStub(channel);
    }

    /// The command-line tool with exactly `env` as its environment (run() fixes its own), and its output.
    CliRun runWithEnvironment(const std::vector<std::string>& args, std::vector<std::string> env) {
        std::vector<std::string> all = {SECONDLINE_CLI};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        env.push_back("HOME=" + dir.path().string());
        for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"})
            if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        const std::string out = dir.file("env-stdout"), err = dir.file("env-stderr");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        pid_t pid = -1;
        CliRun r;
        if (::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) == 0) {
            int status = 0;
            ::waitpid(pid, &status, 0);
            r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        posix_spawn_file_actions_destroy(&actions);
        r.out = readFile(out);
        r.err = readFile(err);
        return r;
    }

    static client::EncounterRequest specimenEncounter() {
        client::EncounterRequest r;
        r.mrz = kTd3;
        r.inspectionDate = "2011-06-01";
        r.source = "synthetic";
        r.desk = "desk-2";
        return r;
    }
};

TEST_F(TlsServiceTest, ADeskOfThePostSignsInSavesAndReadsBackOverMutualTls) {
    startService();
    auto c = connect(desk2);
    auto info = c.hello();
    ASSERT_OK(info);
    EXPECT_EQ(info->protocol, "secondline.v1");
    EXPECT_TRUE(info->training);
    ASSERT_OK(c.signIn("o1", password("pw-o1")));
    auto saved = c.saveEncounter(specimenEncounter());
    ASSERT_OK(saved);
    auto record = c.getRecord(saved->recordId);
    ASSERT_OK(record);
    EXPECT_EQ(record->officer, "o1");
    EXPECT_EQ(record->value("document_number"), "L898902C3");
    EXPECT_EQ(record->desk, "desk-2");
    auto found = c.findByDocument("UTO", "L898902C3");
    ASSERT_OK(found);
    ASSERT_EQ(found->size(), 1u);
    ASSERT_OK(c.signOut());
    EXPECT_EQ(service->sessionCount(), 0u);

    // The server certificate names 127.0.0.1 too.
    auto byIp = connect(desk2, "127.0.0.1");
    ASSERT_OK(byIp.hello());

    // The command-line tool: the files as options, then from the environment.
    auto hello = run({"hello", "--service", address(), "--tls-cert", desk2.cert, "--tls-key", desk2.key, "--server-ca",
                      caFile, "--json"});
    ASSERT_EQ(hello.exitCode, 0) << hello.err;
    EXPECT_EQ(nlohmann::json::parse(hello.out)["store_id"], info->storeId);
    auto show = run({"records", "show", std::to_string(saved->recordId.value()), "--service", address(), "--user", "o1",
                     "--password-stdin", "--tls-cert", desk2.cert, "--tls-key", desk2.key, "--server-ca", caFile},
                    "pw-o1\n");
    ASSERT_EQ(show.exitCode, 0) << show.err;
    EXPECT_EQ(nlohmann::json::parse(show.out)["officer"], "o1");
    auto fromEnvironment = runWithEnvironment(
        {"hello", "--service", address(), "--json"},
        {"SECONDLINE_TLS_CERT=" + desk2.cert, "SECONDLINE_TLS_KEY=" + desk2.key, "SECONDLINE_SERVER_CA=" + caFile});
    ASSERT_EQ(fromEnvironment.exitCode, 0) << fromEnvironment.err;
    EXPECT_EQ(nlohmann::json::parse(fromEnvironment.out)["store_id"], info->storeId);
    auto noFiles = runWithEnvironment({"hello", "--service", address()}, {});
    EXPECT_EQ(noFiles.exitCode, 2) << noFiles.err;
    EXPECT_NE(noFiles.err.find("invalid_argument"), std::string::npos) << noFiles.err;
}

TEST_F(TlsServiceTest, ADeskWithoutAClientCertificateIsRefusedAtTheHandshake) {
    startService();
    auto stub = rawStub(std::nullopt);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    const auto before = std::chrono::steady_clock::now();
    v1::HelloReply reply;
    const auto status = stub->Hello(&context, v1::HelloRequest{}, &reply);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 5s) << "refused at once, not at the deadline";

    // The client library does not even try without its files.
    auto c = client::Client::connect(address(), {.serverCa = caFile});
    EXPECT_ERROR_CODE(c, ErrorCode::InvalidArgument);
    auto missing = client::Client::connect(
        address(), {.tlsCert = desk2.cert, .tlsKey = (pki / "none.key").string(), .serverCa = caFile});
    EXPECT_ERROR_CODE(missing, ErrorCode::FileNotFound);
    writePem(desk2.key, readFile(desk2.key), 0644);
    EXPECT_ERROR_CODE(client::Client::connect(address(), options(desk2)), ErrorCode::InvalidArgument)
        << "a desk's key others may read is refused too";
}

TEST_F(TlsServiceTest, AClientCertificateFromAnotherCaIsRefused) {
    startService();
    auto c = connect(stranger);
    const auto before = std::chrono::steady_clock::now();
    auto info = c.hello();
    EXPECT_ERROR_CODE(info, ErrorCode::ServiceUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - before, 4s) << "refused at once, not at the deadline";
    if (!info) {
        EXPECT_NE(info.error().message.find("certificate"), std::string::npos) << info.error().message;
    }
    auto cli = run({"hello", "--service", address(), "--tls-cert", stranger.cert, "--tls-key", stranger.key,
                    "--server-ca", caFile});
    EXPECT_EQ(cli.exitCode, 5) << cli.err;
    ASSERT_OK(connect(desk2).hello()) << "and the service still serves the post";
}

TEST_F(TlsServiceTest, AServiceWhoseCertificateIsNotTrustedIsRefusedByTheDesk) {
    startService(impostor);
    auto c = connect(desk2);
    auto info = c.hello();
    EXPECT_ERROR_CODE(info, ErrorCode::ServiceUnavailable);
    if (!info) {
        EXPECT_NE(info.error().message.find("not trusted"), std::string::npos) << info.error().message;
    }
    service->shutdown();
    service.reset();

    startService(misnamed); // the post's CA, but not for the name the desk asked for
    auto wrongName = connect(desk2);
    auto again = wrongName.hello();
    EXPECT_ERROR_CODE(again, ErrorCode::ServiceUnavailable);
    if (!again) {
        EXPECT_NE(again.error().message.find("not trusted"), std::string::npos) << again.error().message;
    }
    auto cli =
        run({"hello", "--service", address(), "--tls-cert", desk2.cert, "--tls-key", desk2.key, "--server-ca", caFile});
    EXPECT_EQ(cli.exitCode, 5) << cli.err;
    EXPECT_NE(cli.err.find("not trusted"), std::string::npos) << cli.err;
}

TEST_F(TlsServiceTest, OnlyTls12OrNewerIsSpoken) {
    startService();
    // A raw OpenSSL client that offers at most `maxVersion`, with every other obstacle removed: the desk's
    // certificate, ALPN h2, and OpenSSL's security level 0 so that the client itself would speak TLS 1.0.
    auto handshake = [&](int maxVersion) {
        std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
        if (!ctx) return false;
        SSL_CTX_set_security_level(ctx.get(), 0);
        SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
        SSL_CTX_set_max_proto_version(ctx.get(), maxVersion);
        static const unsigned char kAlpn[] = {2, 'h', '2'};
        SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof kAlpn);
        if (SSL_CTX_use_certificate_file(ctx.get(), desk2.cert.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx.get(), desk2.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_load_verify_locations(ctx.get(), caFile.c_str(), nullptr) != 1)
            return false;
        std::unique_ptr<BIO, decltype(&BIO_free_all)> bio(BIO_new_ssl_connect(ctx.get()), BIO_free_all);
        if (!bio) return false;
        const std::string target = "127.0.0.1:" + std::to_string(service->tlsPort());
        BIO_set_conn_hostname(bio.get(), target.c_str());
        return BIO_do_handshake(bio.get()) == 1;
    };
    EXPECT_TRUE(handshake(TLS1_3_VERSION)) << "the raw client itself works";
    EXPECT_TRUE(handshake(TLS1_2_VERSION));
    EXPECT_FALSE(handshake(TLS1_1_VERSION));
    EXPECT_FALSE(handshake(TLS1_VERSION));
    ASSERT_OK(connect(desk2).hello()) << "and the service still serves the post";
}

TEST_F(TlsServiceTest, ASessionTokenIsRefusedOnAnyOtherConnection) {
    startService();
    auto first = rawStub(desk2);
    std::string token;
    {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + 10s);
        v1::SignInRequest request;
        request.set_user("o1");
        request.set_password("pw-o1");
        v1::SignInReply reply;
        const auto status = first->SignIn(&context, request, &reply);
        ASSERT_TRUE(status.ok()) << status.error_message();
        token = reply.session_token();
    }
    auto getRecord = [&](v1::SecondLine::Stub& stub) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + 10s);
        context.AddMetadata("secondline-session", token);
        v1::GetRecordRequest request;
        request.set_id(1);
        v1::GetRecordReply reply;
        return stub.GetRecord(&context, request, &reply).error_code();
    };
    EXPECT_EQ(getRecord(*first), grpc::StatusCode::NOT_FOUND) << "the session works where it was made";
    auto sameDeskOtherConnection = rawStub(desk2);
    EXPECT_EQ(getRecord(*sameDeskOtherConnection), grpc::StatusCode::UNAUTHENTICATED);
    auto otherDesk = rawStub(desk3);
    EXPECT_EQ(getRecord(*otherDesk), grpc::StatusCode::UNAUTHENTICATED);
    auto unix = v1::SecondLine::NewStub(grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials()));
    EXPECT_EQ(getRecord(*unix), grpc::StatusCode::UNAUTHENTICATED) << "nor on the Unix socket";
    EXPECT_EQ(getRecord(*first), grpc::StatusCode::NOT_FOUND) << "and still where it was made";
}

TEST_F(TlsServiceTest, AKeyFileOthersMayReadStopsTheServiceFromStarting) {
    for (const unsigned mode : {0644u, 0640u, 0604u}) {
        writePem(server.key, readFile(server.key), mode);
        auto started = start(listen(server));
        EXPECT_ERROR_CODE(started, ErrorCode::InvalidArgument) << std::oct << mode;
        if (!started) {
            EXPECT_NE(started.error().message.find("group or others"), std::string::npos);
        }
    }
    auto cli = run({"service", "run", "--store", store, "--socket", socket, "--listen", "127.0.0.1:0", "--tls-cert",
                    server.cert, "--tls-key", server.key, "--client-ca", caFile});
    EXPECT_EQ(cli.exitCode, 2) << cli.err;
    EXPECT_NE(cli.err.find("invalid_argument"), std::string::npos) << cli.err;
    writePem(server.key, readFile(server.key), 0600);
    startService();
}

TEST_F(TlsServiceTest, TheCommandLineServiceListensOnAFreePortAndSaysWhichOne) {
    std::vector<std::string> args = {SECONDLINE_CLI, "service",   "run",      "--store",     store,
                                     "--socket",     socket,      "--listen", "127.0.0.1:0", "--tls-cert",
                                     server.cert,    "--tls-key", server.key, "--client-ca", caFile};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = dir.file("service.log");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    pid_t pid = -1;
    ASSERT_EQ(::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    constexpr std::string_view kAnnounce = "also listening on 127.0.0.1:";
    std::string port;
    const bool announced = waitUntil(
        [&] {
            const auto text = readFile(log);
            const auto at = text.find(kAnnounce);
            if (at == std::string::npos) return false;
            port = text.substr(at + kAnnounce.size(), text.find(' ', at + kAnnounce.size()) - at - kAnnounce.size());
            return true;
        },
        20s);
    if (announced) {
        auto hello = run({"hello", "--service", "tls:localhost:" + port, "--tls-cert", desk2.cert, "--tls-key",
                          desk2.key, "--server-ca", caFile, "--json"});
        EXPECT_EQ(hello.exitCode, 0) << hello.err;
        EXPECT_NE(port, "0");
    }
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(announced) << readFile(log);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the service did not stop cleanly";
}

TEST_F(TlsServiceTest, ListenNeedsAllThreeFilesAndPemThatParses) {
    auto tls = listen(server);
    tls.keyFile.clear();
    EXPECT_ERROR_CODE(start(tls), ErrorCode::InvalidArgument) << "no key";
    tls = listen(server);
    tls.clientCaFile.clear();
    EXPECT_ERROR_CODE(start(tls), ErrorCode::InvalidArgument) << "no client CA";
    tls = listen(server);
    tls.address = "127.0.0.1";
    EXPECT_ERROR_CODE(start(tls), ErrorCode::InvalidArgument) << "no port";
    tls = listen(server);
    tls.clientCaFile = (pki / "missing.pem").string();
    EXPECT_ERROR_CODE(start(tls), ErrorCode::FileNotFound);
    tls = listen(server);
    tls.certFile = write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", 0644);
    EXPECT_ERROR_CODE(start(tls), ErrorCode::InvalidArgument) << "garbage certificate";
    tls = listen(server);
    tls.keyFile = write("garbage.key", "not a key\n", 0600);
    EXPECT_ERROR_CODE(start(tls), ErrorCode::InvalidArgument) << "garbage key";
    tls = listen(server);
    tls.keyFile = desk2.key;
    EXPECT_ERROR_CODE(start(tls), ErrorCode::InvalidArgument) << "another certificate's key";
    EXPECT_FALSE(std::filesystem::exists(socket)) << "nothing was left behind";

    const std::vector<std::string> base = {"service", "run", "--store", store, "--socket", socket};
    auto withArgs = [&](std::vector<std::string> extra) {
        auto args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args);
    };
    auto noKey = withArgs({"--listen", "127.0.0.1:0", "--tls-cert", server.cert, "--client-ca", caFile});
    EXPECT_EQ(noKey.exitCode, 2) << noKey.err;
    EXPECT_NE(noKey.err.find("invalid_argument"), std::string::npos) << noKey.err;
    auto noListen = withArgs({"--tls-cert", server.cert, "--tls-key", server.key, "--client-ca", caFile});
    EXPECT_EQ(noListen.exitCode, 2) << noListen.err;
    EXPECT_NE(noListen.err.find("--listen"), std::string::npos) << noListen.err;
}

} // namespace
} // namespace secondline::test
