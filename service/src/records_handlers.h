#pragma once
// The RPC handlers of secondline.v1.Records (service/proto/secondline/v1/records.proto): bounds and re-validation of
// every request, the session check (session_call.h), and the call into the session's store.

#include "handlers.h"
#include "sessions.h"

#include <secondline/core/clock.h>

#include <secondline/v1/records.grpc.pb.h>

namespace secondline::service::detail {

class RecordsHandlers final : public secondline::v1::Records::Service {
public:
    RecordsHandlers(const StoreFacts& store, Sessions& sessions, const core::Clock& clock)
        : m_store(store), m_sessions(sessions), m_clock(clock) {}

    using Context = grpc::ServerContext;
    grpc::Status SessionFacts(Context* c, const v1::SessionFactsRequest* q, v1::SessionFactsReply* r) override;
    grpc::Status BreakGlass(Context* c, const v1::BreakGlassRequest* q, v1::BreakGlassReply* r) override;
    grpc::Status LoadPolicy(Context* c, const v1::LoadPolicyRequest* q, v1::RecordsDone* r) override;
    grpc::Status Save(Context* c, const v1::SaveRequest* q, v1::SaveEncounterReply* r) override;
    grpc::Status SaveBatch(Context* c, const v1::SaveBatchRequest* q, v1::SaveEncountersReply* r) override;
    grpc::Status AddRecord(Context* c, const v1::AddRecordRequest* q, v1::AddRecordReply* r) override;
    grpc::Status GetStoredRecord(Context* c, const v1::RecordIdRequest* q, v1::StoredRecord* r) override;
    grpc::Status ListRecords(Context* c, const v1::ListRecordsRequest* q, v1::StoredSummaries* r) override;
    grpc::Status FindRecordsByDocument(Context* c, const v1::FindByDocumentRequest* q, v1::StoredSummaries* r) override;
    grpc::Status FindRecordsByNameAndBirth(Context* c, const v1::FindByNameAndBirthRequest* q,
                                           v1::StoredSummaries* r) override;
    grpc::Status AddImage(Context* c, const v1::AddImageRequest* q, v1::AddImageReply* r) override;
    grpc::Status Images(Context* c, const v1::RecordIdRequest* q, v1::ImagesReply* r) override;
    grpc::Status CloseEncounter(Context* c, const v1::CloseEncounterRequest* q, v1::RecordsDone* r) override;
    grpc::Status RaiseFlag(Context* c, const v1::RaiseFlagRequest* q, v1::RaiseFlagReply* r) override;
    grpc::Status UpdateFlag(Context* c, const v1::UpdateFlagRequest* q, v1::RecordsDone* r) override;
    grpc::Status ListFlags(Context* c, const v1::ListFlagsRequest* q, v1::ListFlagsReply* r) override;
    grpc::Status Rectify(Context* c, const v1::RectifyRequest* q, v1::RecordsDone* r) override;
    grpc::Status SetLegalHold(Context* c, const v1::SetLegalHoldRequest* q, v1::RecordsDone* r) override;
    grpc::Status Erase(Context* c, const v1::EraseRequest* q, v1::RecordsDone* r) override;
    grpc::Status ExportSubject(Context* c, const v1::FindByDocumentRequest* q, v1::SubjectDataReply* r) override;
    grpc::Status Share(Context* c, const v1::ShareRequest* q, v1::ShareReply* r) override;
    grpc::Status Disclosures(Context* c, const v1::RecordIdRequest* q, v1::DisclosuresReply* r) override;

private:
    [[maybe_unused]] const StoreFacts& m_store;
    Sessions& m_sessions;
    const core::Clock& m_clock;
};

} // namespace secondline::service::detail
