import Foundation

/// A prompt template: text with `{{name}}` placeholders, identified by the SHA-256 of its text.
public struct PromptTemplate: Sendable, Hashable {
    /// The template's name (its file name without `.txt`).
    public var name: String
    /// The template text.
    public var text: String

    /// Creates a template.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// SHA-256 of the template text; recorded per run so every score is traceable to its prompts.
    public var hash: String { StableHash.sha256(text) }

    /// Fills every `{{name}}` placeholder.
    /// - Throws: ``CollabBenchError`` (`.promptTemplate`) when a placeholder has no value.
    public func render(_ values: [String: String]) throws -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + values.values.reduce(0) { $0 + $1.utf8.count })
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw CollabBenchError(.promptTemplate, "prompt template '\(name)': unclosed '{{'")
            }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[key] else {
                throw CollabBenchError(.promptTemplate, "prompt template '\(name)': no value for placeholder '\(key)'")
            }
            out += value
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }
}
