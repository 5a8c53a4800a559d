import Foundation

/// A text stream to a file, buffered, so exporters write large stores without building one big
/// string.
public final class FileOutputStream: TextOutputStream {
    private let handle: FileHandle
    private let closeWhenDone: Bool
    private var buffer: [UInt8] = []
    private let capacity = 1 << 16

    /// Writes to `handle` (e.g. `FileHandle.standardOutput`).
    public init(handle: FileHandle) {
        self.handle = handle
        closeWhenDone = false
        buffer.reserveCapacity(capacity)
    }

    /// Creates (or truncates) the file at `path` and writes to it.
    /// - Throws: ``ExportError`` when the file cannot be created.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ExportError("cannot write \(path)")
        }
        self.handle = handle
        closeWhenDone = true
        buffer.reserveCapacity(capacity)
    }

    /// Appends `string`.
    public func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= capacity { flush() }
    }

    /// Writes out what is buffered.
    public func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and, for a file this stream opened, closes it.
    public func close() {
        flush()
        if closeWhenDone { try? handle.close() }
    }

    deinit {
        flush()
        if closeWhenDone { try? handle.close() }
    }
}

/// An export that could not be written.
public struct ExportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line saying what failed and where.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
