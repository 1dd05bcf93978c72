#pragma once
// A traveller's rights and the record's life under them: rectification, legal holds, erasure, disclosures
// under sharing agreements, and subject access. A facet of Store (store.subjects()).

#include <secondline/core/clock.h>
#include <secondline/core/ids.h>
#include <secondline/core/result.h>
#include <secondline/privacy/audit.h>
#include <secondline/storage/flags.h>
#include <secondline/storage/records.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

/// A disclosure of a record to another agency under a sharing agreement.
struct Disclosure {
    core::RecordId recordId{};
    core::TimePoint time{};
    std::string user;
    std::string agreement;
    std::string recipient;
    std::string purpose;
    std::string legalReference;
    std::vector<std::string> fields; ///< the fields that left the workstation
};

/// Everything held about one traveller (subject access): their records with images, flags, rectifications,
/// the disclosures made of them and every consultation of them in the audit trail.
struct SubjectData {
    std::vector<StoredRecord> records;
    std::vector<std::pair<core::RecordId, StoredImage>> images; ///< record id, image
    std::vector<Flag> flags;
    std::vector<Disclosure> disclosures;
    std::vector<privacy::AuditEntry> accessLog; ///< every audit entry naming one of the records
};

/// store.subjects(): correcting, holding, erasing, sharing and exporting what is held about a traveller.
class SubjectRights {
public:
    /// Corrects one field of a visible record (its standardized value; the printed MRZ stays as read), with a
    /// reason; the old value joins the record's history. Errors: RecordNotFound, PermissionDenied,
    /// InvalidArgument (unknown field, malformed value, empty reason), PolicyForbids (a field the record's
    /// profile does not keep).
    [[nodiscard]] core::Status rectify(core::RecordId recordId, std::string_view field, std::string_view value,
                                       std::string_view reason);
    /// Places (or releases) a legal hold: a held record is neither purged nor erased. Errors: RecordNotFound,
    /// PermissionDenied, InvalidArgument (empty reason).
    [[nodiscard]] core::Status setLegalHold(core::RecordId recordId, bool hold, std::string_view reason);
    /// Erases a record (and its images, flags and history) on the traveller's request, where the pack allows
    /// it for the record's outcome; refusals are audited too. Errors: RecordNotFound, PermissionDenied,
    /// LegalHold, PolicyForbids, InvalidArgument (empty reason).
    [[nodiscard]] core::Status erase(core::RecordId recordId, std::string_view reason);
    /// Subject access: everything held about the holder of one document. Errors: PermissionDenied.
    [[nodiscard]] core::Result<SubjectData> exportSubject(std::string_view issuingState,
                                                          std::string_view documentNumber);
    /// A case for another agency under sharing agreement `agreement`: only the agreement's fields, sealed to
    /// the recipient's key and signed by the workstation (privacy/sharing.h); recorded as a disclosure.
    /// Anything outside an agreement is refused and the refusal audited. Errors: RecordNotFound,
    /// PermissionDenied, PolicyForbids (no such agreement), InvalidArgument (empty justification).
    [[nodiscard]] core::Result<std::string> share(core::RecordId recordId, std::string_view agreement,
                                                  std::string_view justification);
    /// The disclosures made of a visible record. Errors: RecordNotFound, PermissionDenied.
    [[nodiscard]] core::Result<std::vector<Disclosure>> disclosures(core::RecordId recordId);

private:
    friend class Store;
    explicit SubjectRights(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
