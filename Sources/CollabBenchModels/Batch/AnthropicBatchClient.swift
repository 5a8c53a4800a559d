import CollabBenchCore
import Foundation
import NIOHTTP1

/// Anthropic's Message Batches for one model: `POST /v1/messages/batches` with every line's
/// Messages request as its `params`, polled with `GET /v1/messages/batches/{id}`, results read as
/// JSONL from the batch's `results_url` once its `processing_status` is `ended`.
///
/// Each line's `params` are the body a direct call sends (``AnthropicChatModel``'s encoding), and
/// each `succeeded` message is read as a direct reply is; `errored`, `canceled` and `expired`
/// lines have no reply.
struct AnthropicBatchClient: BatchClient {
    let spec: ModelSpec
    let http: BatchHTTP
    /// `<base>/v1`.
    let apiBase: String

    var provider: BatchProvider { .anthropic }

    private struct CreateBody: Encodable {
        struct Request: Encodable {
            var custom_id: String
            var params: AnthropicWire.RequestBody
        }
        var requests: [Request]
    }

    func submit(_ lines: [BatchRequestLine]) async throws -> BatchJob {
        let body = CreateBody(
            requests: lines.map { .init(custom_id: $0.customID, params: AnthropicWire.body(for: $0.request, model: spec.model)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try job(
            from: try await http.send(.POST, apiBase + "/messages/batches", body: try encoder.encode(body), contentType: "application/json")
        )
    }

    func status(of batchID: String) async throws -> BatchJob {
        try job(from: try await http.send(.GET, apiBase + "/messages/batches/" + batchID))
    }

    func results(of job: BatchJob) async throws -> [String: BatchLineResult] {
        var results: [String: BatchLineResult] = [:]
        for url in job.resultLocations {
            for line in BatchHTTP.lines(try await http.send(.GET, url)) {
                guard let object = BatchHTTP.object(line), let customID = object["custom_id"] as? String else { continue }
                results[customID] = Self.lineResult(object["result"] as? [String: Any])
            }
        }
        return results
    }

    /// A message batch object as a job: `ended` is completed (its lines say how each ended).
    func job(from data: Data) throws -> BatchJob {
        guard let object = BatchHTTP.object(data), let id = object["id"] as? String, let status = object["processing_status"] as? String
        else {
            let start = String(decoding: data.prefix(200), as: UTF8.self)
            throw CollabBenchError(.modelMalformedReply, "\(http.where_) sent something that is not a message batch: \(start)")
        }
        let url = (object["results_url"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return BatchJob(id: id, state: status == "ended" ? .completed : .inProgress, resultLocations: url.map { [$0] } ?? [])
    }

    /// One line's `result`.
    static func lineResult(_ result: [String: Any]?) -> BatchLineResult {
        let type = result?["type"] as? String ?? "missing"
        if type == "succeeded", let message = result?["message"], let data = try? JSONSerialization.data(withJSONObject: message),
            var completion = AnthropicWire.completion(from: data)
        {
            completion.batched = true
            return .answered(completion)
        }
        let error = (result?["error"] as? [String: Any]).flatMap { ($0["error"] as? [String: Any]) ?? $0 }
        let message = (error?["message"] as? String).map { ": " + OpenAIWire.oneLine($0) } ?? ""
        return .unanswered("\(type)\(message)")
    }
}
