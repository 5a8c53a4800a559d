import CollabBenchCore
import Foundation

/// A dataset file read into memory: its records, and the facts a pack records about it.
///
/// The format follows the name: `*.csv` (or `*.csv.gz`) is CSV with a header row, anything else
/// is JSON Lines. Gzip is recognised by its magic number, whatever the name.
public struct DatasetFile: Sendable {
    /// The path as given.
    public var path: String
    /// The file's name (last path component), as recorded in a pack's `source`.
    public var name: String
    /// Lower-case hex SHA-256 of the bytes on disk (before decompression).
    public var sha256: String
    /// True when the file was gzip-compressed.
    public var wasCompressed: Bool
    /// The records, in file order.
    public var records: [DatasetRecord]

    /// Reads and parses the file at `path`.
    /// - Throws: ``PackImportError``: `.missingFile`, `.corruptCompression`, or `.malformedRecord`
    ///   for the first line that cannot be read.
    public init(path: String) throws(PackImportError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PackImportError(.missingFile, file: path, "no such file")
        }
        guard !isDirectory.boolValue else {
            throw PackImportError(.missingFile, file: path, "is a folder, expected a dataset file (.jsonl, .jsonl.gz, .csv)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackImportError(.missingFile, file: path, "cannot read the file")
        }
        self.path = path
        self.name = URL(fileURLWithPath: path).lastPathComponent
        self.sha256 = StableHash.sha256(data)
        var bytes = [UInt8](data)
        wasCompressed = GzipDecoder.isGzip(bytes)
        if wasCompressed {
            do {
                bytes = try GzipDecoder.decompress(bytes)
            } catch .truncated {
                throw PackImportError(.corruptCompression, file: path, "gzip data ends early: the file is truncated")
            } catch {
                throw PackImportError(.corruptCompression, file: path, "not valid gzip data (corrupt file)")
            }
        }
        var base = name.lowercased()
        if base.hasSuffix(".gz") { base.removeLast(3) }
        records = base.hasSuffix(".csv")
            ? try CSVReader.records(in: bytes, file: path)
            : try JSONLinesReader.records(in: bytes, file: path)
    }
}
