import CollabBenchCore
import Foundation

extension RunPlan {
    /// Checks every setting on its own (files and models are checked when the run is assembled).
    ///
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`) whose ``CollabBenchError/setting``
    ///   names the first wrong setting, for example `concurrency` or `agentTopP`.
    public func validate() throws {
        func wrong(_ setting: String, _ message: String) -> CollabBenchError {
            CollabBenchError(.invalidArgument, message, setting: setting)
        }
        func atLeastOne(_ setting: String, _ value: Int?) throws {
            if let value, value < 1 { throw wrong(setting, "must be at least 1 (got \(value))") }
        }
        if pack.trimmingCharacters(in: .whitespaces).isEmpty { throw wrong("pack", "no pack given (a built-in pack name or a pack folder)") }
        switch agent {
        case .model(let text) where text.trimmingCharacters(in: .whitespaces).isEmpty:
            throw wrong("agent", "no agent given (a model spec, a service URL or a command)")
        case .command(let text) where text.trimmingCharacters(in: .whitespaces).isEmpty:
            throw wrong("agentCommand", "the agent command is empty")
        case .command where user == nil:
            throw wrong("user", "an agent program needs a simulated user model: the simulated user must be a model")
        default:
            break
        }
        for (setting, value) in [
            ("concurrency", concurrency), ("agentConcurrency", agentConcurrency), ("userConcurrency", userConcurrency),
            ("judgeConcurrency", judgeConcurrency), ("limit", limit), ("maxExchanges", maxExchanges), ("trials", trials),
            ("requestsPerMinute", requestsPerMinute), ("tokensPerMinute", tokensPerMinute), ("judgeRepeats", judgeRepeats),
            ("judgeAttempts", judgeAttempts), ("agentMaxTokens", agentMaxTokens), ("userMaxTokens", userMaxTokens),
            ("judgeMaxTokens", judgeMaxTokens),
        ] as [(String, Int?)] {
            try atLeastOne(setting, value)
        }
        if seed < 0 { throw wrong("seed", "must be 0 or more (got \(seed))") }
        if let t = agentTemperature, !(t.isFinite && t >= 0 && t <= 2) {
            throw wrong("agentTemperature", "must be a number from 0 to 2 (got \(t))")
        }
        if !(agentTopP.isFinite && agentTopP > 0 && agentTopP <= 1) {
            throw wrong("agentTopP", "must be a number above 0 and at most 1 (got \(agentTopP))")
        }
        if !(requestTimeoutSeconds.isFinite && requestTimeoutSeconds > 0) {
            throw wrong("requestTimeoutSeconds", "must be a positive number of seconds (got \(requestTimeoutSeconds))")
        }
        if !(agentTimeoutSeconds.isFinite && agentTimeoutSeconds > 0) {
            throw wrong("agentTimeoutSeconds", "must be a positive number of seconds (got \(agentTimeoutSeconds))")
        }
        if let budgetUSD, !(budgetUSD.isFinite && budgetUSD > 0) {
            throw wrong("budgetUSD", "must be a positive number of US dollars (got \(budgetUSD))")
        }
        if store.isEmpty { throw wrong("store", "no results database given") }
        if retryFailed && forceNew {
            throw wrong("retryFailed", "retries the failed conversations of a stored run, so it cannot be combined with forcing a new run")
        }
    }
}
