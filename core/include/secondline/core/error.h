#pragma once
// Shared error vocabulary. Every expected failure in SecondLine is an Error value carrying a stable
// machine-readable ErrorCode (callers branch on it; the CLI prints its name in JSON) and a message for a
// human. Messages name the field, position or file role, never a personal value: an Error may be logged.

#include <optional>
#include <string>
#include <string_view>

namespace secondline::core {

/// Stable codes. The names returned by errorCodeName() are part of the command-line JSON contract:
/// never rename or reuse one; add new codes at the end of their group.
enum class ErrorCode {
    // generic
    InvalidArgument, ///< a caller passed something the API does not accept
    Internal,        ///< a bug or an unexpected library failure; message says where
    Io,              ///< reading or writing a file failed
    FileNotFound,    ///< an input file does not exist
    DiskFull,        ///< no space left (or a file size limit) while writing
    ReadOnly,        ///< the target cannot be written
    // MRZ text
    MrzEmpty,      ///< no MRZ text at all
    MrzTooLong,    ///< input larger than any MRZ could be
    MrzLineCount,  ///< number of lines fits no format
    MrzLineLength, ///< line lengths fit no format
    MrzCharacter,  ///< a character outside A-Z 0-9 <
    MrzFormat,     ///< line shape fits no document format
    // images and capture
    ImageUnreadable, ///< file is not a decodable image
    ImageTooLarge,   ///< image dimensions beyond the limits
    MrzNotFound,     ///< no MRZ in the image
    MrzUnreadable,   ///< an MRZ band was found but could not be read
    OcrUnavailable,  ///< the OCR engine or its model could not be loaded
    FontUnavailable, ///< a font needed for rendering is missing
    DeviceGone,      ///< a capture device disappeared
    // keys, users, access
    AuthenticationFailed, ///< unknown user or wrong password (deliberately not told apart)
    PermissionDenied,     ///< the session's role may not do this
    KeySlotMissing,       ///< the key slot file is missing
    KeySlotCorrupt,       ///< the key slot file fails to parse or authenticate
    Crypto,               ///< a cryptographic primitive failed (out of memory, bad parameters)
    // store
    StoreNotFound,       ///< no store at the path
    StoreExists,         ///< refusing to overwrite an existing store
    StoreCorrupt,        ///< the database fails to decrypt with a valid key, or fails integrity checks
    StoreBusy,           ///< another process holds the store
    StoreVersionTooNew,  ///< written by a newer SecondLine
    StoreModeMismatch,   ///< a training store opened as production, or the reverse
    StoreNotAStore,      ///< the file is not a SecondLine store (e.g. a plain SQLite file)
    Database,            ///< any other database failure
    RecordNotFound,      ///< no record with that id visible to this session
    UserExists,          ///< a user with that name already exists
    StoreNeedsMigration, ///< opened without migrating: only a backup of an older store is possible
    BackupCorrupt,       ///< a backup file fails to parse, authenticate or verify
    UserNotFound,        ///< no active user with that name (administration only; sign-in says AuthenticationFailed)
    // capture devices (scanners, cameras, document readers); DeviceGone above is one of them
    DeviceNotFound,      ///< no device with that id, or it cannot be opened
    DeviceBusy,          ///< the device is in use by another program (retry later)
    DeviceJammed,        ///< paper or document jam (clear it and retry)
    DeviceNoDocument,    ///< nothing on the glass or in the feeder
    DeviceCoverOpen,     ///< the scanner cover is open (close it and retry)
    DeviceCancelled,     ///< the acquisition was cancelled (by the user or at the device)
    DeviceIo,            ///< the device reported an input/output error (retry; check the cable)
    DeviceTimeout,       ///< the device did not deliver within the time allowed
    DeviceOptionInvalid, ///< a resolution, mode, area or option the device does not support
    // privacy
    PolicyInvalid,  ///< a policy pack fails to parse or to validate against its schema
    PolicyForbids,  ///< the policy pack does not allow this (a purpose, field, image, erasure or sharing)
    AccountLocked,  ///< too many failed sign-ins: the account is locked for a while
    SessionExpired, ///< the session was idle too long; sign in again
    LegalHold,      ///< the record is under a legal hold: it may not be erased or purged
    ShareInvalid,   ///< a sharing package fails to verify or to decrypt, or is not for this recipient
    AuditInvalid,   ///< an audit export or checkpoint is malformed or does not verify
    StoreTampered,  ///< the store's schema holds a trigger, view, table or index SecondLine did not create
    PasswordWeak,   ///< a production store refuses the password or the Argon2id cost (the message says which rule)
    // the service (clients)
    ServiceUnavailable, ///< the service cannot be reached (not running, socket missing, no answer in time)
    StoreFolderUnsafe,  ///< the store's folder or a file in it is not the service account's alone (owner, mode)
    // keys (issue 18: keys users never hold)
    RootKeyUnavailable, ///< the store's root key file is missing or cannot be read
    // backups (issue 18, item 9: escrow keys, erased stays erased)
    ErasureLedgerInvalid, ///< the erasure ledger is malformed, fails its MAC chain, is of another store, or is
                          ///< missing or older than a backup that recorded it
};
/// The last code: every code lies in [0, kLastErrorCode] (tests and errorCodeFromName() iterate over them).
inline constexpr ErrorCode kLastErrorCode = ErrorCode::ErasureLedgerInvalid;

/// Stable snake_case name of a code, e.g. "mrz_not_found".
[[nodiscard]] std::string_view errorCodeName(ErrorCode code) noexcept;

/// The code whose errorCodeName() is `name`, or nullopt for a name this build does not know (a newer
/// service's code, say: clients then report Internal with the name in the message).
[[nodiscard]] std::optional<ErrorCode> errorCodeFromName(std::string_view name) noexcept;

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message; ///< for a human; never contains personal data
};

} // namespace secondline::core
