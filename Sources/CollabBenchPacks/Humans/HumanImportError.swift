/// Why human reference conversations could not be imported: every problem found, one line each,
/// naming the file and the record (1-based) and field involved.
public struct HumanImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line per problem, e.g. `…/x.json.gz: record 7: 'overall_rating' is missing`.
    public var problems: [String]

    /// Creates an error.
    public init(problems: [String]) {
        self.problems = problems
    }

    /// The problems, one a line.
    public var description: String { problems.joined(separator: "\n") }
}
