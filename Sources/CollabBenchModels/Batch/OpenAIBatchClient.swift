import CollabBenchCore
import Foundation
import NIOHTTP1

/// OpenAI's Batch API for one model: the lines go up as a JSONL file (`POST /v1/files`, purpose
/// `batch`), a batch is made of it (`POST /v1/batches`, endpoint `/v1/chat/completions`,
/// completion window 24h), polled with `GET /v1/batches/{id}`, and its output and error files are
/// read with `GET /v1/files/{id}/content`.
///
/// Each line's body is the request a direct call sends (``OpenAIChatModel``'s encoding, OpenAI's
/// `json_schema` structured output), and each reply is read as a direct reply is.
struct OpenAIBatchClient: BatchClient {
    let spec: ModelSpec
    let http: BatchHTTP
    /// `<base>` as the spec gives it (ending in `/v1` for OpenAI).
    let base: String

    var provider: BatchProvider { .openai }

    /// The endpoint every line calls.
    static let endpoint = "/v1/chat/completions"
    /// How long OpenAI may take.
    static let completionWindow = "24h"

    func submit(_ lines: [BatchRequestLine]) async throws -> BatchJob {
        var jsonl: [UInt8] = []
        for line in lines {
            jsonl.append(contentsOf: "{\"custom_id\":".utf8)
            JSONText.appendQuoted(line.customID, to: &jsonl)
            jsonl.append(contentsOf: ",\"method\":\"POST\",\"url\":\"\(Self.endpoint)\",\"body\":".utf8)
            jsonl.append(contentsOf: try OpenAIWire.encode(line.request, model: spec.model, style: .jsonSchema))
            jsonl.append(contentsOf: "}\n".utf8)
        }
        let boundary = "collabbench-batch-\(UUID().uuidString)"
        var form = Data()
        form.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n".utf8))
        form.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"collabbench-batch.jsonl\"\r\n".utf8))
        form.append(Data("Content-Type: application/jsonl\r\n\r\n".utf8))
        form.append(contentsOf: jsonl)
        form.append(Data("\r\n--\(boundary)--\r\n".utf8))
        let uploaded = try await http.send(.POST, base + "/files", body: form, contentType: "multipart/form-data; boundary=\(boundary)")
        guard let fileID = BatchHTTP.object(uploaded)?["id"] as? String else {
            throw CollabBenchError(.modelMalformedReply, "\(http.where_) answered the file upload without a file id")
        }
        let create = try JSONSerialization.data(
            withJSONObject: ["input_file_id": fileID, "endpoint": Self.endpoint, "completion_window": Self.completionWindow],
            options: [.sortedKeys])
        return try job(from: try await http.send(.POST, base + "/batches", body: create, contentType: "application/json"))
    }

    func status(of batchID: String) async throws -> BatchJob {
        try job(from: try await http.send(.GET, base + "/batches/" + batchID))
    }

    func results(of job: BatchJob) async throws -> [String: BatchLineResult] {
        var results: [String: BatchLineResult] = [:]
        for fileID in job.resultLocations {
            let content = try await http.send(.GET, base + "/files/" + fileID + "/content")
            for line in BatchHTTP.lines(content) {
                guard let object = BatchHTTP.object(line), let customID = object["custom_id"] as? String else { continue }
                results[customID] = Self.lineResult(object, where: http.where_)
            }
        }
        return results
    }

    /// A batch object (`{"id":…,"status":…,"output_file_id":…,"error_file_id":…}`) as a job.
    func job(from data: Data) throws -> BatchJob {
        guard let object = BatchHTTP.object(data), let id = object["id"] as? String, let status = object["status"] as? String else {
            let start = String(decoding: data.prefix(200), as: UTF8.self)
            throw CollabBenchError(.modelMalformedReply, "\(http.where_) sent something that is not a batch: \(start)")
        }
        let state: BatchJobState
        switch status {
        case "completed": state = .completed
        case "expired": state = .expired
        case "failed": state = .failed
        case "cancelled": state = .cancelled
        default: state = .inProgress  // validating, in_progress, finalizing, cancelling
        }
        let files = ["output_file_id", "error_file_id"].compactMap { object[$0] as? String }.filter { !$0.isEmpty }
        let errors = ((object["errors"] as? [String: Any])?["data"] as? [[String: Any]])?.compactMap { $0["message"] as? String }
        return BatchJob(
            id: id, state: state, resultLocations: files, detail: errors.flatMap { $0.isEmpty ? nil : $0.joined(separator: "; ") })
    }

    /// One line of an output or error file.
    static func lineResult(_ object: [String: Any], where where_: String) -> BatchLineResult {
        let response = object["response"] as? [String: Any]
        let status = response?["status_code"] as? Int
        let body = response?["body"].flatMap { try? JSONSerialization.data(withJSONObject: $0) }
        if status == 200, let body, let decoded = try? JSONDecoder().decode(OpenAIWire.ResponseBody.self, from: body),
            let choice = decoded.choices?.first
        {
            let usage = decoded.usage.flatMap { u in
                u.prompt_tokens.map { TokenUsage(promptTokens: $0, completionTokens: u.completion_tokens ?? 0) }
            }
            var completion = ChatCompletion(
                text: choice.message?.content ?? "", finishReason: choice.finish_reason, usage: usage, servedModel: decoded.model)
            completion.batched = true
            return .answered(completion)
        }
        if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
            return .unanswered(OpenAIWire.oneLine(message))
        }
        let message = body.map { OpenAIWire.errorMessage(from: $0).message } ?? "no reply"
        return .unanswered("HTTP \(status.map(String.init) ?? "?"): \(message)")
    }
}
