#include <secondline/core/error.h>

namespace secondline::core {

std::string_view errorCodeName(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::Internal: return "internal_error";
    case ErrorCode::Io: return "io_error";
    case ErrorCode::FileNotFound: return "file_not_found";
    case ErrorCode::DiskFull: return "disk_full";
    case ErrorCode::ReadOnly: return "read_only";
    case ErrorCode::MrzEmpty: return "mrz_empty";
    case ErrorCode::MrzTooLong: return "mrz_too_long";
    case ErrorCode::MrzLineCount: return "mrz_line_count";
    case ErrorCode::MrzLineLength: return "mrz_line_length";
    case ErrorCode::MrzCharacter: return "mrz_invalid_character";
    case ErrorCode::MrzFormat: return "mrz_unknown_format";
    case ErrorCode::ImageUnreadable: return "image_unreadable";
    case ErrorCode::ImageTooLarge: return "image_too_large";
    case ErrorCode::MrzNotFound: return "mrz_not_found";
    case ErrorCode::MrzUnreadable: return "mrz_unreadable";
    case ErrorCode::OcrUnavailable: return "ocr_unavailable";
    case ErrorCode::FontUnavailable: return "font_unavailable";
    case ErrorCode::DeviceGone: return "device_gone";
    case ErrorCode::AuthenticationFailed: return "authentication_failed";
    case ErrorCode::PermissionDenied: return "permission_denied";
    case ErrorCode::KeySlotMissing: return "keyslot_missing";
    case ErrorCode::KeySlotCorrupt: return "keyslot_corrupt";
    case ErrorCode::Crypto: return "crypto_error";
    case ErrorCode::StoreNotFound: return "store_not_found";
    case ErrorCode::StoreExists: return "store_exists";
    case ErrorCode::StoreCorrupt: return "store_corrupt";
    case ErrorCode::StoreBusy: return "store_busy";
    case ErrorCode::StoreVersionTooNew: return "store_version_too_new";
    case ErrorCode::StoreModeMismatch: return "store_mode_mismatch";
    case ErrorCode::StoreNotAStore: return "store_not_a_store";
    case ErrorCode::Database: return "database_error";
    case ErrorCode::RecordNotFound: return "record_not_found";
    case ErrorCode::UserExists: return "user_exists";
    case ErrorCode::StoreNeedsMigration: return "store_needs_migration";
    case ErrorCode::BackupCorrupt: return "backup_corrupt";
    case ErrorCode::UserNotFound: return "user_not_found";
    case ErrorCode::DeviceNotFound: return "device_not_found";
    case ErrorCode::DeviceBusy: return "device_busy";
    case ErrorCode::DeviceJammed: return "device_jammed";
    case ErrorCode::DeviceNoDocument: return "device_no_document";
    case ErrorCode::DeviceCoverOpen: return "device_cover_open";
    case ErrorCode::DeviceCancelled: return "device_cancelled";
    case ErrorCode::DeviceIo: return "device_io_error";
    case ErrorCode::DeviceTimeout: return "device_timeout";
    case ErrorCode::DeviceOptionInvalid: return "device_option_invalid";
    case ErrorCode::PolicyInvalid: return "policy_invalid";
    case ErrorCode::PolicyForbids: return "policy_forbids";
    case ErrorCode::AccountLocked: return "account_locked";
    case ErrorCode::SessionExpired: return "session_expired";
    case ErrorCode::LegalHold: return "legal_hold";
    case ErrorCode::ShareInvalid: return "share_invalid";
    case ErrorCode::AuditInvalid: return "audit_invalid";
    case ErrorCode::StoreTampered: return "store_tampered";
    case ErrorCode::PasswordWeak: return "password_weak";
    case ErrorCode::ServiceUnavailable: return "service_unavailable";
    case ErrorCode::StoreFolderUnsafe: return "store_folder_unsafe";
    case ErrorCode::RootKeyUnavailable: return "root_key_unavailable";
    case ErrorCode::ErasureLedgerInvalid: return "erasure_ledger_invalid";
    }
    return "internal_error";
}

std::optional<ErrorCode> errorCodeFromName(std::string_view name) noexcept {
    for (int i = 0; i <= static_cast<int>(kLastErrorCode); ++i) {
        const auto code = static_cast<ErrorCode>(i);
        if (errorCodeName(code) == name) return code;
    }
    return std::nullopt;
}

} // namespace secondline::core
