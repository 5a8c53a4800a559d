import Foundation

/// When and how long to wait before retrying a failed model call.
///
/// Exponential backoff with full jitter, capped, honouring a server's `Retry-After`.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Attempts in total, the first included.
    public var maxAttempts: Int
    /// Delay before the first retry, in seconds (before jitter).
    public var baseDelay: Double
    /// Longest delay between attempts, in seconds.
    public var maxDelay: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 5, baseDelay: Double = 1.0, maxDelay: Double = 60) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Seconds to wait after failed attempt number `attempt` (1-based).
    /// - Parameters:
    ///   - retryAfter: The server's `Retry-After`, in seconds, if it sent one; it wins when longer.
    ///   - unit: A random number in [0, 1) for the jitter.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?, unit: Double) -> Double {
        let exponential = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        let jittered = exponential * (0.5 + 0.5 * unit)
        if let retryAfter, retryAfter > jittered { return retryAfter }
        return jittered
    }

    /// Parses a `Retry-After` header: delta-seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
