import Foundation

/// Reads JSON Lines: one JSON object per line, blank lines ignored, `\r\n` accepted.
enum JSONLinesReader {
    /// The records of a JSON Lines text, in file order.
    /// - Parameters:
    ///   - bytes: the (decompressed) file contents.
    ///   - file: the file name used in records and messages.
    /// - Throws: ``PackImportError`` (`.malformedRecord`) naming the first line that is not a JSON object.
    static func records(in bytes: [UInt8], file: String) throws(PackImportError) -> [DatasetRecord] {
        let decoder = JSONDecoder()
        var records: [DatasetRecord] = []
        var lineNumber = 0
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // a UTF-8 byte order mark
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            defer { start = next }
            if bytes[start..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let data = Data(bytes[start..<end])
            do {
                let fields = try decoder.decode([String: DatasetValue].self, from: data)
                records.append(DatasetRecord(file: file, line: lineNumber, index: records.count + 1, fields: fields))
            } catch {
                throw PackImportError(.malformedRecord, file: file, line: lineNumber, explain(error, data: data, decoder: decoder))
            }
        }
        return records
    }

    /// Why a line could not be read as a JSON object, in a few words.
    private static func explain(_ error: any Error, data: Data, decoder: JSONDecoder) -> String {
        if let value = try? decoder.decode(DatasetValue.self, from: data) {
            return "expected a JSON object, found \(value.typeName)"
        }
        if String(data: data, encoding: .utf8) == nil { return "not valid UTF-8" }
        var detail = ""
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            detail = underlying ?? context.debugDescription
        }
        detail = detail.replacingNewlines()
        if detail.count > 120 { detail = String(detail.prefix(120)) + "…" }
        return detail.isEmpty || detail == "The given data was not valid JSON." ? "not valid JSON" : "not valid JSON (\(detail))"
    }
}
