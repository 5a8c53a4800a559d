import CollabBenchCore
import CollabBenchStore
import Foundation

/// What to do with a `run` command given what the store already holds.
public enum RunResolution: Sendable {
    /// Start a new run.
    case new
    /// Continue this interrupted or partial run.
    case resume(RunRecord)
    /// Run the `failed` failed conversations of this run again (``RunPlan/retryFailed``), and any
    /// it has not yet stored.
    case retryFailed(RunRecord, failed: Int)
    /// A run with this configuration already finished; nothing to do.
    case alreadyComplete(RunRecord)
}

/// Decides whether a `run` command starts a new run or continues a stored one.
public enum RunResolver {
    /// Resolves `configuration` against `store`.
    ///
    /// A named run continues the stored run of that name when the configuration is the same and
    /// is refused, with every difference named, when it is not. An unnamed run continues the newest
    /// unfinished run with the same configuration. `forceNew` always starts a new run. With
    /// `retryFailed`, a stored run that has failed conversations is ``RunResolution/retryFailed(_:failed:)``
    /// (complete or not); without failed conversations it resolves as without the flag.
    /// - Throws: ``CollabBenchError`` (`.configurationChanged`) naming the differences.
    public static func resolve(
        store: ResultStore, configuration: RunConfiguration, forceNew: Bool, retryFailed: Bool = false
    ) throws -> RunResolution {
        if forceNew { return .new }
        let hash = try configuration.identityHash()
        if let name = configuration.name, let existing = try store.run(name) {
            guard existing.configHash == hash else {
                let old = identityJSON(ofStored: existing.configJSON)
                let diffs = ConfigurationDiff.differences(old: old, new: try configuration.identityJSON())
                let listed = diffs.prefix(6).joined(separator: "; ") + (diffs.count > 6 ? "; and \(diffs.count - 6) more" : "")
                throw CollabBenchError(
                    .configurationChanged,
                    "run '\(name)' exists with a different configuration (\(listed.isEmpty ? "stored by another CollabBench version" : listed))")
            }
            return try continuing(existing, store: store, retryFailed: retryFailed)
        }
        if configuration.name == nil, let existing = try store.latestRun(configHash: hash) {
            return try continuing(existing, store: store, retryFailed: retryFailed)
        }
        return .new
    }

    /// How a stored run with the same configuration goes on.
    private static func continuing(_ existing: RunRecord, store: ResultStore, retryFailed: Bool) throws -> RunResolution {
        if retryFailed {
            let failed = try store.failedConversationCount(runID: existing.id)
            if failed > 0 { return .retryFailed(existing, failed: failed) }
        }
        return existing.status == .completed ? .alreadyComplete(existing) : .resume(existing)
    }

    private static func identityJSON(ofStored json: String) -> String {
        guard let config = try? JSONDecoder().decode(RunConfiguration.self, from: Data(json.utf8)),
            let identity = try? config.identityJSON()
        else { return json }
        return identity
    }
}
