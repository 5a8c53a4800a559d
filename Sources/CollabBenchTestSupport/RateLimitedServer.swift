import Foundation
import Synchronization

/// A loopback OpenAI-compatible server that enforces a provider's rate limits: requests per
/// minute and tokens per minute, each a token bucket refilled continuously, answering HTTP 429
/// with `Retry-After` (whole seconds, as providers send it) to a request beyond them. For tests
/// and benchmarks only.
///
/// A request costs one request and its tokens: its prompt (the UTF-8 bytes of its messages'
/// contents ÷ 4, plus 4 per message) plus the ``completionTokens`` of the reply, which reports
/// exactly that usage, so a client that settles its budget on the reported usage sees what the
/// server charged. Each bucket holds ``Limits/burstSeconds`` of its budget (providers' hold up to
/// a minute's worth; a shorter burst reaches steady state sooner and is the harder case for a
/// client). Every reply also carries OpenAI's `x-ratelimit-limit-requests` and
/// `x-ratelimit-limit-tokens` headers when ``Limits/advertised`` is true.
public final class RateLimitedServer: Sendable {
    /// The limits enforced.
    public struct Limits: Sendable, Hashable {
        /// Requests per minute, or nil for none.
        public var requestsPerMinute: Int?
        /// Tokens (prompt + completion) per minute, or nil for none.
        public var tokensPerMinute: Int?
        /// Seconds of budget each bucket holds (and starts with).
        public var burstSeconds: Double
        /// Send the limits in `x-ratelimit-limit-*` headers, as OpenAI does.
        public var advertised: Bool

        /// Creates limits.
        public init(requestsPerMinute: Int?, tokensPerMinute: Int? = nil, burstSeconds: Double = 10, advertised: Bool = false) {
            self.requestsPerMinute = requestsPerMinute
            self.tokensPerMinute = tokensPerMinute
            self.burstSeconds = burstSeconds
            self.advertised = advertised
        }
    }

    /// What the server accepted and refused so far.
    public struct Counts: Sendable, Hashable {
        /// Requests answered 200.
        public var accepted = 0
        /// Requests answered 429.
        public var refused = 0
        /// Tokens charged for the accepted requests.
        public var acceptedTokens = 0
        /// When each accepted request arrived, in seconds since the server started.
        public var acceptedAt: [Double] = []
    }

    private struct Buckets {
        var requests: Double
        var tokens: Double
        var last: Double
        var counts = Counts()
    }

    /// The buckets, shared with the request handler.
    private final class Shared: Sendable {
        let buckets: Mutex<Buckets>
        init(_ buckets: Buckets) { self.buckets = Mutex(buckets) }
    }

    private let server: LoopbackOpenAIServer
    private let state: Shared

    /// The limits enforced.
    public let limits: Limits
    /// Completion tokens every reply reports.
    public let completionTokens: Int

    /// `http://127.0.0.1:<port>/v1`.
    public var baseURL: String { server.baseURL }

    /// What the server accepted and refused so far.
    public var counts: Counts { state.buckets.withLock { $0.counts } }

    private init(server: LoopbackOpenAIServer, state: Shared, limits: Limits, completionTokens: Int) {
        self.server = server
        self.state = state
        self.limits = limits
        self.completionTokens = completionTokens
    }

    /// Starts a server on a free loopback port.
    /// - Parameters:
    ///   - limits: The limits to enforce.
    ///   - latency: How long an accepted request takes to answer (a refusal is immediate).
    ///   - completionTokens: Completion tokens each reply reports.
    public static func start(limits: Limits, latency: Duration = .milliseconds(100), completionTokens: Int = 64) async throws -> RateLimitedServer {
        let started = ContinuousClock.now
        let now: @Sendable () -> Double = {
            let d = started.duration(to: .now).components
            return Double(d.seconds) + Double(d.attoseconds) / 1e18
        }
        let requestCapacity = limits.requestsPerMinute.map { max(1, Double($0) / 60 * limits.burstSeconds) } ?? 0
        let tokenCapacity = limits.tokensPerMinute.map { max(1, Double($0) / 60 * limits.burstSeconds) } ?? 0
        let state = Shared(Buckets(requests: requestCapacity, tokens: tokenCapacity, last: 0))
        let server = try await LoopbackOpenAIServer.start { request in
            let cost = Self.promptTokens(of: request) + completionTokens
            let wait: Double? = state.buckets.withLock { b in
                let t = now()
                let dt = t - b.last
                b.last = t
                if let rpm = limits.requestsPerMinute { b.requests = min(requestCapacity, b.requests + dt * Double(rpm) / 60) }
                if let tpm = limits.tokensPerMinute { b.tokens = min(tokenCapacity, b.tokens + dt * Double(tpm) / 60) }
                let requestWait = limits.requestsPerMinute.map { rpm in b.requests >= 1 ? 0 : (1 - b.requests) / (Double(rpm) / 60) } ?? 0
                let tokenWait =
                    limits.tokensPerMinute.map { tpm in
                        b.tokens >= Double(cost) ? 0 : (Double(cost) - b.tokens) / (Double(tpm) / 60)
                    } ?? 0
                if requestWait == 0 && tokenWait == 0 {
                    if limits.requestsPerMinute != nil { b.requests -= 1 }
                    if limits.tokensPerMinute != nil { b.tokens -= Double(cost) }
                    b.counts.accepted += 1
                    b.counts.acceptedTokens += cost
                    b.counts.acceptedAt.append(t)
                    return nil
                }
                b.counts.refused += 1
                return max(requestWait, tokenWait)
            }
            var headers: [(String, String)] = []
            if limits.advertised {
                if let rpm = limits.requestsPerMinute { headers.append(("x-ratelimit-limit-requests", String(rpm))) }
                if let tpm = limits.tokensPerMinute { headers.append(("x-ratelimit-limit-tokens", String(tpm))) }
            }
            if let wait {
                var refusal = ScriptedResponse.error(429, message: "Rate limit reached: please try again later", code: "rate_limit_exceeded")
                refusal.headers = headers + [("Retry-After", String(Int(wait.rounded(.up))))]
                return refusal
            }
            var reply = ScriptedResponse.chat("ok", model: "rate-limited", promptTokens: cost - completionTokens, completionTokens: completionTokens, delay: latency)
            reply.headers = headers
            return reply
        }
        return RateLimitedServer(server: server, state: state, limits: limits, completionTokens: completionTokens)
    }

    /// The prompt tokens the server charges for `request`: its messages' content bytes ÷ 4, plus 4 per message.
    public static func promptTokens(of request: RecordedRequest) -> Int {
        request.messages.reduce(0) { $0 + $1.content.utf8.count / 4 + 4 }
    }

    /// Stops listening.
    public func stop() async throws {
        try await server.stop()
    }
}
