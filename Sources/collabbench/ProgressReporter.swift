import CollabBenchReports
import CollabBenchRunner
import Foundation

/// Prints progress lines: one per finished conversation with done/total, rate and ETA.
final class ProgressReporter: @unchecked Sendable {
    // Guarded by `lock`: progress events arrive from the runner's task.
    private let lock = NSLock()
    private let quiet: Bool
    private let agent: String
    private let pack: String
    private var started = Date()
    private var failures = 0

    init(quiet: Bool, agent: String, pack: String) {
        self.quiet = quiet
        self.agent = agent
        self.pack = pack
    }

    func handle(_ event: RunProgress) {
        lock.lock()
        defer { lock.unlock() }
        guard !quiet else { return }
        switch event {
        case .started(let runID, let total, let alreadyStored):
            started = Date()
            let kept = alreadyStored > 0 ? " (\(alreadyStored) already stored)" : ""
            print("Run \(runID): \(total) conversations of pack \(pack) with agent \(agent)\(kept)")
        case .conversationFinished(let taskID, let done, let total, let status, let detail):
            if status == "failed" { failures += 1 }
            let elapsed = Date().timeIntervalSince(started)
            let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
            let line = "[\(done)/\(total)] \(taskID): \(status) \(detail) | \(Self.duration(elapsed)) elapsed, ETA \(Self.duration(eta)), \(failures) failed"
            print(TerminalText.sanitize(line))
        }
        fflush(nil)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
