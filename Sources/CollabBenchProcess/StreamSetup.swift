import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The descriptors ``ChildProcess/start(_:clock:)`` opens for a child's streams: the child's ends
/// are closed once it has its copies; the parent's ends go to ``ProcessInput``/``ProcessOutput``.
struct StreamSetup {
    private var childEnds: [FileHandle] = []
    private var parentEnds: [Int32] = []

    /// The child's stdin and, for a pipe, the caller's writer.
    mutating func input(_ input: ChildProcess.Input) throws -> (Any, ProcessInput?) {
        switch input {
        case .nullDevice:
            return (FileHandle.nullDevice, nil)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ChildProcessError(.cannotOpenFile, "cannot read \(path) for a child's stdin")
            }
            childEnds.append(handle)
            return (handle, nil)
        case .descriptor(let fd):
            return (FileHandle(fileDescriptor: fd, closeOnDealloc: false), nil)
        case .pipe:
            // A socket, so a write after the child is gone yields EPIPE, never a SIGPIPE.
            let (parent, child) = try Self.pair(socket: true)
            return (adopt(child, parent: parent), ProcessInput(descriptor: parent))
        }
    }

    /// The child's stdout or stderr and, for a pipe, the caller's reader.
    mutating func output(_ output: ChildProcess.Output) throws -> (Any, ProcessOutput?) {
        switch output {
        case .nullDevice:
            return (FileHandle.nullDevice, nil)
        case .file(let path):
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else {
                throw ChildProcessError(.cannotOpenFile, "cannot create \(path) for a child's output")
            }
            childEnds.append(handle)
            return (handle, nil)
        case .descriptor(let fd):
            return (FileHandle(fileDescriptor: fd, closeOnDealloc: false), nil)
        case .pipe:
            let (parent, child) = try Self.pair(socket: false)
            return (adopt(child, parent: parent), ProcessOutput(descriptor: parent))
        }
    }

    private mutating func adopt(_ child: Int32, parent: Int32) -> FileHandle {
        parentEnds.append(parent)
        let handle = FileHandle(fileDescriptor: child, closeOnDealloc: true)
        childEnds.append(handle)
        return handle
    }

    /// Closes the child's ends (it has its own copies once started).
    mutating func closeChildEnds() {
        for handle in childEnds { try? handle.close() }
        childEnds = []
    }

    /// Closes the parent's ends (the start failed).
    mutating func closeParentEnds() {
        for fd in parentEnds { close(fd) }
        parentEnds = []
    }

    /// A pipe or socket pair: (parent's end, child's end), both close-on-exec.
    private static func pair(socket: Bool) throws -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        let made: Int32
        if socket {
            #if canImport(Darwin)
                made = socketpair(AF_UNIX, SOCK_STREAM, 0, &fds)
            #else
                made = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
            #endif
        } else {
            made = pipe(&fds)
        }
        guard made == 0 else {
            throw ChildProcessError(.cannotCreatePipe, "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // pipe(): [0] reads, [1] writes, and the parent reads stdout and stderr; a socket pair's
        // ends are alike.
        return (fds[0], fds[1])
    }
}
