import Foundation

/// A submitted `application/x-www-form-urlencoded` form: names to values (the last value of a
/// repeated name wins). Nothing here is echoed back unescaped.
struct StudyForm: Sendable {
    /// The fields.
    var fields: [String: String]

    /// Parses a form body.
    init(body: String) {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields[name] = value
        }
        self.fields = fields
    }

    /// The field `name`, or "".
    subscript(_ name: String) -> String { fields[name] ?? "" }

    /// The field `name` as a whole number, if it is one.
    func integer(_ name: String) -> Int? { Int(self[name].trimmingCharacters(in: .whitespaces)) }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
