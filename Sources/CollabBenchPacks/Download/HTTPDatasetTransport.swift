import AsyncHTTPClient
import CollabBenchCore
import Foundation
import NIOCore
import NIOHTTP1

/// Fetches dataset pages and files over HTTP(S) with AsyncHTTPClient.
///
/// The client does not retry failed connections itself (``DatasetDownloader`` does, a few times
/// with pauses), so an unreachable host is reported at once rather than at the request's deadline.
/// Use ``withTransport(timeoutSeconds:_:)`` so the client is shut down afterwards.
public struct HTTPDatasetTransport: DatasetTransport {
    /// The client.
    public var client: HTTPClient
    /// How long one request may take, in seconds.
    public var timeoutSeconds: Int64
    /// The largest body accepted, in bytes.
    public var maxBodyBytes: Int

    /// Creates a transport over `client`.
    public init(client: HTTPClient, timeoutSeconds: Int64 = 120, maxBodyBytes: Int = 256 << 20) {
        self.client = client
        self.timeoutSeconds = timeoutSeconds
        self.maxBodyBytes = maxBodyBytes
    }

    /// Runs `body` with a transport over a new client, and shuts the client down afterwards.
    /// - Parameters:
    ///   - timeoutSeconds: how long one request may take.
    ///   - body: the work.
    /// - Returns: what `body` returns.
    public static func withTransport<T: Sendable, E: Error>(
        timeoutSeconds: Int64 = 120, _ body: (HTTPDatasetTransport) async throws(E) -> T
    ) async throws(E) -> T {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(30)
        configuration.httpVersion = .automatic
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result: Result<T, E>
        do {
            result = .success(try await body(HTTPDatasetTransport(client: client, timeoutSeconds: timeoutSeconds)))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }

    public func get(_ url: String) async throws -> DatasetResponse {
        let host = URL(string: url)?.host ?? url
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "collabbench/\(CollabBenchVersion.current)")
        do {
            let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return DatasetResponse(status: Int(response.status.code), body: Array(buffer: body))
        } catch let error as CancellationError {
            throw error
        } catch {
            throw DatasetTransportFailure(host: host, reason: Self.reason(error))
        }
    }

    /// A few words for a connection-level error.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        let lowered = text.lowercased()
        if lowered.contains("refused") { return "connection refused" }
        if lowered.contains("dns") || lowered.contains("resolve") || lowered.contains("name or service") {
            return "the name could not be resolved"
        }
        if lowered.contains("timeout") || lowered.contains("timed out") || lowered.contains("deadline") { return "timed out" }
        let oneLine = String(text.map { $0.isNewline ? " " : $0 })
        return oneLine.count > 160 ? String(oneLine.prefix(160)) + "…" : oneLine
    }
}
