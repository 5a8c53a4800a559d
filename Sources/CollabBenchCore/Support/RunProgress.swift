/// What a run reports as it goes, for a progress display.
///
/// The runner publishes these events; the counters behind them (calls, tokens, cost, in flight)
/// live in the run's ``RunMeter``, which the runner and the metered models update. A display
/// (`ProgressReporter` in CollabBenchReports) reads both and keeps no counters of its own.
public enum RunProgress: Sendable, Hashable {
    /// The run starts: `total` conversations to run now, `alreadyStored` kept from before.
    case started(runID: String, total: Int, alreadyStored: Int)
    /// A conversation finished: `done` of `total` now, with its status and a one-line detail
    /// (the failure, or the task metric and how it ended).
    case conversationFinished(taskID: String, done: Int, total: Int, status: ConversationStatus, detail: String)
}
