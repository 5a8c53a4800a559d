import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The writing end of a child's stdin (a socket, so a write after the child is gone fails with
/// `EPIPE` instead of raising `SIGPIPE`).
///
/// Writes happen on a serial dispatch queue of their own, so a child that stops reading never
/// blocks a thread of the concurrency pool; ``write(_:)`` returns once the bytes are written.
public final class ProcessInput: Sendable {
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "collabbench.process-input")

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Writes `data` to the child's stdin.
    /// - Throws: a `POSIXError` when the child no longer reads (`EPIPE`) or the stream was closed.
    public func write(_ data: Data) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // The block holds `self`, so the descriptor stays open until the write is done.
            queue.async { [self] in
                var rest = data[...]
                while !rest.isEmpty {
                    let sent = rest.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if sent > 0 {
                        rest = rest.dropFirst(sent)
                    } else if sent < 0 && errno == EINTR {
                        continue
                    } else {
                        continuation.resume(throwing: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPIPE))
                        return
                    }
                }
                continuation.resume()
            }
        }
    }

    /// Closes the child's stdin (it reads end of file) once every earlier write has finished.
    public func finish() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                _ = shutdown(descriptor, Int32(SHUT_WR))
                continuation.resume()
            }
        }
    }
}
