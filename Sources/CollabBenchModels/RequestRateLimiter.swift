import CollabBenchCore
import Foundation

/// The rate budget of one endpoint: requests per minute and/or tokens per minute, each a token
/// bucket refilled continuously. ``acquire(estimatedTokens:)`` waits (cancellably) until a request
/// fits both; ``settle(estimatedTokens:actualTokens:)`` corrects the token bucket once the server
/// has said how many tokens the call really used.
///
/// The request bucket holds one second's worth of requests (at least one); the token bucket holds
/// ten seconds' worth, and a call estimated above that waits for a full bucket, then goes (the
/// bucket goes into debt and later calls wait it off), so the long-run rate is the budget. Waiting
/// callers are not queued: a stream of small calls can delay a large one.
///
/// The budget also learns from the server: ``adopt(requestsPerMinute:tokensPerMinute:)`` lowers it
/// to the limits a server announces (OpenAI's `x-ratelimit-limit-*`, Anthropic's
/// `anthropic-ratelimit-*-limit` headers), ``pause(seconds:)`` holds every caller back until a
/// 429's `Retry-After` has passed, so the other calls in flight do not run into the same refusal,
/// and ``refused(retryAfter:)`` (every 429) also learns the request rate of a server that refuses
/// calls without announcing its limit (see ``learnedRequestsPerMinute``); the budget then holds to
/// the lower of that rate and its own.
public actor RequestRateLimiter {
    /// Requests per minute allowed, or nil for no request budget.
    public private(set) var requestsPerMinute: Int?
    /// Tokens (prompt + completion) per minute allowed, or nil for no token budget.
    public private(set) var tokensPerMinute: Int?
    private var tokenCapacity: Double
    private var requests: Double
    private var tokens: Double
    private var last: Duration
    /// No request goes before this time (after a 429's `Retry-After`).
    private var pausedUntil: Duration = .zero
    /// The request rate learnt from refusals.
    private var learned = LearnedRequestRate()
    /// False: ``pause(seconds:)`` and ``adopt(requestsPerMinute:tokensPerMinute:)`` change nothing.
    public let learnsFromServer: Bool
    /// Time since the budget was created, on its clock.
    private let elapsed: @Sendable () -> Duration
    /// Sleeps on its clock.
    private let sleep: @Sendable (Duration) async throws -> Void

    /// Creates a budget of `requestsPerMinute` and/or `tokensPerMinute` (each at least 1 when given),
    /// measured on the continuous clock.
    /// - Parameter learnsFromServer: false: announced limits and `Retry-After` pauses are ignored.
    public init(requestsPerMinute: Int?, tokensPerMinute: Int? = nil, learnsFromServer: Bool = true) {
        self.init(requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute, clock: ContinuousClock(), learnsFromServer: learnsFromServer)
    }

    /// Creates a budget measured on `clock` (tests pass a manual clock, so waits need no real time).
    /// - Parameters:
    ///   - requestsPerMinute: requests per minute allowed (at least 1), or nil for no request budget.
    ///   - tokensPerMinute: tokens per minute allowed (at least 1), or nil for no token budget.
    ///   - clock: the clock refills are measured on and waits sleep on.
    ///   - learnsFromServer: false: announced limits and `Retry-After` pauses are ignored.
    public init<C: Clock>(requestsPerMinute: Int?, tokensPerMinute: Int? = nil, clock: C, learnsFromServer: Bool = true) where C.Duration == Duration {
        self.learnsFromServer = learnsFromServer
        self.requestsPerMinute = requestsPerMinute.map { max(1, $0) }
        self.tokensPerMinute = tokensPerMinute.map { max(1, $0) }
        tokenCapacity = max(1, Double(self.tokensPerMinute ?? 600) / 6)
        requests = max(1, Double(self.requestsPerMinute ?? 60) / 60)
        tokens = tokenCapacity
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleep = { try await clock.sleep(for: $0) }
        last = .zero
    }

    /// Waits until one more request of about `estimatedTokens` fits the budget, then takes it.
    public func acquire(estimatedTokens: Int = 0) async throws {
        while true {
            let now = elapsed()
            if now < pausedUntil {
                try await sleep(pausedUntil - now)
                continue
            }
            refill()
            let rate = requestRate
            let needTokens = min(Double(max(0, estimatedTokens)), tokenCapacity)
            let requestWait = rate.map { perSecond in requests >= 1 ? 0 : (1 - requests) / perSecond } ?? 0
            let tokenWait = tokensPerMinute.map { tpm in tokens >= needTokens ? 0 : (needTokens - tokens) / (Double(tpm) / 60) } ?? 0
            if requestWait == 0 && tokenWait == 0 {
                if rate != nil { requests -= 1 }
                if tokensPerMinute != nil { tokens -= Double(max(0, estimatedTokens)) }
                if learnsFromServer { learned.recordSend(at: Self.seconds(now)) }
                return
            }
            let wait = max(requestWait, tokenWait)
            if learnsFromServer { learned.recordBound(until: Self.seconds(now) + wait) }
            try await sleep(.milliseconds(Int64((wait * 1000).rounded(.up))))
        }
    }

    /// Holds every caller back for `seconds` from now (a server's `Retry-After` after a 429):
    /// calls already sent are not affected; a later pause that ends sooner does not shorten it.
    /// Every pause empties the request bucket, so calls resume at the budget's rate.
    public func pause(seconds: Double) {
        guard learnsFromServer, seconds.isFinite, seconds > 0 else { return }
        refill()
        pausedUntil = max(pausedUntil, elapsed() + .milliseconds(Int64((min(seconds, 86_400) * 1000).rounded(.up))))
        // Nothing is saved up while paused: after the pause, calls go at the budget's rate, not all at once.
        requests = min(requests, 0)
    }

    /// Learns from a refusal (HTTP 429) that just arrived: holds every caller back for the
    /// server's `Retry-After` (see ``pause(seconds:)``) and, from the refusals' timing, the request
    /// rate the server allows (see ``learnedRequestsPerMinute``).
    public func refused(retryAfter: Double?) {
        guard learnsFromServer else { return }
        refill()
        let hadRate = requestRate != nil
        learned.recordRefusal(at: Self.seconds(elapsed()), retryAfter: retryAfter)
        if !hadRate { requests = 0 }
        if let retryAfter { pause(seconds: retryAfter) }
    }

    /// The request rate, in requests per minute, learnt from the server's refusals (nil before the
    /// first one). It holds only where it is below ``requestsPerMinute``.
    public var learnedRequestsPerMinute: Double? { learned.perSecond.map { $0 * 60 } }

    /// Lowers the budget to the limits the server announced (nil: not announced). A limit above
    /// the budget in force changes nothing: the user's own `--rpm`/`--tpm` are never raised. A
    /// budget learnt afresh starts empty (the server's own bucket is partly spent already).
    public func adopt(requestsPerMinute serverRPM: Int?, tokensPerMinute serverTPM: Int?) {
        guard learnsFromServer else { return }
        refill()
        if let serverRPM, serverRPM >= 1, serverRPM < (requestsPerMinute ?? .max) {
            let fresh = requestsPerMinute == nil
            requestsPerMinute = serverRPM
            requests = fresh ? 0 : min(requests, requestCapacity)
        }
        if let serverTPM, serverTPM >= 1, serverTPM < (tokensPerMinute ?? .max) {
            let fresh = tokensPerMinute == nil
            tokensPerMinute = serverTPM
            tokenCapacity = max(1, Double(serverTPM) / 6)
            tokens = fresh ? 0 : min(tokens, tokenCapacity)
        }
    }

    /// Adopts the limits announced in a reply's headers (see ``announcedLimits(_:)``).
    public func adopt(headers: [(String, String)]) {
        let limits = Self.announcedLimits(headers)
        guard limits.requestsPerMinute != nil || limits.tokensPerMinute != nil else { return }
        adopt(requestsPerMinute: limits.requestsPerMinute, tokensPerMinute: limits.tokensPerMinute)
    }

    /// The per-minute limits a reply's headers announce: OpenAI's `x-ratelimit-limit-requests` and
    /// `x-ratelimit-limit-tokens`, Anthropic's `anthropic-ratelimit-requests-limit` and
    /// `anthropic-ratelimit-tokens-limit` (names compared ignoring case).
    public static func announcedLimits(_ headers: [(String, String)]) -> (requestsPerMinute: Int?, tokensPerMinute: Int?) {
        var rpm: Int?
        var tpm: Int?
        for (name, value) in headers {
            switch name.lowercased() {
            case "x-ratelimit-limit-requests", "anthropic-ratelimit-requests-limit": rpm = Int(value.trimmingCharacters(in: .whitespaces))
            case "x-ratelimit-limit-tokens", "anthropic-ratelimit-tokens-limit": tpm = Int(value.trimmingCharacters(in: .whitespaces))
            default: break
            }
        }
        return (rpm, tpm)
    }

    /// Tokens the bucket holds now (negative while in debt).
    public func availableTokens() -> Double {
        refill()
        return tokens
    }

    /// Replaces a call's estimate by the tokens it really used (0 for an attempt the server
    /// refused or never answered).
    public func settle(estimatedTokens: Int, actualTokens: Int) {
        guard tokensPerMinute != nil else { return }
        refill()
        tokens = min(tokenCapacity, tokens + Double(estimatedTokens - actualTokens))
    }

    /// Gives back the estimate of an attempt that failed (an error status or no answer): a
    /// refused request uses no tokens, and retries must not pile up debt.
    public func refund(estimatedTokens: Int) {
        settle(estimatedTokens: estimatedTokens, actualTokens: 0)
    }

    /// A rough count of the tokens `request` will use: about four bytes of text per prompt token,
    /// plus its `max_tokens` (512 when unset). ``settle(estimatedTokens:actualTokens:)`` corrects it.
    public static func estimatedTokens(of request: ChatRequest) -> Int {
        request.messages.reduce(0) { $0 + $1.content.utf8.count / 4 + 4 } + (request.sampling.maxTokens ?? 512)
    }

    /// Requests per second in force: the lower of the budget's own and the learnt rate.
    private var requestRate: Double? {
        let own = requestsPerMinute.map { Double($0) / 60 }
        guard let learnt = learned.perSecond else { return own }
        return min(own ?? .infinity, learnt)
    }

    /// The request bucket holds one second's worth of requests, and at least one.
    private var requestCapacity: Double { max(1, requestRate ?? 1) }

    private func refill() {
        let now = elapsed()
        // No request is saved up while a pause holds.
        let requestSeconds = Self.seconds(now - max(last, min(pausedUntil, now)))
        let seconds = Self.seconds(now - last)
        last = now
        if learnsFromServer { learned.grow(to: Self.seconds(now)) }
        if let perSecond = requestRate, requestSeconds > 0 { requests = min(requestCapacity, requests + requestSeconds * perSecond) }
        if let tpm = tokensPerMinute { tokens = min(tokenCapacity, tokens + seconds * Double(tpm) / 60) }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
