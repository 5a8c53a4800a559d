import AsyncHTTPClient
import CollabBenchServer
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

/// Starts a router on a free loopback port for the length of `body`, and gives the body the base
/// URL. The server runs in a child task and is cancelled (graceful shutdown) when the body returns.
func withServer<Context: RequestContext, T: Sendable>(
    _ router: Router<Context>,
    _ body: @Sendable (URL) async throws -> T
) async throws -> T where Context.Source == ApplicationRequestContextSource {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let configured = ConfiguredRouter(router: router)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await HTTPServer.run(configured.router, on: ServerBinding(host: "127.0.0.1", port: 0)) { port in
                continuation.yield(port)
                continuation.finish()
            }
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        do {
            let result = try await body(base)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// A reply read whole: status, headers and body text.
struct FetchedReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: String

    /// The first header named `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// One HTTP request over a real socket with the shared AsyncHTTPClient.
func fetch(
    _ url: URL, method: NIOHTTP1.HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil
) async throws -> FetchedReply {
    var request = HTTPClientRequest(url: url.absoluteString)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let bytes = try await response.body.collect(upTo: 64 << 20)
    return FetchedReply(
        status: Int(response.status.code),
        headers: response.headers.map { ($0.name, $0.value) },
        body: String(buffer: bytes)
    )
}

/// A router handed to the server task once fully configured; the test never touches it again, so
/// no two tasks use it at once.
private struct ConfiguredRouter<Context: RequestContext>: @unchecked Sendable {
    let router: Router<Context>
}
