import CollabBenchCore
import Foundation

/// How one attempt of a model call ended, as the retry loop sees it.
enum AttemptOutcome<Value: Sendable>: Sendable {
    /// The call succeeded.
    case success(Value)
    /// A transient failure: retry after the policy's backoff (or the server's `Retry-After`).
    case retryable(CollabBenchError, retryAfter: Double?)
    /// A failure retrying cannot fix.
    case fatal(CollabBenchError)
    /// Send again at once, without counting the attempt: the client changed how it phrases the
    /// request (a structured-output form or a sampling parameter the server refused).
    case rephrased
}

/// The retry loop shared by the HTTP model clients: exponential backoff with jitter, capped,
/// honouring `Retry-After`, giving up after ``RetryPolicy/maxAttempts`` counted attempts.
struct RetryLoop {
    /// The policy.
    var policy: RetryPolicy
    /// The clock backoffs sleep on (tests inject a manual one).
    var clock: any Clock<Duration> = ContinuousClock()
    /// Random numbers in [0, 1) for the jitter.
    var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
    /// At most this many uncounted ``AttemptOutcome/rephrased`` attempts (guards against a
    /// client that keeps rephrasing).
    var maxRephrasings = 4

    /// Runs `attempt` until it succeeds, fails fatally, or the attempts are used up.
    /// - Returns: The value and the number of counted attempts.
    /// - Throws: The last ``CollabBenchError`` (a retryable one says after how many attempts it
    ///   gave up), or `CancellationError` when the task is cancelled during a backoff.
    func run<Value: Sendable>(_ attempt: () async -> AttemptOutcome<Value>) async throws -> (value: Value, attempts: Int) {
        var attempts = 0
        var rephrasings = 0
        while true {
            attempts += 1
            switch await attempt() {
            case .success(let value):
                return (value, attempts)
            case .fatal(let error):
                throw error
            case .rephrased:
                rephrasings += 1
                guard rephrasings <= maxRephrasings else {
                    throw CollabBenchError(.modelHTTPError, "the request was rephrased \(rephrasings) times without success")
                }
                attempts -= 1
            case .retryable(let error, let retryAfter):
                guard attempts < policy.maxAttempts else {
                    throw CollabBenchError(error.code, "\(error.message) (gave up after \(attempts) attempts)")
                }
                let seconds = policy.delay(afterAttempt: attempts, retryAfter: retryAfter, unit: random())
                try await clock.sleep(for: .milliseconds(Int64(seconds * 1000)))
            }
        }
    }
}
