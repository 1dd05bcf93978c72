// The policy pack in force (issue 7) and what it governs directly: loading a pack, minimization, and break-glass.

#include <secondline/storage/store.h>

#include "store_impl.h"

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::Status;
using detail::checkReason;
using detail::Database;
using detail::Transaction;

namespace {

constexpr std::size_t kMaxReason = 4000;

} // namespace

Status detail::checkReason(std::string_view reason, const char* what) {
    if (reason.empty() || reason.size() > kMaxReason)
        return fail(ErrorCode::InvalidArgument, std::string(what) + " needs a reason of 1 to 4000 characters");
    return {};
}

// ---- policy -----------------------------------------------------------------------------------------------

Result<privacy::Policy> detail::loadPolicyInForce(Database& db) {
    auto q = db.prepare("SELECT text FROM policy ORDER BY id DESC LIMIT 1;");
    if (!q) return fail(q.error());
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::StoreCorrupt, "the store has no policy pack in force");
    auto pack = privacy::Policy::parse(q->text(0));
    if (!pack) return fail(ErrorCode::StoreCorrupt, "the store's policy pack no longer validates");
    return pack;
}

const privacy::Policy& Store::policy() const {
    return m_impl->pack();
}

Status Store::loadPolicy(std::string_view packText) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::LoadPolicy);
    if (!tx) return fail(tx.error());
    auto pack = privacy::Policy::parse(packText);
    if (!pack) return fail(pack.error());
    auto ins = tx->db().prepare("INSERT INTO policy (loaded_utc, loaded_by, name, version, hash, text) "
                                "VALUES (?,?,?,?,?,?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, core::formatUtc(im.clock->now())).bind(2, im.user).bind(3, pack->name()).bind(4, pack->version());
    ins->bind(5, pack->hash()).bind(6, pack->text());
    if (auto s = ins->run(); !s) return s;
    if (auto s = im.audit(privacy::AuditAction::PolicyLoad, std::nullopt, "administration",
                          "policy " + pack->name() + " " + pack->version() + " hash " + pack->hash());
        !s)
        return s;
    if (auto s = im.commit(*tx); !s) return s;
    im.policy = std::move(*pack);
    return {};
}

// ---- minimization -----------------------------------------------------------------------------------------

validation::TravelDocument detail::minimized(const validation::TravelDocument& document,
                                             const privacy::MinimizationProfile& profile) {
    validation::TravelDocument out = document;
    std::erase_if(out.fields, [&](const validation::Field& f) { return !profile.allowsField(f.name); });
    if (!profile.allowsField("birth_date")) {
        out.birthDate = {};
        out.ageAtInspection.reset();
    }
    if (!profile.allowsField("expiry_date")) {
        out.expiryDate = {};
        out.daysToExpiry.reset();
    }
    if (!profile.rawMrz) out.lines.clear();
    return out;
}

// ---- break-glass -----------------------------------------------------------------------------------------

Status detail::loadBreakGlass(StoreImpl& im, Access& a) {
    auto q = a.db().prepare("SELECT expires_utc, reason FROM breakglass WHERE user_id = ? ORDER BY id DESC LIMIT 1;");
    if (!q) return fail(q.error());
    q->bind(1, im.userId);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return {};
    const auto until = core::parseUtc(q->text(0));
    if (until && *until > im.clock->now()) {
        im.breakGlassUntil = until;
        im.breakGlassReason = q->text(1);
    }
    return {};
}

Result<core::TimePoint> Store::breakGlass(std::string_view reason, int minutes) {
    auto& im = *m_impl;
    auto tx = im.begin(privacy::Action::BreakGlass);
    if (!tx) return fail(tx.error());
    const auto& rules = im.pack().breakGlass();
    if (!rules.roles.count(im.role))
        return fail(ErrorCode::PermissionDenied, "role " + std::string(privacy::roleName(im.role)) +
                                                     " is not among the policy pack's break-glass roles");
    if (auto s = checkReason(reason, "break-glass"); !s) return fail(s.error());
    if (minutes < 1 || minutes > rules.maxMinutes)
        return fail(ErrorCode::InvalidArgument,
                    "break-glass lasts 1 to " + std::to_string(rules.maxMinutes) + " minutes under this policy pack");
    const auto now = im.clock->now();
    const auto until = now + std::chrono::minutes{minutes};
    auto ins = tx->db().prepare("INSERT INTO breakglass (user_id, started_utc, expires_utc, reason) VALUES (?,?,?,?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, im.userId).bind(2, core::formatUtc(now)).bind(3, core::formatUtc(until)).bind(4, reason);
    if (auto s = ins->run(); !s) return fail(s.error());
    if (auto s = im.audit(privacy::AuditAction::BreakGlassStart, std::nullopt, "breakglass",
                          "BREAK-GLASS for " + std::to_string(minutes) + " minutes", std::string(reason));
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    im.breakGlassUntil = until;
    im.breakGlassReason = std::string(reason);
    return until;
}

std::optional<core::TimePoint> Store::breakGlassUntil() const {
    return m_impl->breakGlassActive() ? m_impl->breakGlassUntil : std::nullopt;
}

} // namespace secondline::storage
