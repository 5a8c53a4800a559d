import CollabBenchCore
import Foundation

/// The reward service behind `POST /v1/reward`: decodes a batch of items, admits it into the
/// bounded queue or turns it away, scores every item through the scorer with a bounded number in
/// flight across all requests, and answers the results in the items' order.
///
/// Answers: 200 `{"results": [...]}`; 400 `{"error", "index"}` for a malformed body or an item the
/// scorer rejects; 413 for a batch larger than the service ever admits; 429 with `Retry-After`
/// when the queue is full; 502 when the scorer fails as a service (never for one failing model
/// call, which marks its sample failed inside the result).
public struct RewardService<Scorer: RewardScoring>: Sendable {
    /// The scorer every item goes to.
    public let scorer: Scorer
    /// The service's limits.
    public let settings: RewardServiceSettings
    let admission: RewardAdmission

    /// A service scoring through `scorer` within `settings`.
    public init(scorer: Scorer, settings: RewardServiceSettings = RewardServiceSettings()) {
        self.scorer = scorer
        self.settings = settings
        self.admission = RewardAdmission(settings: settings)
    }

    /// Items admitted and not yet finished (being scored or waiting).
    public var pendingItems: Int {
        get async { await admission.pending }
    }

    /// Answers one request body.
    public func handle(body: Data) async -> RewardReply {
        let items: [Scorer.Item]
        switch decode(body) {
        case .success(let decoded): items = decoded
        case .failure(let failure): return failure.reply
        }
        if items.isEmpty { return encode([]) }
        switch await admission.admit(items.count) {
        case .admitted: break
        case .full(let seconds):
            return .error(
                429, "the reward queue is full (\(settings.queue) items admitted at most); retry after \(seconds) s",
                headers: [("Retry-After", String(seconds))])
        case .tooLarge(let capacity):
            return .error(
                413, "a batch of \(items.count) items is larger than the service admits at once (--queue \(capacity))")
        }
        let reply = await score(items)
        await admission.finish(items.count)
        return reply
    }

    // MARK: - Decoding

    private func decode(_ body: Data) -> Result<[Scorer.Item], ReplyError> {
        let envelope: RewardRequestBody<Scorer.Item>
        do {
            envelope = try JSONDecoder().decode(RewardRequestBody<Scorer.Item>.self, from: body)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            return .failure(ReplyError(reply: .error(400, "malformed body: not JSON")))
        } catch let error as DecodingError {
            return .failure(ReplyError(reply: .error(400, "malformed body: " + error.described())))
        } catch {
            return .failure(ReplyError(reply: .error(400, "malformed body: not JSON")))
        }
        var items: [Scorer.Item] = []
        items.reserveCapacity(envelope.items.count)
        for (index, slot) in envelope.items.enumerated() {
            switch slot.value {
            case .success(let item): items.append(item)
            case .failure(let error):
                return .failure(ReplyError(reply: .error(400, "malformed item: " + error.described(), index: index)))
            }
        }
        return .success(items)
    }

    // MARK: - Scoring

    private func score(_ items: [Scorer.Item]) async -> RewardReply {
        let outcome: Result<[Scorer.Result], ItemFailure> = await withTaskGroup(of: (Int, Result<Scorer.Result, ItemFailure>).self) { group in
            for (index, item) in items.enumerated() {
                group.addTask { [scorer, admission] in
                    let units: Int
                    do {
                        units = try await admission.acquire(units: scorer.cost(of: item))
                    } catch {
                        return (index, .failure(ItemFailure(index: index, error: error)))
                    }
                    let start = ContinuousClock.now
                    do {
                        let results = try await scorer.rewards(for: [item])
                        await admission.release(units: units, seconds: Self.seconds(since: start))
                        guard results.count == 1 else {
                            return (index, .failure(ItemFailure(index: index, error: ScorerMismatch(count: results.count))))
                        }
                        return (index, .success(results[0]))
                    } catch {
                        await admission.release(units: units, seconds: Self.seconds(since: start))
                        return (index, .failure(ItemFailure(index: index, error: error)))
                    }
                }
            }
            var results = [Scorer.Result?](repeating: nil, count: items.count)
            for await (index, result) in group {
                switch result {
                case .success(let value): results[index] = value
                case .failure(let failure):
                    group.cancelAll()
                    return .failure(failure)
                }
            }
            return .success(results.compactMap { $0 })
        }
        switch outcome {
        case .success(let results): return encode(results)
        case .failure(let failure): return failure.reply
        }
    }

    private func encode(_ results: [Scorer.Result]) -> RewardReply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return RewardReply(status: 200, body: try encoder.encode(RewardResponseBody(results: results)))
        } catch {
            return .error(500, "could not encode the results: \(error)")
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = (ContinuousClock.now - start).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }
}

/// A reply to answer instead of scoring.
private struct ReplyError: Error {
    var reply: RewardReply
}

/// The scorer returned a number of results other than one for one item.
private struct ScorerMismatch: Error, CustomStringConvertible {
    var count: Int
    var description: String { "the scorer returned \(count) results for one item" }
}

/// Why an item could not be scored, worded as the reply the whole request gets.
private struct ItemFailure: Error {
    var index: Int
    var error: any Error

    var reply: RewardReply {
        if error is CancellationError { return .error(503, "the request was cancelled", index: index) }
        guard let error = error as? CollabBenchError else {
            return .error(500, "item \(index) could not be scored: \(error)", index: index)
        }
        let status =
            switch error.code.family {
            case .usage, .data: 400
            case .service: 502
            case .internalOrIO: 500
            }
        return .error(status, "item \(index): \(error.description)", index: index)
    }
}
