import Foundation
import Synchronization

/// A test double for the providers' batch APIs: a loopback server speaking OpenAI's Batch API
/// (`POST /v1/files`, `POST /v1/batches`, `GET /v1/batches/{id}`, `GET /v1/files/{id}/content`) and
/// Anthropic's Message Batches (`POST /v1/messages/batches`, `GET /v1/messages/batches/{id}` and its
/// `results_url`), with direct chat calls answered too. For tests only.
///
/// Every reply, direct or in a batch, comes from the one `replies` handler (a batch line is handed
/// to it as the request a direct call would have sent), so a batched run and a direct run get the
/// same answers. Batches can be held `in_progress` until the test releases them, and the test
/// decides per batch whether it completes, expires or fails, and per line whether it is answered,
/// errors or is left out.
public final class LoopbackBatchServer: Sendable {
    /// What becomes of a whole batch when it ends.
    public enum BatchFate: Sendable, Equatable {
        /// It completes.
        case complete
        /// Its window passes (OpenAI `expired`): lines whose fate is ``LineFate/unanswered`` have no
        /// result, the others are answered as in a completed batch.
        case expire
        /// The provider gives up on it (OpenAI `failed`; no results), with this message.
        case fail(String)
    }

    /// What becomes of one line.
    public enum LineFate: Sendable, Equatable {
        /// Answered by the `replies` handler.
        case answer
        /// An error reply with this status and message.
        case error(status: Int, message: String)
        /// No result (the line did not get its turn before the batch ended): left out of OpenAI's
        /// files, `expired` in Anthropic's results.
        case unanswered
    }

    private struct Batch {
        var provider: String
        /// Each line: its `custom_id` and the request a direct call would have sent.
        var lines: [(customID: String, request: RecordedRequest)]
        var number: Int
        var ended = false
        var state = ""
        var outputFile: String?
        var errorFile: String?
        var results: String?
        var failure: String?
    }

    private struct State {
        var files: [String: String] = [:]
        var batches: [String: Batch] = [:]
        var held = false
        /// Batches of this number and later are held (``hold(from:)``).
        var heldFrom: Int?
        var created = 0
        var polls = 0
        var direct: [RecordedRequest] = []
        var batchedLines: [RecordedRequest] = []
        var fates: [(RecordedRequest, LineFate)] = []
        /// Tests waiting for the polls to reach a count.
        var pollWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>
    private let box = ServerBox()
    /// The HTTP server underneath.
    public var server: LoopbackOpenAIServer { box.server.withLock { $0! } }

    /// `http://127.0.0.1:<port>/v1`, the base of an `openai/<model>@…` spec.
    public var baseURL: String { server.baseURL }
    /// `http://127.0.0.1:<port>`, the base of an `anthropic/<model>@…` spec.
    public var anthropicBaseURL: String { "http://127.0.0.1:\(server.port)" }
    /// Batches created so far (both providers).
    public var batchesCreated: Int { state.withLock { $0.created } }
    /// Status requests received so far.
    public var polls: Int { state.withLock { $0.polls } }

    /// Returns once the batches have been polled `count` times in all (at once if they have).
    public func waitForPolls(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { s in
                if s.polls >= count { continuation.resume() } else { s.pollWaiters.append((count, continuation)) }
            }
        }
    }
    /// Chat requests answered directly (outside batches), in arrival order.
    public var directRequests: [RecordedRequest] { state.withLock { $0.direct } }
    /// Every batch line answered or refused so far, as the request a direct call would have sent.
    public var batchedRequests: [RecordedRequest] { state.withLock { $0.batchedLines } }
    /// Every line of every batch that ended (failed batches excepted), with the fate it got.
    public var lineFates: [(request: RecordedRequest, fate: LineFate)] { state.withLock { $0.fates.map { (request: $0.0, fate: $0.1) } } }

    private init(held: Bool) {
        state = Mutex(State(held: held))
    }

    private final class ServerBox: Sendable {
        let server = Mutex<LoopbackOpenAIServer?>(nil)
    }

    /// Starts a server.
    /// - Parameters:
    ///   - holding: Keep every batch `in_progress` until ``release()``.
    ///   - batchFate: The fate of batch number `n` (0 for the first created).
    ///   - lineFate: The fate of each line, given the request it carries.
    ///   - replies: Answers chat requests (direct, and the lines of batches).
    public static func start(
        holding: Bool = false, batchFate: @escaping @Sendable (Int) -> BatchFate = { _ in .complete },
        lineFate: @escaping @Sendable (RecordedRequest) -> LineFate = { _ in .answer },
        replies: @escaping LoopbackOpenAIServer.Handler
    ) async throws -> LoopbackBatchServer {
        let batches = LoopbackBatchServer(held: holding)
        let server = try await LoopbackOpenAIServer.start { request in
            await batches.answer(request, batchFate: batchFate, lineFate: lineFate, replies: replies)
        }
        batches.box.server.withLock { $0 = server }
        return batches
    }

    /// Lets every batch end at its next poll.
    public func release() {
        state.withLock {
            $0.held = false
            $0.heldFrom = nil
        }
    }

    /// Keeps batch number `number` (0 for the first created) and every later one `in_progress`
    /// until ``release()``; earlier ones end as usual.
    public func hold(from number: Int) { state.withLock { $0.heldFrom = number } }

    /// Keeps batches that have not ended `in_progress` until ``release()``.
    public func hold() { state.withLock { $0.held = true } }

    /// Stops listening.
    public func stop() async throws { try await server.stop() }

    // MARK: - Routing

    private func answer(
        _ request: RecordedRequest, batchFate: @Sendable (Int) -> BatchFate, lineFate: @Sendable (RecordedRequest) -> LineFate,
        replies: LoopbackOpenAIServer.Handler
    ) async -> ScriptedResponse {
        let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
        let parts = path.split(separator: "/").map(String.init)
        let route =
            request.method + " "
            + parts.enumerated().map { $0.offset >= 2 && !["content", "results", "batches"].contains($0.element) ? "*" : $0.element }
            .joined(separator: "/")
        let id = parts.count > 2 ? parts[2] : ""
        let messageBatchID = parts.count > 3 ? parts[3] : ""
        switch route {
        case "POST v1/files":
            guard let content = Self.multipartFile(request) else { return .error(400, message: "no file part") }
            let id = state.withLock { s -> String in
                let id = "file-\(s.files.count + 1)"
                s.files[id] = content
                return id
            }
            return Self.json(["id": id, "object": "file", "purpose": "batch", "bytes": content.utf8.count])
        case "POST v1/batches":
            guard let json = request.json, let fileID = json["input_file_id"] as? String,
                json["endpoint"] as? String == "/v1/chat/completions", json["completion_window"] as? String == "24h",
                let content = state.withLock({ $0.files[fileID] })
            else { return .error(400, message: "bad batch request") }
            var lines: [(String, RecordedRequest)] = []
            for line in content.split(separator: "\n") {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                    let customID = object["custom_id"] as? String, let body = object["body"],
                    let bodyData = try? JSONSerialization.data(withJSONObject: body)
                else { return .error(400, message: "bad batch line") }
                let url = object["url"] as? String ?? ""
                lines.append(
                    (
                        customID,
                        RecordedRequest(
                            method: "POST", path: url, headers: request.headers, body: String(decoding: bodyData, as: UTF8.self))
                    ))
            }
            let id = create(provider: "openai", lines: lines)
            return Self.json(openAIBatch(id))
        case "GET v1/batches/*":
            await end(id, batchFate: batchFate, lineFate: lineFate, replies: replies)
            guard state.withLock({ $0.batches[id] != nil }) else { return .error(404, message: "no batch \(id)") }
            return Self.json(openAIBatch(id))
        case "GET v1/files/*/content":
            guard let content = state.withLock({ $0.files[id] }) else { return .error(404, message: "no file \(id)") }
            return ScriptedResponse(body: content, headers: [("Content-Type", "application/jsonl")])
        case "POST v1/messages/batches":
            guard let requests = request.json?["requests"] as? [[String: Any]] else { return .anthropicError(400, message: "no requests") }
            var lines: [(String, RecordedRequest)] = []
            for item in requests {
                guard let customID = item["custom_id"] as? String, let params = item["params"],
                    let data = try? JSONSerialization.data(withJSONObject: params)
                else { return .anthropicError(400, message: "bad request line") }
                lines.append(
                    (
                        customID,
                        RecordedRequest(
                            method: "POST", path: "/v1/messages", headers: request.headers, body: String(decoding: data, as: UTF8.self))
                    ))
            }
            let id = create(provider: "anthropic", lines: lines)
            return Self.json(anthropicBatch(id))
        case "GET v1/messages/batches/*":
            await end(messageBatchID, batchFate: batchFate, lineFate: lineFate, replies: replies)
            guard state.withLock({ $0.batches[messageBatchID] != nil }) else {
                return .anthropicError(404, type: "not_found_error", message: "no batch \(messageBatchID)")
            }
            return Self.json(anthropicBatch(messageBatchID))
        case "GET v1/messages/batches/*/results":
            guard let results = state.withLock({ $0.batches[messageBatchID]?.results }) else {
                return .anthropicError(404, message: "no results for \(messageBatchID)")
            }
            return ScriptedResponse(body: results, headers: [("Content-Type", "application/binary")])
        default:
            state.withLock { $0.direct.append(request) }
            return await replies(request)
        }
    }

    private func create(provider: String, lines: [(String, RecordedRequest)]) -> String {
        state.withLock { s in
            let number = s.created
            s.created += 1
            let id = (provider == "openai" ? "batch_" : "msgbatch_") + "\(number + 1)"
            s.batches[id] = Batch(provider: provider, lines: lines.map { (customID: $0.0, request: $0.1) }, number: number)
            return id
        }
    }

    /// Ends batch `id` unless batches are held: every line's result is made now.
    private func end(
        _ id: String, batchFate: @Sendable (Int) -> BatchFate, lineFate: @Sendable (RecordedRequest) -> LineFate,
        replies: LoopbackOpenAIServer.Handler
    ) async {
        let batch = state.withLock { s -> Batch? in
            s.polls += 1
            let polls = s.polls
            s.pollWaiters.removeAll { waiter in
                guard waiter.count <= polls else { return false }
                waiter.continuation.resume()
                return true
            }
            guard !s.held, let batch = s.batches[id], !batch.ended, batch.number < s.heldFrom ?? .max else { return nil }
            s.batches[id]?.ended = true  // claimed: a second poll meanwhile sees it in progress
            return batch
        }
        guard var batch else { return }
        let fate = batchFate(batch.number)
        var output: [String] = []
        var errors: [String] = []
        var lines: [RecordedRequest] = []
        var fates: [(RecordedRequest, LineFate)] = []
        if case .fail(let message) = fate {
            batch.state = "failed"
            batch.failure = message
        } else {
            for (customID, request) in batch.lines {
                let lineFate = lineFate(request)
                fates.append((request, lineFate))
                if lineFate == .unanswered {
                    if batch.provider == "anthropic" { output.append(Self.text(["custom_id": customID, "result": ["type": "expired"]])) }
                    continue
                }
                lines.append(request)
                let status: Int
                let body: String
                switch lineFate {
                case .answer, .unanswered:  // (.unanswered lines never get here)
                    let reply = await replies(request)
                    (status, body) = (reply.status, reply.body)
                case .error(let code, let message):
                    status = code
                    body =
                        batch.provider == "openai"
                        ? ScriptedResponse.error(code, message: message).body : ScriptedResponse.anthropicError(code, message: message).body
                }
                let parsed = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) ?? body
                if batch.provider == "openai" {
                    let line = Self.text([
                        "id": "batch_req_\(customID)", "custom_id": customID, "error": NSNull(),
                        "response": ["status_code": status, "request_id": "req_\(customID)", "body": parsed],
                    ])
                    if status == 200 { output.append(line) } else { errors.append(line) }
                } else if status == 200 {
                    output.append(Self.text(["custom_id": customID, "result": ["type": "succeeded", "message": parsed]]))
                } else {
                    output.append(Self.text(["custom_id": customID, "result": ["type": "errored", "error": parsed]]))
                }
            }
            batch.state = fate == .expire ? "expired" : "completed"
        }
        batch.ended = true
        let finished = batch
        state.withLock { s in
            s.batchedLines += lines
            s.fates += fates
            var stored = finished
            if finished.provider == "openai" {
                if !output.isEmpty {
                    stored.outputFile = "file-out-\(id)"
                    s.files["file-out-\(id)"] = output.joined(separator: "\n") + "\n"
                }
                if !errors.isEmpty {
                    stored.errorFile = "file-err-\(id)"
                    s.files["file-err-\(id)"] = errors.joined(separator: "\n") + "\n"
                }
            } else {
                stored.results = output.joined(separator: "\n") + "\n"
            }
            s.batches[id] = stored
        }
    }

    private func openAIBatch(_ id: String) -> [String: Any] {
        state.withLock { s in
            guard let b = s.batches[id] else { return [:] }
            var object: [String: Any] = [
                "id": id, "object": "batch", "endpoint": "/v1/chat/completions", "completion_window": "24h",
                "status": b.ended && !b.state.isEmpty ? b.state : "in_progress",
                "output_file_id": b.outputFile ?? NSNull(), "error_file_id": b.errorFile ?? NSNull(),
                "request_counts": ["total": b.lines.count],
            ]
            if let failure = b.failure { object["errors"] = ["object": "list", "data": [["code": "failed", "message": failure]]] }
            return object
        }
    }

    private func anthropicBatch(_ id: String) -> [String: Any] {
        let port = server.port
        return state.withLock { s in
            guard let b = s.batches[id] else { return [:] }
            let ended = b.ended && !b.state.isEmpty
            return [
                "id": id, "type": "message_batch", "processing_status": ended ? "ended" : "in_progress",
                "results_url": ended ? "http://127.0.0.1:\(port)/v1/messages/batches/\(id)/results" : NSNull(),
                "request_counts": ["processing": ended ? 0 : b.lines.count],
            ]
        }
    }

    /// The content of the `file` part of a multipart upload with purpose `batch`.
    static func multipartFile(_ request: RecordedRequest) -> String? {
        guard let type = request.headers["content-type"], let range = type.range(of: "boundary=") else { return nil }
        let boundary = "--" + type[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        var purposeIsBatch = false
        var file: String?
        for part in request.body.components(separatedBy: boundary) {
            guard let split = part.range(of: "\r\n\r\n") else { continue }
            let head = part[..<split.lowerBound]
            var content = String(part[split.upperBound...])
            if content.hasSuffix("\r\n") { content.removeLast() }  // "\r\n" is one Character
            if head.contains("name=\"purpose\"") { purposeIsBatch = content == "batch" }
            if head.contains("name=\"file\"") { file = content }
        }
        return purposeIsBatch ? file : nil
    }

    private static func text(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    private static func json(_ object: [String: Any]) -> ScriptedResponse {
        ScriptedResponse(body: text(object))
    }
}
