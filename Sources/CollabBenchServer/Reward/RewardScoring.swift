/// What the reward service calls to score items: the multiturn-aware reward library
/// (`MultiturnRewarder` in CollabBenchRunner) in production, the same library over a scripted
/// model server in tests. The service decodes items, bounds how many are in flight, and hands
/// them over one at a time; the scorer owns models, cache and the audit store.
public protocol RewardScoring: Sendable {
    /// One reward item as the JSONL of `collabbench reward --in` has it.
    associatedtype Item: Decodable & Sendable
    /// The result for one item, as the JSONL of `collabbench reward --out` has it.
    associatedtype Result: Encodable & Sendable

    /// The results for `items`, in their order. A failing model call marks a sample failed inside
    /// its result; a throw means an item could not be scored at all (an unknown task, a bad
    /// history), and the service answers it as that item's error.
    func rewards(for items: [Item]) async throws -> [Result]

    /// How many of the service's concurrency units scoring `item` takes (for the reward library:
    /// its continuations, candidates × samples). The service lets items run side by side while
    /// their costs fit in `--concurrency`.
    func cost(of item: Item) -> Int
}

extension RewardScoring {
    /// One unit per item.
    public func cost(of item: Item) -> Int { 1 }
}
