// Issue 18, item 9: backups sealed to an escrow key, and records erased since a backup staying erased once it is
// restored (the erasure ledger). Real SQLCipher files on disk; generated travellers only.

#include "privacy_store_fixture.h"

#include <secondline/privacy/escrow.h>

#include <algorithm>
#include <filesystem>

namespace secondline::privacy_store {
namespace {

using storage::RestoreOptions;

class EscrowBackup : public PrivacyStore {
protected:
    test::TempDir machine2;
    std::string backupFile = dir.file("store.slbackup");
    std::string target = machine2.file("restored.db");

    void SetUp() override { build(); }

    privacy::EscrowKeyPair keyPair() {
        auto keys = privacy::newEscrowKeyPair();
        if (!keys) throw std::runtime_error(keys.error().message);
        return std::move(*keys);
    }

    void backupTo(const privacy::EscrowKeyPair& keys, const std::string& file) {
        auto admin = open("admin");
        ASSERT_OK(admin);
        auto report = admin->maintenance().backupToEscrow(file, keys.publicKeyHex);
        ASSERT_OK(report);
        EXPECT_EQ(report->escrowFingerprint, privacy::escrowFingerprint(keys.publicKeyHex));
    }

    core::Result<Store> openAt(const std::string& at, const std::string& user) {
        return Store::open(at, user, test::password("pw-" + user), {}, clock);
    }

    std::vector<privacy::AuditEntry> trailOf(const std::string& at) {
        auto auditor = openAt(at, "auditor");
        if (!auditor) throw std::runtime_error(auditor.error().message);
        auto trail = auditor->audit().entries();
        if (!trail) throw std::runtime_error(trail.error().message);
        return *trail;
    }

    /// Nothing of a store at `target` after a refused restore (the empty lock file aside).
    void expectNothingRestored() {
        for (const auto& e : std::filesystem::directory_iterator(machine2.path())) {
            const std::string name = e.path().filename().string();
            if (name == "restored.db.lock") continue;
            ADD_FAILURE() << "left behind: " << name;
        }
    }
};

TEST_F(EscrowBackup, RoundTripWithTheMatchingSecretKeyAndNoPassword) {
    const auto keys = keyPair();
    backupTo(keys, backupFile);
    const std::string bytes = test::readFile(backupFile);
    EXPECT_FALSE(test::contains(bytes, "ERIKSSON")) << "the backup is encrypted";
    EXPECT_FALSE(test::contains(bytes, "L898902C3"));
    EXPECT_FALSE(test::contains(bytes, "\"user\": \"backup\"")) << "no password slot";
    // The trail of the store names the key the backup was sealed to.
    const auto trail = trailOf(path);
    const auto entry =
        std::find_if(trail.rbegin(), trail.rend(), [](const auto& e) { return e.action == "store.backup"; });
    ASSERT_NE(entry, trail.rend());
    EXPECT_TRUE(test::contains(entry->detail, "sealed to escrow key " + privacy::escrowFingerprint(keys.publicKeyHex)))
        << entry->detail;

    auto report = Store::restoreFromEscrow(backupFile, keys, target, clock);
    ASSERT_OK(report);
    EXPECT_EQ(report->records, 2);
    EXPECT_EQ(report->escrowFingerprint, privacy::escrowFingerprint(keys.publicKeyHex));
    EXPECT_EQ(report->erasedAgain, 0);
    auto supervisor = openAt(target, "supervisor");
    ASSERT_OK(supervisor) << "users keep their passwords";
    EXPECT_OK(supervisor->records().get(recordA));
    EXPECT_OK(supervisor->records().get(recordB));
    supervisor->logout();
    auto admin = openAt(target, "admin");
    ASSERT_OK(admin);
    auto check = admin->maintenance().check();
    ASSERT_OK(check);
    EXPECT_TRUE(check->ok()) << check->problems;
}

TEST_F(EscrowBackup, AWrongSecretKeyIsRefusedAndLeavesNothing) {
    backupTo(keyPair(), backupFile);
    EXPECT_ERROR_CODE(Store::restoreFromEscrow(backupFile, keyPair(), target, clock), ErrorCode::AuthenticationFailed);
    expectNothingRestored();
}

TEST_F(EscrowBackup, ATamperedBackupIsRefused) {
    const auto keys = keyPair();
    backupTo(keys, backupFile);
    const std::string good = test::readFile(backupFile);
    auto expectRefused = [&](std::string bytes, ErrorCode code, const char* what) {
        SCOPED_TRACE(what);
        const std::string file = dir.file("candidate.slbackup");
        std::filesystem::remove(file);
        test::writeFile(file, bytes);
        EXPECT_ERROR_CODE(Store::restoreFromEscrow(file, keys, target, clock), code);
        expectNothingRestored();
    };
    auto flipAfter = [&](const std::string& marker) {
        std::string bytes = good;
        const auto at = bytes.find(marker);
        EXPECT_NE(at, std::string::npos) << marker;
        char& c = bytes[at + marker.size() + 10];
        c = c == '0' ? '1' : '0';
        return bytes;
    };
    expectRefused(flipAfter("\"escrow_sealed_key\": \""), ErrorCode::BackupCorrupt, "sealed key edited");
    expectRefused(flipAfter("\"erasure_ledger_head\": \""), ErrorCode::BackupCorrupt, "ledger head edited");
    std::string flipped = good;
    flipped[flipped.size() - 1000] = static_cast<char>(flipped[flipped.size() - 1000] ^ 0x20);
    expectRefused(flipped, ErrorCode::BackupCorrupt, "one bit flipped in the database");
    expectRefused(good.substr(0, good.size() - 4096), ErrorCode::BackupCorrupt, "truncated");
    // A fingerprint edited to match another key is still refused: the other key cannot open the sealed key.
    const auto other = keyPair();
    std::string swapped = good;
    const std::string mine = privacy::escrowFingerprint(keys.publicKeyHex);
    swapped.replace(swapped.find(mine), mine.size(), privacy::escrowFingerprint(other.publicKeyHex));
    const std::string file = dir.file("swapped.slbackup");
    test::writeFile(file, swapped);
    EXPECT_ERROR_CODE(Store::restoreFromEscrow(file, other, target, clock), ErrorCode::BackupCorrupt);
    expectNothingRestored();
}

// The security claim as an attack: the backup file, every user's password and the store's own root key file, but
// not the escrow secret key, restore nothing.
TEST_F(EscrowBackup, EveryPasswordAndTheRootKeyWithoutTheEscrowSecretRestoreNothing) {
    backupTo(keyPair(), backupFile);
    for (const char* user : {"admin", "officer1", "officer2", "supervisor", "auditor"}) {
        SCOPED_TRACE(user);
        const auto pw = test::password(std::string("pw-") + user);
        EXPECT_ERROR_CODE(Store::restoreWith(backupFile, pw, target, clock, {}), ErrorCode::InvalidArgument)
            << "no password opens an escrow backup";
        expectNothingRestored();
    }
    // The root key file's bytes as a "password", and the root key as an escrow secret key.
    const std::string rootText = test::readFile(storage::rootKeyPath(path));
    EXPECT_ERROR_CODE(Store::restoreWith(backupFile, test::password(rootText), target, clock, {}),
                      ErrorCode::InvalidArgument);
    auto root = storage::readRootKey(storage::rootKeyPath(path));
    ASSERT_OK(root);
    auto rootAsEscrow = keyPair();
    rootAsEscrow.secret = std::move(*root);
    EXPECT_ERROR_CODE(Store::restoreFromEscrow(backupFile, rootAsEscrow, target, clock),
                      ErrorCode::AuthenticationFailed);
    expectNothingRestored();
}

TEST_F(EscrowBackup, APasswordBackupIsNotOpenedByAnEscrowKey) {
    {
        auto admin = open("admin");
        ASSERT_OK(admin);
        ASSERT_OK(admin->maintenance().backup(backupFile, test::password("backup-pw"), fastKdf()));
    }
    EXPECT_ERROR_CODE(Store::restoreFromEscrow(backupFile, keyPair(), target, clock), ErrorCode::InvalidArgument);
    expectNothingRestored();
}

TEST_F(EscrowBackup, AMalformedEscrowPublicKeyIsRefusedBeforeAnythingIsWritten) {
    {
        auto admin = open("admin");
        ASSERT_OK(admin);
        EXPECT_ERROR_CODE(admin->maintenance().backupToEscrow(backupFile, "abcd"), ErrorCode::InvalidArgument);
        EXPECT_ERROR_CODE(admin->maintenance().backupToEscrow(backupFile, std::string(64, '0')),
                          ErrorCode::InvalidArgument);
        EXPECT_FALSE(std::filesystem::exists(backupFile));
    }
    auto officer = open("officer1");
    ASSERT_OK(officer);
    EXPECT_ERROR_CODE(officer->maintenance().backupToEscrow(backupFile, keyPair().publicKeyHex),
                      ErrorCode::PermissionDenied);
}

// ---- erased stays erased ----------------------------------------------------------------------------------------

TEST_F(EscrowBackup, ARecordErasedAfterTheBackupIsErasedAgainByTheRestoreAndAudited) {
    const auto keys = keyPair();
    backupTo(keys, backupFile);
    {
        auto supervisor = open("supervisor");
        ASSERT_OK(supervisor);
        ASSERT_OK(supervisor->subjects().erase(recordB, "traveller asked"));
    }
    const std::string ledgerPath = storage::erasureLedgerPath(path);
    ASSERT_TRUE(std::filesystem::exists(ledgerPath));
    EXPECT_EQ(std::filesystem::status(ledgerPath).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const std::string ledgerText = test::readFile(ledgerPath);
    for (const char* personal : {"ERIKSSON", "ANNA", "D23145890", "740812"})
        EXPECT_FALSE(test::contains(ledgerText, personal)) << "the ledger holds no personal data";

    RestoreOptions options;
    options.erasureLedger = ledgerPath;
    auto report = Store::restoreFromEscrow(backupFile, keys, target, clock, options);
    ASSERT_OK(report);
    EXPECT_TRUE(report->erasureLedgerFound);
    EXPECT_EQ(report->erasureLedgerEntries, 1);
    EXPECT_EQ(report->erasedAgain, 1);
    EXPECT_EQ(report->records, 1);
    {
        auto supervisor = openAt(target, "supervisor");
        ASSERT_OK(supervisor);
        EXPECT_ERROR_CODE(supervisor->records().get(recordB), ErrorCode::RecordNotFound) << "erased stays erased";
        EXPECT_OK(supervisor->records().get(recordA));
    }
    EXPECT_EQ(test::readFile(storage::erasureLedgerPath(target)), ledgerText)
        << "the restored store goes on with the ledger";
    const auto trail = trailOf(target);
    const auto restore =
        std::find_if(trail.begin(), trail.end(), [](const auto& e) { return e.action == "store.restore"; });
    ASSERT_NE(restore, trail.end());
    EXPECT_TRUE(test::contains(restore->detail, "erasure ledger 1 entries, 1 records erased again")) << restore->detail;
    const auto erase = std::next(restore);
    ASSERT_NE(erase, trail.end());
    EXPECT_EQ(erase->action, "record.erase");
    EXPECT_EQ(erase->userName, "(restore)");
    ASSERT_TRUE(erase->recordId.has_value());
    EXPECT_EQ(*erase->recordId, recordB.value());
    EXPECT_EQ(erase->detail, "erased again after restore, erasure ledger entry 1");
    {
        auto admin = openAt(target, "admin");
        ASSERT_OK(admin);
        auto check = admin->maintenance().check();
        ASSERT_OK(check);
        EXPECT_TRUE(check->ok()) << "the trail with the restore's erasures verifies: " << check->problems;
    }
    // The raw database holds no row of it either.
    EXPECT_EQ(queryInt(target, "", "", "SELECT count(*) FROM records WHERE id = " + std::to_string(recordB.value())),
              0);
}

TEST_F(EscrowBackup, AStoreRestoredInPlaceFindsItsOwnLedger) {
    const auto keys = keyPair();
    backupTo(keys, backupFile);
    {
        auto supervisor = open("supervisor");
        ASSERT_OK(supervisor);
        ASSERT_OK(supervisor->subjects().erase(recordB, "traveller asked"));
    }
    // The database and its key files are lost; the ledger beside them is not.
    for (const std::string& f : {path, storage::keySlotPath(path), storage::rootKeyPath(path)})
        std::filesystem::remove(f);
    auto report = Store::restoreFromEscrow(backupFile, keys, path, clock);
    ASSERT_OK(report);
    EXPECT_EQ(report->erasedAgain, 1);
    auto supervisor = open("supervisor");
    ASSERT_OK(supervisor);
    EXPECT_ERROR_CODE(supervisor->records().get(recordB), ErrorCode::RecordNotFound);
}

TEST_F(EscrowBackup, ARecordPurgedByRetentionAfterTheBackupStaysPurged) {
    {
        auto officer = open("officer1");
        ASSERT_OK(officer);
        ASSERT_OK(officer->records().closeEncounter(officer->records().get(recordA)->encounter.encounterId.value(),
                                                    "cleared"));
    }
    const auto keys = keyPair();
    backupTo(keys, backupFile);
    clock.advance(std::chrono::days{31});
    {
        auto admin = open("admin"); // the purge at sign-in erases recordA
        ASSERT_OK(admin);
        ASSERT_OK(admin->purgeAtOpen());
    }
    RestoreOptions options;
    options.erasureLedger = storage::erasureLedgerPath(path);
    auto report = Store::restoreFromEscrow(backupFile, keys, target, clock, options);
    ASSERT_OK(report);
    // recordA was cleared, recordB left open: the default pack keeps both 30 days.
    EXPECT_EQ(report->erasedAgain, 2);
    EXPECT_EQ(report->records, 0);
    const auto trail = trailOf(target);
    std::vector<std::int64_t> erased;
    for (const auto& e : trail)
        if (e.action == "record.erase" && e.userName == "(restore)") {
            EXPECT_EQ(e.purpose, "retention");
            erased.push_back(e.recordId.value_or(0));
        }
    EXPECT_EQ(erased, (std::vector<std::int64_t>{recordA.value(), recordB.value()}));
}

TEST_F(EscrowBackup, ALostLedgerIsRefusedUnlessSaidSoAndThenTheTrailSaysIt) {
    {
        auto supervisor = open("supervisor");
        ASSERT_OK(supervisor);
        ASSERT_OK(supervisor->subjects().erase(recordB, "traveller asked"));
    }
    const auto keys = keyPair();
    backupTo(keys, backupFile); // records a ledger of 1 entry
    EXPECT_ERROR_CODE(Store::restoreFromEscrow(backupFile, keys, target, clock), ErrorCode::ErasureLedgerInvalid)
        << "no ledger at the target, none given";
    expectNothingRestored();
    RestoreOptions lost;
    lost.erasureLedgerLost = true;
    auto report = Store::restoreFromEscrow(backupFile, keys, target, clock, lost);
    ASSERT_OK(report);
    EXPECT_FALSE(report->erasureLedgerFound);
    const auto trail = trailOf(target);
    const auto restore =
        std::find_if(trail.begin(), trail.end(), [](const auto& e) { return e.action == "store.restore"; });
    ASSERT_NE(restore, trail.end());
    EXPECT_TRUE(test::contains(restore->detail, "erasure ledger LOST (the backup recorded 1 entries)"))
        << restore->detail;
}

TEST_F(EscrowBackup, AnEditedOrOlderLedgerIsRefused) {
    const auto keys = keyPair();
    {
        auto supervisor = open("supervisor");
        ASSERT_OK(supervisor);
        ASSERT_OK(supervisor->subjects().erase(recordB, "traveller asked"));
    }
    backupTo(keys, backupFile);
    const std::string ledgerText = test::readFile(storage::erasureLedgerPath(path));
    const std::string ledgerFile = dir.file("given.erasures");
    RestoreOptions options;
    options.erasureLedger = ledgerFile;
    auto expectRefused = [&](const std::string& text, const char* what) {
        SCOPED_TRACE(what);
        std::filesystem::remove(ledgerFile);
        test::writeFile(ledgerFile, text);
        EXPECT_ERROR_CODE(Store::restoreFromEscrow(backupFile, keys, target, clock, options),
                          ErrorCode::ErasureLedgerInvalid);
        expectNothingRestored();
    };
    std::string edited = ledgerText;
    const auto tagAt = edited.find("request ") + 8;
    edited[tagAt] = edited[tagAt] == 'a' ? 'b' : 'a';
    expectRefused(edited, "a tag edited");
    expectRefused(ledgerText.substr(0, ledgerText.find("request ")), "cut back to before the backup");
    expectRefused("secondline-erasures 1\nstore 00000000000000000000000000000000\n", "another store's");
    expectRefused(ledgerText + "request 0123", "a partial line");
}

TEST_F(EscrowBackup, ErasureTrailEntryNamesItsLedgerPosition) {
    {
        auto supervisor = open("supervisor");
        ASSERT_OK(supervisor);
        ASSERT_OK(supervisor->subjects().erase(recordB, "traveller asked"));
    }
    auto trail = trailOf(path);
    const auto erase =
        std::find_if(trail.begin(), trail.end(), [](const auto& e) { return e.action == "record.erase"; });
    ASSERT_NE(erase, trail.end());
    EXPECT_EQ(erase->detail, "0 images, erasure ledger entry 1");
}

} // namespace
} // namespace secondline::privacy_store
