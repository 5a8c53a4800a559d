import Foundation

/// How a run uses the response cache.
public enum CacheMode: String, Sendable, Codable, Hashable, CaseIterable {
    /// Use cached replies; call the model on a miss and store its reply.
    case readWrite = "read-write"
    /// Use cached replies only; a miss is an error. Replays a recorded run offline.
    case readOnly = "read-only"
    /// No cache.
    case off
}

/// A store of model replies keyed by everything that determines them.
public protocol ResponseCaching: Sendable {
    /// The cached reply for `key`, if any.
    func cachedCompletion(forKey key: String) async throws -> ChatCompletion?
    /// Stores `completion` under `key` for `model`.
    func storeCompletion(_ completion: ChatCompletion, forKey key: String, model: String) async throws
}

/// A ``ChatModel`` that answers from a response cache when it can, so the same call is never
/// paid for twice and a recorded run can be replayed offline.
///
/// The key covers the endpoint, model, messages, sampling, seed and response format. Since every
/// call's seed derives from the run seed, task and trial, a re-run makes the same calls.
public struct CachedChatModel: ChatModel {
    /// The model behind the cache.
    public var base: any ChatModel
    /// The cache.
    public var cache: any ResponseCaching
    /// Read-write or read-only.
    public var mode: CacheMode

    public var spec: ModelSpec { base.spec }

    /// Wraps `base`.
    public init(base: any ChatModel, cache: any ResponseCaching, mode: CacheMode) {
        self.base = base
        self.cache = cache
        self.mode = mode
    }

    /// The cache key of `request` sent to the model `spec`.
    public static func key(for request: ChatRequest, spec: ModelSpec) -> String {
        var parts = [spec.description]
        parts.append(ConversationEngine.hash(request.messages))
        let s = request.sampling
        parts.append("t=\(s.temperature.map { "\($0)" } ?? "-") p=\(s.topP.map { "\($0)" } ?? "-") m=\(s.maxTokens.map { "\($0)" } ?? "-")")
        parts.append("seed=\(request.seed.map { "\($0)" } ?? "-")")
        parts.append(request.responseFormat.map { "\($0.name):\($0.schemaJSON)" } ?? "-")
        return StableHash.sha256(parts.joined(separator: "\u{1E}"))
    }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        if let hit = try await cached(request) { return hit }
        return try await stored(try await base.complete(request), request: request)
    }

    /// A cache hit as one piece; on a miss, the pieces of `base`'s reply as they come (the reply
    /// is stored once it is whole).
    public func complete(_ request: ChatRequest, onPiece: @Sendable (String) async -> Void) async throws -> ChatCompletion {
        if let hit = try await cached(request) {
            if !hit.text.isEmpty { await onPiece(hit.text) }
            return hit
        }
        return try await stored(try await base.complete(request, onPiece: onPiece), request: request)
    }

    /// The cached reply to `request`, if any.
    /// - Throws: ``CollabBenchError`` on a miss of a read-only cache.
    private func cached(_ request: ChatRequest) async throws -> ChatCompletion? {
        let key = Self.key(for: request, spec: base.spec)
        if mode != .off, var hit = try await cache.cachedCompletion(forKey: key) {
            hit.attempts = 0
            hit.latencySeconds = 0
            hit.fromCache = true
            return hit
        }
        if mode == .readOnly {
            throw CollabBenchError(.cacheMiss, "no cached reply of \(base.spec) for this call (the cache is read-only, so the model is not called)")
        }
        return nil
    }

    /// `completion` stored in the cache (read-write mode).
    private func stored(_ completion: ChatCompletion, request: ChatRequest) async throws -> ChatCompletion {
        let key = Self.key(for: request, spec: base.spec)
        if mode == .readWrite {
            try await cache.storeCompletion(completion, forKey: key, model: base.spec.description)
        }
        return completion
    }
}
