import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A test double for model servers: an HTTP server on 127.0.0.1 that speaks the OpenAI protocol
/// with scripted replies, delays, errors and dropped connections. For tests only.
///
/// The replies are whatever the script says, so the same server plays an Anthropic Messages API
/// server with ``ScriptedResponse/anthropic(_:model:stopReason:inputTokens:outputTokens:delay:)``
/// and ``ScriptedResponse/anthropicError(_:type:message:headers:)``.
public final class LoopbackOpenAIServer: Sendable {
    /// Decides the response to each request.
    public typealias Handler = @Sendable (RecordedRequest) async -> ScriptedResponse

    private let channel: any Channel
    private let recorded: Mutex<[RecordedRequest]>
    /// The port the server listens on.
    public let port: Int

    /// `http://127.0.0.1:<port>/v1`.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] { recorded.withLock { $0 } }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.recorded = Mutex([])
        self.port = port
    }

    /// Starts a server on a free loopback port.
    /// - Parameters:
    ///   - answeringModelList: When true (the default), `GET …/models` is answered automatically
    ///     with a one-model list and not recorded; when false it goes to `handler` like any request
    ///     (to test preflight checks and their headers).
    ///   - handler: Decides the response to each request.
    public static func start(answeringModelList: Bool = true, handler: @escaping Handler) async throws -> LoopbackOpenAIServer {
        let log = Box()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(handler: handler, log: log, answeringModelList: answeringModelList))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        let server = LoopbackOpenAIServer(channel: channel, port: channel.localAddress?.port ?? 0)
        log.server.withLock { $0 = server }
        return server
    }

    /// A server answering every chat request from `replies` in order (the last one repeats).
    public static func start(replies: [ScriptedResponse]) async throws -> LoopbackOpenAIServer {
        let queue = Mutex(replies)
        return try await start { _ in
            queue.withLock { q in q.count > 1 ? q.removeFirst() : (q.first ?? .error(500, message: "no scripted reply")) }
        }
    }

    /// Stops listening.
    public func stop() async throws {
        try await channel.close()
    }

    fileprivate func record(_ request: RecordedRequest) {
        recorded.withLock { $0.append(request) }
    }

    /// Lets handlers reach the server once it exists.
    fileprivate final class Box: Sendable {
        let server = Mutex<LoopbackOpenAIServer?>(nil)
    }

    private final class RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let handler: Handler
        private let log: Box
        private let answeringModelList: Bool
        private var head: HTTPRequestHead?
        private var body = ByteBuffer()

        init(handler: @escaping Handler, log: Box, answeringModelList: Bool) {
            self.handler = handler
            self.log = log
            self.answeringModelList = answeringModelList
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = RecordedRequest(
                    method: head.method.rawValue, path: head.uri, headers: headers, body: String(buffer: body))
                let eventLoop = context.eventLoop
                let promise = eventLoop.makePromise(of: ScriptedResponse.self)
                if answeringModelList && head.method == .GET && head.uri.hasSuffix("/models") {
                    promise.succeed(ScriptedResponse(body: #"{"object":"list","data":[{"id":"scripted","object":"model"}]}"#))
                } else {
                    log.server.withLock { $0 }?.record(request)
                    let handler = self.handler
                    // The handler runs on this channel's event loop and the reply's delay is an
                    // event-loop timer: nothing here waits for a thread of the cooperative pool,
                    // so a busy pool cannot leave a request unanswered until the client times out.
                    Task(executorPreference: EventLoopTaskExecutor(eventLoop)) {
                        let response = await handler(request)
                        let delay = response.delay.components
                        let nanoseconds = delay.seconds * 1_000_000_000 + delay.attoseconds / 1_000_000_000
                        if nanoseconds > 0 {
                            eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { promise.succeed(response) }
                        } else {
                            promise.succeed(response)
                        }
                    }
                }
                let keepAlive = head.isKeepAlive
                promise.futureResult.assumeIsolated().whenSuccess { response in
                    self.write(response, keepAlive: keepAlive, context: context)
                }
            }
        }

        private func write(_ response: ScriptedResponse, keepAlive: Bool, context: ChannelHandlerContext) {
            if response.dropConnection {
                context.close(promise: nil)
                return
            }
            var headers = HTTPHeaders()
            if !response.headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                headers.add(name: "Content-Type", value: "application/json")
            }
            if response.rest == nil { headers.add(name: "Content-Length", value: String(response.body.utf8.count)) }
            for (name, value) in response.headers { headers.add(name: name, value: value) }
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if let rest = response.rest {
                // The first part goes out now; the rest when the script says (on this event loop).
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                let eventLoop = context.eventLoop
                let later = eventLoop.makePromise(of: Optional<String>.self)
                Task(executorPreference: EventLoopTaskExecutor(eventLoop)) { later.succeed(await rest()) }
                later.futureResult.assumeIsolated().whenSuccess { text in
                    guard let text else {
                        context.close(promise: nil)
                        return
                    }
                    self.end(ScriptedResponse(body: text), keepAlive: keepAlive, context: context)
                }
                return
            }
            end(response, keepAlive: keepAlive, context: context)
        }

        /// Sends `response`'s body and ends the response.
        private func end(_ response: ScriptedResponse, keepAlive: Bool, context: ChannelHandlerContext) {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive {
                done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }
    }
}
