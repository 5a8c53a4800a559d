import CollabBenchCore
import Foundation

/// Takes the caller's own API keys out of error texts, so a server that echoes a key back
/// (`401 Incorrect API key provided: sk-…`) does not put it on the terminal or into the store.
enum KeyRedaction {
    /// What a key is replaced with.
    static let placeholder = "[redacted key]"

    /// Shortest echoed piece of a key that is redacted: a server that repeats only the start of a
    /// key (`sk-proj-abcd…`) has that start taken out too.
    static let minimumEchoedPrefix = 8

    /// `text` with every occurrence of each key in `keys` (and of any start of one that is at least
    /// ``minimumEchoedPrefix`` characters long and ends where the text stops matching) replaced by
    /// ``placeholder``. Keys shorter than four characters are left alone (they would match too much).
    static func redact(_ text: String, keys: [String]) -> String {
        var out = text
        for key in keys.sorted(by: { $0.count > $1.count }) where key.count >= 4 {
            out = out.replacingOccurrences(of: key, with: placeholder)
            guard key.count > minimumEchoedPrefix else { continue }
            // A truncated echo: the longest start of the key that still appears.
            var length = key.count - 1
            while length >= minimumEchoedPrefix {
                let prefix = String(key.prefix(length))
                if out.contains(prefix) {
                    out = out.replacingOccurrences(of: prefix, with: placeholder)
                    break
                }
                length -= 1
            }
        }
        return out
    }

    /// `error` with the keys taken out of its message; other errors are returned as they are.
    static func redact(_ error: any Error, keys: [String]) -> any Error {
        guard var e = error as? CollabBenchError, !keys.isEmpty else { return error }
        e.message = redact(e.message, keys: keys)
        e.cause = e.cause.map { redact($0, keys: keys) }
        e.value = e.value.map { redact($0, keys: keys) }
        return e
    }
}
