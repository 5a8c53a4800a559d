import CollabBenchCore
import CollabBenchModels
import CollabBenchStore
import Synchronization

/// The model clients of a run: one decorator chain per role and model — the HTTP client (with the
/// endpoint's rate budget inside it) → the response cache → the cost meter.
///
/// A role's bound on calls in flight holds across everything that calls it because each role and
/// model gets exactly one chain: the judge, the accuracy judge and the extractor of one judge model
/// share the `judge` chain.
public final class ModelStack: Sendable {
    /// Who is calling a model.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case agent, user, judge
    }

    /// The factory that owns the HTTP client shared by every chain.
    public let factory: ModelClientFactory
    /// The meter every chain reports to.
    public let meter: RunMeter
    private let cache: (store: ResultStore, mode: CacheMode)?
    private let prices: PricingTable
    private let defaultInFlight: Int
    private let chains = Mutex<[String: any ChatModel]>([:])
    /// Collects the calls of ``batchedRoles`` into provider batches (`run --batch`), if set.
    let batching: (any CallBatching)?
    /// The roles whose calls go through ``batching``: the judge for `--batch judges`, every role
    /// for `--batch all` (an agent program's calls never do: ``uncached(_:spec:)`` is direct).
    let batchedRoles: Set<Role>

    /// Creates a stack.
    /// - Parameters:
    ///   - factory: Makes the HTTP clients.
    ///   - cache: The store holding the response cache and its mode; nil or mode `off` for none.
    ///   - prices: Prices for the meter.
    ///   - meter: Counts calls, tokens and cost.
    ///   - defaultInFlight: Calls in flight at most per chain when a role has no bound of its own.
    public convenience init(factory: ModelClientFactory, cache: (store: ResultStore, mode: CacheMode)?, prices: PricingTable, meter: RunMeter, defaultInFlight: Int) {
        self.init(factory: factory, cache: cache, prices: prices, meter: meter, defaultInFlight: defaultInFlight, batching: nil)
    }

    /// Creates a stack whose chains for `batchedRoles` send their calls through `batching` (in
    /// place of the HTTP client, which makes the calls a batch has no answer for).
    init(
        factory: ModelClientFactory, cache: (store: ResultStore, mode: CacheMode)?, prices: PricingTable, meter: RunMeter, defaultInFlight: Int,
        batching: (any CallBatching)?, batchedRoles: Set<Role> = [.judge]
    ) {
        self.batching = batching
        self.batchedRoles = batching == nil ? [] : batchedRoles
        self.factory = factory
        self.cache = cache.flatMap { $0.mode == .off ? nil : $0 }
        self.prices = prices
        self.meter = meter
        self.defaultInFlight = defaultInFlight
    }

    /// The chain for `spec` in `role`, made on first use.
    /// - Parameter maxInFlight: This role's bound on calls in flight (nil: the stack's default);
    ///   only the first call for a role and model sets it.
    public func model(_ spec: ModelSpec, role: Role, maxInFlight: Int? = nil) -> any ChatModel {
        let key = role.rawValue + "\u{1F}" + spec.description
        return chains.withLock { chains in
            if let existing = chains[key] { return existing }
            let direct = factory.client(for: spec, maxInFlight: maxInFlight ?? defaultInFlight)
            // The batching sits under the cache: a cached call never reaches a batch.
            let client: any ChatModel =
                batchedRoles.contains(role) ? batching.map { BatchingChatModel(direct: direct, batching: $0) } ?? direct : direct
            let cached: any ChatModel = cache.map { CachedChatModel(base: client, cache: $0.store, mode: $0.mode) } ?? client
            let metered = MeteredChatModel(base: cached, price: prices.price(for: spec), meter: meter)
            chains[key] = metered
            return metered
        }
    }

    /// A model that keeps state per conversation (an agent program): metered, never cached.
    public func uncached(_ model: SubprocessAgent, spec: ModelSpec) -> any ChatModel {
        MeteredChatModel.wrapping(model, price: prices.price(for: spec), meter: meter)
    }
}
