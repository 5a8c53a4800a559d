import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child's stdout or stderr read through a pipe, as an asynchronous sequence of chunks.
///
/// A dedicated thread does the blocking reads, so no task or thread of the concurrency pool ever
/// waits on the pipe; chunks are buffered until consumed and the sequence ends at end of file
/// (when the child and everything it started have closed the stream). Iterate it once.
///
/// ```swift
/// for await chunk in child.standardOutput! { print(String(decoding: chunk, as: UTF8.self)) }
/// ```
public final class ProcessOutput: AsyncSequence, Sendable {
    /// A chunk of bytes, in the order the child wrote them.
    public typealias Element = Data

    private let descriptor: Int32
    private let stream: AsyncStream<Data>
    private let continuation: AsyncStream<Data>.Continuation

    init(descriptor: Int32) {
        self.descriptor = descriptor
        (stream, continuation) = AsyncStream.makeStream(of: Data.self)
    }

    /// Starts the reading thread (once the child holds the other end).
    func startReading() {
        let descriptor = descriptor
        let continuation = continuation
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    continuation.yield(Data(buffer[0..<count]))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(descriptor)
            continuation.finish()
        }
        thread.name = "collabbench-process-output"
        thread.start()
    }

    /// The iterator over the chunks.
    public func makeAsyncIterator() -> AsyncStream<Data>.Iterator {
        stream.makeAsyncIterator()
    }

    /// Everything until end of file.
    public func collect() async -> Data {
        var all = Data()
        for await chunk in self { all.append(chunk) }
        return all
    }

    /// The first line (without its line end), or nil when the stream ends before a newline.
    /// The rest of the stream is left unread.
    public func firstLine() async -> String? {
        var line = Data()
        for await chunk in self {
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                line.append(chunk[chunk.startIndex..<newline])
                return String(decoding: line, as: UTF8.self)
            }
            line.append(chunk)
        }
        return nil
    }
}
