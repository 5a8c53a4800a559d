import CollabBenchCore
import CollabBenchMetrics
import CollabBenchScoring

/// What happens to a conversation whose simulated user broke the protocol (`run --simulator-gate`).
public enum SimulatorGateMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// No check.
    case off
    /// The conversation is kept and flagged with its reasons (the default; changes no score).
    case flag
    /// The conversation is run again with a new seed, at most ``SimulatorGate/reruns`` times; if
    /// every attempt breaks the protocol the last is stored but excluded from the scores.
    case rerun
}

/// One way a simulated user can break the protocol.
public enum SimulatorGateReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// It copied the reference (``ScoreFlag/leak``'s rule, at the run's leak threshold).
    case leak
    /// It answered its own request: one of its messages holds what it asked for (math: `\boxed`;
    /// code: a fenced code block with code; docs: a message of at least
    /// ``SimulatorFidelity/minimumDraftWords`` words).
    case selfAnswer = "self_answer"
    /// It ended the chat before the agent gave any answer (``SimulatorFidelity/isEarlyStop(_:kind:)``).
    case earlyStop = "early_stop"
    /// At least ``SimulatorGate/minimumFormatErrors`` of its replies, and more than
    /// ``SimulatorGate/maximumFormatErrorShare`` of them, were not the requested JSON.
    case formatErrors = "format_errors"
}

/// The simulator gate: rule-based checks of a finished conversation's simulated user.
public struct SimulatorGate: Sendable {
    /// Malformed replies a conversation may have before the share is checked.
    public static let minimumFormatErrors = 2
    /// Share of malformed replies above which the gate trips.
    public static let maximumFormatErrorShare = 0.5

    /// The mode.
    public var mode: SimulatorGateMode
    /// Re-runs at most per conversation (``SimulatorGateMode/rerun``).
    public var reruns: Int
    /// The leak threshold (share of the reference).
    public var leakThreshold: Double
    /// What each conversation's attempts found, kept until the conversation is stored.
    let log = SimulatorGateLog()

    /// Creates a gate.
    public init(mode: SimulatorGateMode = .flag, reruns: Int = 2, leakThreshold: Double = 0.3) {
        self.mode = mode
        self.reruns = max(0, reruns)
        self.leakThreshold = leakThreshold
    }

    /// The rules `transcript` breaks, in ``SimulatorGateReason`` order; none for a failed
    /// conversation (a model failure is not the simulator's protocol).
    public func reasons(_ transcript: Transcript, kind: TaskKind, reference: String) -> [SimulatorGateReason] {
        guard transcript.endReason != .failed else { return [] }
        var out: [SimulatorGateReason] = []
        if LeakMeasure.measure(userMessages: transcript.userTexts, reference: reference).flagged(threshold: leakThreshold) {
            out.append(.leak)
        }
        if transcript.userTexts.contains(where: { SimulatorFidelity.holdsAnswer($0, kind: kind) }) { out.append(.selfAnswer) }
        if SimulatorFidelity.isEarlyStop(transcript, kind: kind) { out.append(.earlyStop) }
        let users = transcript.turns.filter { $0.role == .user }
        let malformed = users.filter(\.call.formatError).count
        if malformed >= Self.minimumFormatErrors, Double(malformed) > Self.maximumFormatErrorShare * Double(users.count) {
            out.append(.formatErrors)
        }
        return out
    }

    /// The seed of re-run `attempt` (1, 2, …) of the conversation whose seed is `base`.
    public static func rerunSeed(_ base: Int, attempt: Int) -> Int {
        attempt == 0 ? base : StableHash.derivedSeed(base, "simulator-gate", String(attempt))
    }

    /// The record to store for a conversation whose attempts found `findings` (first attempt
    /// first), or nil when there is nothing to record.
    public func record(findings: [[SimulatorGateReason]]) -> GateFinding? {
        guard mode != .off, let last = findings.last else { return nil }
        let first = findings.first(where: { !$0.isEmpty }) ?? []
        if !last.isEmpty {
            return GateFinding(outcome: mode == .rerun ? .excluded : .flagged, reasons: last, attempts: findings.count)
        }
        return findings.count > 1 ? GateFinding(outcome: .rerun, reasons: first, attempts: findings.count) : nil
    }
}

/// The gate's verdict on one conversation.
public struct GateFinding: Sendable, Hashable {
    /// What became of the conversation.
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        /// Kept and marked.
        case flagged
        /// An earlier attempt broke the protocol; a re-run passed and is the one stored.
        case rerun
        /// Every attempt broke the protocol; stored, but left out of the scores.
        case excluded
    }

    /// The outcome.
    public var outcome: Outcome
    /// The rules broken (by the stored attempt; for ``Outcome/rerun``, by the first that broke one).
    public var reasons: [SimulatorGateReason]
    /// Attempts run.
    public var attempts: Int

    /// Creates a finding.
    public init(outcome: Outcome, reasons: [SimulatorGateReason], attempts: Int) {
        self.outcome = outcome
        self.reasons = reasons
        self.attempts = attempts
    }
}

/// Per `task#trial`: what each attempt of a conversation in flight broke (written when the
/// conversation is run, taken when it is stored).
actor SimulatorGateLog {
    private var findings: [String: [[SimulatorGateReason]]] = [:]

    func set(_ key: String, _ value: [[SimulatorGateReason]]) { findings[key] = value }

    func take(_ key: String) -> [[SimulatorGateReason]]? { findings.removeValue(forKey: key) }
}
