#include <secondline/wire/records.h>

#include <secondline/validation/mrz_format.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>

namespace secondline::wire {

using core::ErrorCode;
using core::fail;

namespace {

core::Error unknown(const char* what) {
    return {ErrorCode::Internal, std::string("the service answered with a ") + what + " this client does not know"};
}

std::optional<validation::MrzFormat> formatFrom(std::string_view name) {
    using validation::MrzFormat;
    for (auto f : {MrzFormat::TD1, MrzFormat::TD2, MrzFormat::TD3, MrzFormat::MRVA, MrzFormat::MRVB})
        if (validation::formatName(f) == name) return f;
    return std::nullopt;
}

std::optional<validation::CheckStatus> checkStatusFrom(std::string_view name) {
    using validation::CheckStatus;
    for (auto s : {CheckStatus::Pass, CheckStatus::Fail, CheckStatus::NotApplicable})
        if (validation::checkStatusName(s) == name) return s;
    return std::nullopt;
}

std::optional<validation::Severity> severityFrom(std::string_view name) {
    using validation::Severity;
    for (auto s : {Severity::Info, Severity::Warning, Severity::Error})
        if (validation::severityName(s) == name) return s;
    return std::nullopt;
}

void toWire(const validation::MrzDate& date, v1::MrzDate& out) {
    if (date.year) out.set_year(*date.year);
    if (date.month) out.set_month(*date.month);
    if (date.day) out.set_day(*date.day);
}

validation::MrzDate dateFrom(const v1::MrzDate& date) {
    validation::MrzDate out;
    if (date.has_year()) out.year = date.year();
    if (date.has_month()) out.month = date.month();
    if (date.has_day()) out.day = date.day();
    return out;
}

void toWire(const storage::EncounterInfo& e, v1::Encounter& out) {
    out.set_id(e.encounterId.value_or(core::EncounterId{}).value());
    out.set_source(e.source);
    out.set_purpose(e.purpose);
    out.set_location(e.location);
    out.set_desk(e.desk);
    out.set_outcome(e.outcome);
    out.set_notes(e.notes);
}

storage::EncounterInfo encounterFrom(const v1::Encounter& e) {
    storage::EncounterInfo out;
    out.source = e.source();
    out.purpose = e.purpose();
    out.location = e.location();
    out.desk = e.desk();
    out.outcome = e.outcome();
    out.notes = e.notes();
    if (e.id() != 0) out.encounterId = core::EncounterId{e.id()};
    return out;
}

} // namespace

std::int64_t toWire(core::TimePoint t) noexcept {
    return t.time_since_epoch().count();
}

core::TimePoint timeFromWire(std::int64_t ms) noexcept {
    return core::TimePoint{std::chrono::milliseconds{ms}};
}

v1::Image::Kind toWire(storage::ImageKind kind) noexcept {
    return kind == storage::ImageKind::Portrait ? v1::Image::PORTRAIT : v1::Image::DOCUMENT;
}

std::optional<storage::ImageKind> imageKindFrom(v1::Image::Kind kind) noexcept {
    switch (kind) {
    case v1::Image::DOCUMENT: return storage::ImageKind::Document;
    case v1::Image::PORTRAIT: return storage::ImageKind::Portrait;
    default: return std::nullopt;
    }
}

std::optional<storage::FlagKind> flagKindFrom(std::string_view name) noexcept {
    for (auto k : {storage::FlagKind::Review, storage::FlagKind::Referral})
        if (storage::flagKindName(k) == name) return k;
    return std::nullopt;
}

// ---- replies: store -> message

void toWire(const validation::TravelDocument& d, v1::Document& out) {
    out.set_format(std::string(validation::formatName(d.format)));
    for (const auto& line : d.lines) out.add_lines(line);
    for (const auto& f : d.fields) {
        auto* field = out.add_fields();
        field->set_name(f.name);
        field->set_raw(f.raw);
        field->set_value(f.value);
        field->set_line(f.line);
        field->set_position(f.position);
        field->set_check_digit_verified(f.checkDigitVerified);
        field->set_confidence(f.confidence);
        field->set_description(f.description);
    }
    for (const auto& c : d.checks) {
        auto* check = out.add_checks();
        check->set_name(c.name);
        check->set_status(std::string(validation::checkStatusName(c.status)));
        check->set_line(c.line);
        check->set_position(c.position);
    }
    for (const auto& f : d.findings) {
        auto* finding = out.add_findings();
        finding->set_field(f.field);
        finding->set_code(std::string(validation::findingCodeName(f.code)));
        finding->set_severity(std::string(validation::severityName(f.severity)));
        finding->set_message(f.message);
    }
    out.set_valid(d.valid());
    if (d.ageAtInspection) out.set_age_at_inspection(*d.ageAtInspection);
    if (d.daysToExpiry) out.set_days_to_expiry(*d.daysToExpiry);
}

void toWire(const validation::TravelDocument& d, v1::Document& out, v1::MrzDate& birth, v1::MrzDate& expiry) {
    toWire(d, out);
    toWire(d.birthDate, birth);
    toWire(d.expiryDate, expiry);
}

void toWire(const storage::StoredRecord& r, v1::StoredRecord& out) {
    out.set_id(r.id.value());
    out.set_created_ms(toWire(r.created));
    out.set_officer(r.officer);
    toWire(r.encounter, *out.mutable_encounter());
    toWire(r.document, *out.mutable_document(), *out.mutable_birth_date(), *out.mutable_expiry_date());
    out.set_legal_hold(r.legalHold);
    for (const auto& h : r.history) {
        auto* one = out.add_history();
        one->set_time_ms(toWire(h.time));
        one->set_user(h.user);
        one->set_field(h.field);
        one->set_old_value(h.oldValue);
        one->set_new_value(h.newValue);
        one->set_reason(h.reason);
    }
}

void toWire(const storage::RecordSummary& s, v1::StoredSummary& out) {
    out.set_id(s.id.value());
    out.set_created_ms(toWire(s.created));
    out.set_officer(s.officer);
    out.set_format(s.format);
    out.set_valid(s.valid);
}

void toWire(const storage::StoredImage& image, v1::StoredImage& out) {
    out.set_id(image.id);
    auto* i = out.mutable_image();
    i->set_kind(toWire(image.kind));
    i->set_media_type(image.mediaType);
    i->set_width(image.width);
    i->set_height(image.height);
    i->set_data(image.data.data(), image.data.size());
}

void toWire(const storage::Flag& f, v1::StoredFlag& out) {
    out.set_id(f.id.value());
    out.set_record_id(f.recordId.value());
    out.set_kind(std::string(storage::flagKindName(f.kind)));
    out.set_basis(std::string(storage::referralBasisName(f.basis)));
    out.set_reason(f.reason);
    out.set_referred_to(f.referredTo);
    out.set_status(std::string(storage::flagStatusName(f.status)));
    for (const auto& e : f.history) {
        auto* event = out.add_history();
        event->set_time_ms(toWire(e.time));
        event->set_user(e.user);
        event->set_status(std::string(storage::flagStatusName(e.status)));
        event->set_note(e.note);
    }
}

void toWire(const storage::Disclosure& d, v1::StoredDisclosure& out) {
    out.set_record_id(d.recordId.value());
    out.set_time_ms(toWire(d.time));
    out.set_user(d.user);
    out.set_agreement(d.agreement);
    out.set_recipient(d.recipient);
    out.set_purpose(d.purpose);
    out.set_legal_reference(d.legalReference);
    for (const auto& f : d.fields) out.add_fields(f);
}

void toWire(const privacy::AuditEntry& e, v1::SubjectAccessEntry& out) {
    out.set_sequence(e.sequence);
    out.set_time_ms(toWire(e.time));
    out.set_user_name(e.userName);
    out.set_role(e.role);
    out.set_action(e.action);
    if (e.recordId) out.set_record_id(*e.recordId);
    out.set_purpose(e.purpose);
    out.set_detail(e.detail);
    out.set_previous_hash(e.previousHash);
    out.set_hash(e.hash);
    out.set_justification(e.justification);
    out.set_signature(e.signature);
}

void toWire(const storage::SubjectData& data, v1::SubjectDataReply& out) {
    for (const auto& r : data.records) toWire(r, *out.add_records());
    for (const auto& [recordId, image] : data.images) {
        auto* one = out.add_images();
        one->set_record_id(recordId.value());
        toWire(image, *one->mutable_image());
    }
    for (const auto& f : data.flags) toWire(f, *out.add_flags());
    for (const auto& d : data.disclosures) toWire(d, *out.add_disclosures());
    for (const auto& e : data.accessLog) toWire(e, *out.add_access_log());
}

void toWire(const storage::SavedEncounter& saved, v1::SaveEncounterReply& out) {
    out.set_record_id(saved.recordId.value());
    out.set_encounter_id(saved.encounterId.value());
    for (auto id : saved.imageIds) out.add_image_ids(id);
    if (saved.flagId) out.set_flag_id(saved.flagId->value());
}

// ---- replies: message -> store

core::Result<validation::TravelDocument> fromWire(const v1::Document& d, const v1::MrzDate& birth,
                                                  const v1::MrzDate& expiry) {
    validation::TravelDocument out;
    const auto format = formatFrom(d.format());
    if (!format) return fail(unknown("document format"));
    out.format = *format;
    out.lines.assign(d.lines().begin(), d.lines().end());
    for (const auto& f : d.fields())
        out.fields.push_back({.name = f.name(),
                              .raw = f.raw(),
                              .value = f.value(),
                              .line = f.line(),
                              .position = f.position(),
                              .checkDigitVerified = f.check_digit_verified(),
                              .confidence = f.confidence(),
                              .description = f.description()});
    for (const auto& c : d.checks()) {
        const auto status = checkStatusFrom(c.status());
        if (!status) return fail(unknown("check status"));
        out.checks.push_back({.name = c.name(), .status = *status, .line = c.line(), .position = c.position()});
    }
    for (const auto& f : d.findings()) {
        const auto code = validation::findingCodeFrom(f.code());
        const auto severity = severityFrom(f.severity());
        if (!code || !severity) return fail(unknown("finding"));
        out.findings.push_back({.field = f.field(), .code = *code, .severity = *severity, .message = f.message()});
    }
    out.birthDate = dateFrom(birth);
    out.expiryDate = dateFrom(expiry);
    if (d.has_age_at_inspection()) out.ageAtInspection = d.age_at_inspection();
    if (d.has_days_to_expiry()) out.daysToExpiry = d.days_to_expiry();
    return out;
}

core::Result<storage::StoredRecord> fromWire(const v1::StoredRecord& r) {
    storage::StoredRecord out;
    out.id = core::RecordId{r.id()};
    out.created = timeFromWire(r.created_ms());
    out.officer = r.officer();
    out.encounter = encounterFrom(r.encounter());
    auto document = fromWire(r.document(), r.birth_date(), r.expiry_date());
    if (!document) return fail(document.error());
    out.document = std::move(*document);
    out.legalHold = r.legal_hold();
    for (const auto& h : r.history())
        out.history.push_back({.time = timeFromWire(h.time_ms()),
                               .user = h.user(),
                               .field = h.field(),
                               .oldValue = h.old_value(),
                               .newValue = h.new_value(),
                               .reason = h.reason()});
    return out;
}

storage::RecordSummary fromWire(const v1::StoredSummary& s) {
    return {.id = core::RecordId{s.id()},
            .created = timeFromWire(s.created_ms()),
            .officer = s.officer(),
            .format = s.format(),
            .valid = s.valid()};
}

core::Result<storage::StoredImage> fromWire(const v1::StoredImage& image) {
    const auto& i = image.image();
    const auto kind = imageKindFrom(i.kind());
    if (!kind) return fail(unknown("image kind"));
    storage::StoredImage out;
    out.id = image.id();
    out.kind = *kind;
    out.mediaType = i.media_type();
    out.width = i.width();
    out.height = i.height();
    out.data.assign(i.data().begin(), i.data().end());
    return out;
}

core::Result<storage::Flag> fromWire(const v1::StoredFlag& f) {
    storage::Flag out;
    const auto kind = flagKindFrom(f.kind());
    const auto basis = storage::referralBasisFrom(f.basis());
    const auto status = storage::flagStatusFrom(f.status());
    if (!kind || !basis || !status) return fail(unknown("flag kind, basis or status"));
    out.id = core::FlagId{f.id()};
    out.recordId = core::RecordId{f.record_id()};
    out.kind = *kind;
    out.basis = *basis;
    out.reason = f.reason();
    out.referredTo = f.referred_to();
    out.status = *status;
    for (const auto& e : f.history()) {
        const auto eventStatus = storage::flagStatusFrom(e.status());
        if (!eventStatus) return fail(unknown("flag status"));
        out.history.push_back(
            {.time = timeFromWire(e.time_ms()), .user = e.user(), .status = *eventStatus, .note = e.note()});
    }
    return out;
}

storage::Disclosure fromWire(const v1::StoredDisclosure& d) {
    storage::Disclosure out;
    out.recordId = core::RecordId{d.record_id()};
    out.time = timeFromWire(d.time_ms());
    out.user = d.user();
    out.agreement = d.agreement();
    out.recipient = d.recipient();
    out.purpose = d.purpose();
    out.legalReference = d.legal_reference();
    out.fields.assign(d.fields().begin(), d.fields().end());
    return out;
}

privacy::AuditEntry fromWire(const v1::SubjectAccessEntry& e) {
    privacy::AuditEntry out;
    out.sequence = e.sequence();
    out.time = timeFromWire(e.time_ms());
    out.userName = e.user_name();
    out.role = e.role();
    out.action = e.action();
    if (e.has_record_id()) out.recordId = e.record_id();
    out.purpose = e.purpose();
    out.detail = e.detail();
    out.previousHash = e.previous_hash();
    out.hash = e.hash();
    out.justification = e.justification();
    out.signature = e.signature();
    return out;
}

core::Result<storage::SubjectData> fromWire(const v1::SubjectDataReply& data) {
    storage::SubjectData out;
    for (const auto& r : data.records()) {
        auto record = fromWire(r);
        if (!record) return fail(record.error());
        out.records.push_back(std::move(*record));
    }
    for (const auto& i : data.images()) {
        auto image = fromWire(i.image());
        if (!image) return fail(image.error());
        out.images.emplace_back(core::RecordId{i.record_id()}, std::move(*image));
    }
    for (const auto& f : data.flags()) {
        auto flag = fromWire(f);
        if (!flag) return fail(flag.error());
        out.flags.push_back(std::move(*flag));
    }
    for (const auto& d : data.disclosures()) out.disclosures.push_back(fromWire(d));
    for (const auto& e : data.access_log()) out.accessLog.push_back(fromWire(e));
    return out;
}

storage::SavedEncounter fromWire(const v1::SaveEncounterReply& saved) {
    storage::SavedEncounter out;
    out.recordId = core::RecordId{saved.record_id()};
    out.encounterId = core::EncounterId{saved.encounter_id()};
    out.imageIds.assign(saved.image_ids().begin(), saved.image_ids().end());
    if (saved.has_flag_id()) out.flagId = core::FlagId{saved.flag_id()};
    return out;
}

// ---- requests (client)

void toWire(const validation::TravelDocument& document, v1::SaveEncounterRequest& out, v1::DocumentHints& hints) {
    std::string mrz;
    for (const auto& line : document.lines) {
        if (!mrz.empty()) mrz += '\n';
        mrz += line;
    }
    out.set_mrz(std::move(mrz));
    // The date the document was judged on: its expiry minus the days it had left then.
    if (document.daysToExpiry && document.expiryDate.complete()) {
        using namespace std::chrono;
        const year_month_day expiry{year{*document.expiryDate.year},
                                    month{static_cast<unsigned>(*document.expiryDate.month)},
                                    day{static_cast<unsigned>(*document.expiryDate.day)}};
        if (expiry.ok()) {
            const year_month_day judged{sys_days{expiry} - days{*document.daysToExpiry}};
            std::array<char, 16> text{};
            std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", static_cast<int>(judged.year()),
                          static_cast<unsigned>(judged.month()), static_cast<unsigned>(judged.day()));
            out.set_inspection_date(text.data());
        }
    }
    for (const auto& f : document.fields) {
        if (f.confidence >= 1.0) continue;
        auto* hint = hints.add_confidences();
        hint->set_field(f.name);
        hint->set_confidence(f.confidence);
    }
    for (const auto& f : document.findings) {
        if (f.code != validation::FindingCode::UncertainRead && f.code != validation::FindingCode::OcrCorrected)
            continue;
        auto* finding = hints.add_findings();
        finding->set_field(f.field);
        finding->set_code(std::string(validation::findingCodeName(f.code)));
        finding->set_severity(std::string(validation::severityName(f.severity)));
        finding->set_message(f.message);
    }
}

void toWire(const storage::EncounterInfo& e, v1::SaveEncounterRequest& out) {
    out.set_source(e.source);
    out.set_purpose(e.purpose);
    out.set_location(e.location);
    out.set_desk(e.desk);
    out.set_notes(e.notes);
    out.set_outcome(e.outcome);
    if (e.encounterId) out.set_encounter_id(e.encounterId->value());
}

void toWire(const storage::ImageDraft& image, v1::Image& out) {
    out.set_kind(toWire(image.kind));
    out.set_media_type(image.mediaType);
    out.set_width(image.width);
    out.set_height(image.height);
    out.set_data(image.data.data(), image.data.size());
}

void toWire(const storage::ReferralDraft& referral, v1::Referral& out) {
    out.set_kind(referral.kind == storage::FlagKind::Referral ? v1::Referral::REFERRAL : v1::Referral::REVIEW);
    out.set_basis(std::string(storage::referralBasisName(referral.basis)));
    out.set_reason(referral.reason);
    out.set_referred_to(referral.referredTo);
}

void toWire(const storage::EncounterDraft& draft, v1::SaveRequest& out) {
    auto* request = out.mutable_encounter();
    toWire(draft.document, *request, *out.mutable_hints());
    toWire(draft.encounter, *request);
    for (const auto& image : draft.images) toWire(image, *request->add_images());
    for (const auto& c : draft.corrections) {
        auto* correction = request->add_corrections();
        correction->set_field(c.field);
        correction->set_value(c.value);
    }
    request->set_correction_reason(draft.correctionReason);
    if (draft.referral) toWire(*draft.referral, *request->mutable_referral());
    request->set_outcome(draft.outcome);
}

} // namespace secondline::wire
