/// Why a dataset could not be imported into a pack: a code, and one line naming the file (and
/// line, when it is about one record) and what is wrong.
///
/// ```text
/// data/math.jsonl:17: missing field 'solution'
/// ```
public struct PackImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable categories of import failure.
    public enum Code: String, Sendable, Hashable {
        /// The input file does not exist or cannot be read.
        case missingFile
        /// The input is not valid gzip, or is cut short.
        case corruptCompression
        /// A line is not valid JSON, not a JSON object, not UTF-8, or a CSV row is malformed.
        case malformedRecord
        /// A record lacks a field the importer needs.
        case missingField
        /// A field has the wrong type or an unusable value (say an empty problem).
        case invalidField
        /// Two kept records share an id.
        case duplicateID
        /// The options cannot be applied (a sample larger than the rows, no rows left, …).
        case invalidOption
        /// The output folder exists and replacing it was not asked for, or writing it failed.
        case outputFailure
    }

    /// The category.
    public var code: Code
    /// The file the problem is in (the input, or the output folder for ``Code/outputFailure``).
    public var file: String
    /// The 1-based line where the record starts, when the problem is about one record.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, file: String, line: Int? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, or `file: message`; always one line.
    public var description: String {
        let text = message.replacingNewlines()
        return line.map { "\(file):\($0): \(text)" } ?? "\(file): \(text)"
    }
}

extension String {
    /// The string with line breaks turned into spaces, for one-line messages.
    func replacingNewlines() -> String {
        guard contains(where: \.isNewline) else { return self }
        return String(map { $0.isNewline ? " " : $0 })
    }
}
