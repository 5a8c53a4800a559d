/// A ``ChatModel`` that prices every call and counts it on a ``RunMeter``.
///
/// Wrap it outermost (around ``CachedChatModel``) so cache hits are seen as free. The cost of a
/// call is `price.cost(usage)` from the usage the server reported; it is nil (unknown, never 0)
/// when the model has no price or the reply carried no usage. A cache hit costs 0 when its cost
/// would have been known, and stays unknown (nil) otherwise: an unpriced call is unknown whether
/// it came from the cache or not, so a run resumed after an interruption (whose first calls are
/// replayed from the cache) stores the same unknown costs as an uninterrupted one.
public struct MeteredChatModel: ChatModel {
    /// The model behind the meter.
    public var base: any ChatModel
    /// The model's price, or nil when unknown.
    public var price: ModelPrice?
    /// Where calls are counted.
    public var meter: RunMeter

    public var spec: ModelSpec { base.spec }

    /// Wraps `base`.
    public init(base: any ChatModel, price: ModelPrice?, meter: RunMeter) {
        self.base = base
        self.price = price
        self.meter = meter
    }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        metered(try await base.complete(request), request: request)
    }

    /// Forwards the pieces of `base`'s reply as they come and meters the call like
    /// ``complete(_:)``.
    public func complete(_ request: ChatRequest, onPiece: @Sendable (String) async -> Void) async throws -> ChatCompletion {
        metered(try await base.complete(request, onPiece: onPiece), request: request)
    }

    /// `completion` priced and counted on the meter.
    private func metered(_ completion: ChatCompletion, request: ChatRequest) -> ChatCompletion {
        var completion = completion
        var estimate: Double?
        if completion.fromCache {
            completion.costUSD = price != nil && completion.usage != nil ? 0 : nil
        } else if let price, let usage = completion.usage {
            completion.costUSD = completion.batched ? price.batchCost(usage) : price.cost(usage)
        } else {
            completion.costUSD = nil
            // Priced, but the server reported no usage: the stored cost stays unknown, while a
            // budget still counts an estimate from the text (about four bytes per token).
            estimate = price.map { price in
                let prompt = request.messages.reduce(0) { $0 + $1.content.utf8.count / 4 + 4 }
                return price.cost(TokenUsage(promptTokens: prompt, completionTokens: completion.text.utf8.count / 4 + 1))
            }
        }
        meter.recordCall(cached: completion.fromCache, usage: completion.usage, cost: completion.costUSD, estimatedCost: estimate)
        return completion
    }
}

extension MeteredChatModel {
    /// `base` metered; when `base` keeps state per conversation, the sessions it opens are metered
    /// too (so a subprocess agent's calls count on the meter like any other).
    public static func wrapping(_ base: any ChatModel, price: ModelPrice?, meter: RunMeter) -> any ChatModel {
        if let scoped = base as? any ConversationScopedModel {
            return MeteredScopedModel(base: scoped, price: price, meter: meter)
        }
        return MeteredChatModel(base: base, price: price, meter: meter)
    }
}

/// A metered ``ConversationScopedModel``: each session it opens is metered.
struct MeteredScopedModel: ConversationScopedModel {
    var base: any ConversationScopedModel
    var price: ModelPrice?
    var meter: RunMeter

    var spec: ModelSpec { base.spec }

    func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        try await MeteredChatModel(base: base, price: price, meter: meter).complete(request)
    }

    func complete(_ request: ChatRequest, onPiece: @Sendable (String) async -> Void) async throws -> ChatCompletion {
        try await MeteredChatModel(base: base, price: price, meter: meter).complete(request, onPiece: onPiece)
    }

    func openConversation(id: String) -> any ConversationSession {
        MeteredSession(base: base.openConversation(id: id), price: price, meter: meter)
    }
}

/// A metered ``ConversationSession``.
struct MeteredSession: ConversationSession {
    var base: any ConversationSession
    var price: ModelPrice?
    var meter: RunMeter

    var spec: ModelSpec { base.spec }

    func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        try await MeteredChatModel(base: base, price: price, meter: meter).complete(request)
    }

    func complete(_ request: ChatRequest, onPiece: @Sendable (String) async -> Void) async throws -> ChatCompletion {
        try await MeteredChatModel(base: base, price: price, meter: meter).complete(request, onPiece: onPiece)
    }

    func close() async { await base.close() }
}
