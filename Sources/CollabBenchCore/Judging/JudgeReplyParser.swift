import Foundation

/// Reads a score out of a judge's reply, however it was written.
public enum JudgeReplyParser {
    /// The score in `raw` if it is one of `allowed`: from a JSON object anywhere in the text
    /// (field `score`, `rating` or `interactivity`), else from a plainly stated "score: N" / "rating N".
    /// Returns nil when no valid score can be read; the caller must then treat it as unscored.
    public static func score(in raw: String, allowed: ClosedRange<Double>) -> (score: Double, thought: String?)? {
        if let object = JSONValue.firstObject(in: raw) {
            for key in ["score", "rating", "interactivity"] {
                if let value = object[key]?.doubleValue, allowed.contains(value) {
                    return (value, object["thought"]?.stringValue)
                }
            }
        }
        // A plainly stated score: the keyword, optional punctuation, then a number.
        let lowered = raw.lowercased()
        for keyword in ["score", "rating"] {
            var searchStart = lowered.startIndex
            while let hit = lowered.range(of: keyword, range: searchStart..<lowered.endIndex) {
                var i = hit.upperBound
                while i < lowered.endIndex, " \t:=*\"'is".contains(lowered[i]) { i = lowered.index(after: i) }
                var digits = ""
                while i < lowered.endIndex, lowered[i].isNumber || lowered[i] == "." {
                    digits.append(lowered[i])
                    i = lowered.index(after: i)
                }
                if let value = Double(digits.hasSuffix(".") ? String(digits.dropLast()) : digits), allowed.contains(value) {
                    return (value, nil)
                }
                searchStart = hit.upperBound
            }
        }
        return nil
    }
}
