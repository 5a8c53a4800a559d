import Foundation

/// Reads CSV (RFC 4180): a header row naming the fields, then one record per row. Fields are
/// separated by commas; a field in double quotes may hold commas, line breaks and `""` for a quote.
enum CSVReader {
    /// The records of a CSV text, in file order, each field a string.
    /// - Parameters:
    ///   - bytes: the (decompressed) file contents.
    ///   - file: the file name used in records and messages.
    /// - Throws: ``PackImportError`` (`.malformedRecord`) for an unclosed quote, a row whose field
    ///   count differs from the header's, a duplicate or empty header name, or text that is not UTF-8.
    static func records(in bytes: [UInt8], file: String) throws(PackImportError) -> [DatasetRecord] {
        var parser = Parser(bytes: bytes, file: file)
        guard let (headerLine, header) = try parser.nextRow() else {
            throw PackImportError(.malformedRecord, file: file, "empty CSV file: expected a header row")
        }
        var seen = Set<String>()
        for name in header {
            if name.isEmpty {
                throw PackImportError(.malformedRecord, file: file, line: headerLine, "the CSV header has an empty column name")
            }
            if !seen.insert(name).inserted {
                throw PackImportError(.malformedRecord, file: file, line: headerLine, "the CSV header names '\(name)' twice")
            }
        }
        var records: [DatasetRecord] = []
        while let (line, row) = try parser.nextRow() {
            guard row.count == header.count else {
                throw PackImportError(
                    .malformedRecord, file: file, line: line,
                    "CSV row has \(row.count) field\(row.count == 1 ? "" : "s"), the header has \(header.count)")
            }
            var fields: [String: DatasetValue] = [:]
            for (name, value) in zip(header, row) { fields[name] = .string(value) }
            records.append(DatasetRecord(file: file, line: line, index: records.count + 1, fields: fields))
        }
        return records
    }

    /// A cursor over the bytes that yields rows with the line each starts on.
    private struct Parser {
        let bytes: [UInt8]
        let file: String
        var position = 0
        var line = 1

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }  // a UTF-8 byte order mark
        }

        /// The next non-blank row and its starting line, or nil at the end.
        mutating func nextRow() throws(PackImportError) -> (Int, [String])? {
            while position < bytes.count {
                let startLine = line
                var row: [String] = []
                var field: [UInt8] = []
                var quoted = false  // inside a quoted field
                var rowDone = false
                var blank = true
                while position < bytes.count && !rowDone {
                    let c = bytes[position]
                    position += 1
                    if quoted {
                        if c == UInt8(ascii: "\"") {
                            if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                                field.append(c)
                                position += 1
                            } else {
                                quoted = false
                            }
                        } else {
                            if c == 0x0A { line += 1 }
                            field.append(c)
                        }
                        continue
                    }
                    switch c {
                    case UInt8(ascii: "\""):
                        blank = false
                        if field.isEmpty { quoted = true } else { field.append(c) }
                    case UInt8(ascii: ","):
                        blank = false
                        row.append(try string(field, line: startLine))
                        field.removeAll(keepingCapacity: true)
                    case 0x0A:
                        line += 1
                        rowDone = true
                    case 0x0D where position < bytes.count && bytes[position] == 0x0A:
                        break  // the \n that follows ends the row
                    default:
                        if c != 0x20 && c != 0x09 { blank = false }
                        field.append(c)
                    }
                }
                if quoted {
                    throw PackImportError(.malformedRecord, file: file, line: startLine, "CSV field opened with a quote is never closed")
                }
                if blank && row.isEmpty { continue }
                row.append(try string(field, line: startLine))
                return (startLine, row)
            }
            return nil
        }

        private func string(_ field: [UInt8], line: Int) throws(PackImportError) -> String {
            guard let text = String(bytes: field, encoding: .utf8) else {
                throw PackImportError(.malformedRecord, file: file, line: line, "CSV row is not valid UTF-8")
            }
            return text
        }
    }
}
