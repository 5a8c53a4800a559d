/// One record of a dataset file: its fields, and where it is (file and line) for messages.
///
/// JSON Lines records keep their JSON types; CSV records hold strings only. The accessors turn a
/// missing or mistyped field into a ``PackImportError`` naming the file and line.
public struct DatasetRecord: Sendable, Hashable {
    /// The file the record was read from (as given on the command line).
    public var file: String
    /// The 1-based line where the record starts.
    public var line: Int
    /// 1-based position of the record among the file's records (header and blank lines excluded).
    public var index: Int
    /// The fields by name.
    public var fields: [String: DatasetValue]

    /// Creates a record.
    public init(file: String, line: Int, index: Int, fields: [String: DatasetValue]) {
        self.file = file
        self.line = line
        self.index = index
        self.fields = fields
    }

    /// The string field `name`.
    /// - Parameters:
    ///   - name: the field.
    ///   - allowEmpty: when false (the default), a field holding only whitespace is an error.
    /// - Throws: ``PackImportError`` (`.missingField`, `.invalidField`) naming file, line and field.
    public func string(_ name: String, allowEmpty: Bool = false) throws(PackImportError) -> String {
        guard let value = fields[name], value != .null else {
            throw PackImportError(.missingField, file: file, line: line, "missing field '\(name)'")
        }
        guard case .string(let text) = value else {
            throw PackImportError(.invalidField, file: file, line: line, "field '\(name)' must be a string, found \(value.typeName)")
        }
        if !allowEmpty && text.allSatisfy(\.isWhitespace) {
            throw PackImportError(.invalidField, file: file, line: line, "field '\(name)' is empty")
        }
        return text
    }

    /// The string field `name`, or nil when the record has no such field (or it is null).
    /// - Throws: ``PackImportError`` (`.invalidField`) when the field is present but not a string.
    public func optionalString(_ name: String) throws(PackImportError) -> String? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .string(let text) = value else {
            throw PackImportError(.invalidField, file: file, line: line, "field '\(name)' must be a string, found \(value.typeName)")
        }
        return text
    }

    /// The field `name` read as a flag: JSON `true`/`false`, a number (non-zero is true), or a
    /// CSV string `true`/`false`/`1`/`0`/`yes`/`no`/empty (any case); nil when absent or null.
    /// - Throws: ``PackImportError`` (`.invalidField`) for any other value.
    public func flag(_ name: String) throws(PackImportError) -> Bool? {
        guard let value = fields[name] else { return nil }
        switch value {
        case .null: return nil
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .string(let s):
            switch s.trimmingWhitespace().lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no", "": return false
            default: break
            }
        case .array, .object: break
        }
        throw PackImportError(.invalidField, file: file, line: line, "field '\(name)' must be true or false, found \(value.typeName)")
    }
}

/// A field value of a dataset record.
public enum DatasetValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([DatasetValue])
    case object([String: DatasetValue])

    /// Decodes any JSON value; strings, the common case, are tried first.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let a = try? c.decode([DatasetValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: DatasetValue].self))
        }
    }

    /// The JSON type's name, for messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace (Unicode `isWhitespace`).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
