import AsyncHTTPClient
import CollabBenchCore
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP exchanges of the batch clients: one request with the model calls' retry rules
/// (429, 408, 5xx, timeouts and connection failures retried; `Retry-After` honoured).
struct BatchHTTP: Sendable {
    let http: HTTPClient
    let retry: RetryPolicy
    let timeout: TimeAmount
    /// The key sent (taken out of every error text).
    let apiKey: String?
    /// Headers every request carries (authorisation, API version).
    let headers: [(String, String)]
    /// Names the server in errors (`batch API of openai/gpt-4o`).
    let where_: String
    /// Reads a provider's error body as one line.
    let errorMessage: @Sendable (Data) -> String

    /// Sends `method url` with `body` (of `contentType`) and returns the 2xx reply's body.
    /// - Throws: ``CollabBenchError``: `.modelAuthentication` for 401/403, `.modelHTTPError` for
    ///   other refusals (after the retries for transient ones), `.modelUnreachable`/`.modelTimeout`.
    func send(_ method: HTTPMethod, _ url: String, body: Data? = nil, contentType: String? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            return try await RetryLoop(policy: retry).run { () async -> AttemptOutcome<Data> in
                let status: Int
                let data: Data
                let retryAfter: Double?
                do {
                    let response = try await http.execute(request, timeout: timeout)
                    let collected = try await response.body.collect(upTo: ModelHTTP.maxBodyBytes)
                    status = Int(response.status.code)
                    data = Data(collected.readableBytesView)
                    retryAfter = RetryPolicy.parseRetryAfter(response.headers.first(name: "Retry-After"))
                } catch {
                    return ModelHTTP.transportFailure(error, timeout: timeout, where: where_).outcome()
                }
                if (200..<300).contains(status) { return .success(data) }
                let text = "\(where_) answered HTTP \(status) to \(method.rawValue) \(Self.path(of: url)): \(errorMessage(data))"
                if ModelHTTP.isRetryable(status: status) {
                    return .retryable(CollabBenchError(.modelHTTPError, text), retryAfter: retryAfter)
                }
                if status == 401 || status == 403 { return .fatal(CollabBenchError(.modelAuthentication, text)) }
                return .fatal(CollabBenchError(.modelHTTPError, text))
            }.value
        } catch {
            throw KeyRedaction.redact(error, keys: apiKey.map { [$0] } ?? [])
        }
    }

    /// `url` without scheme and host, for messages.
    static func path(of url: String) -> String {
        guard let scheme = url.range(of: "://"), let slash = url[scheme.upperBound...].firstIndex(of: "/") else { return url }
        return String(url[slash...])
    }

    /// A JSON object's fields, or nil when `data` is not one.
    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// The non-empty lines of a JSONL body.
    static func lines(_ data: Data) -> [Data] {
        data.split(separator: UInt8(ascii: "\n")).map { Data($0) }.filter {
            !$0.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }
        }
    }
}
