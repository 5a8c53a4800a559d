import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a ``ProgressReporter`` writes: whole lines for the log, and raw text for the terminal
/// its live status line is redrawn on.
public protocol ProgressOutput: Sendable {
    /// Writes `line` and a newline where a run's lines go (stdout for the command line), flushed
    /// so it lands before the next live redraw.
    func printLine(_ line: String)
    /// Writes `text` as it is (carriage returns and ANSI escapes included) to the terminal that
    /// shows the live line (stderr for the command line), unbuffered.
    func writeTerminal(_ text: String)
    /// The terminal's width in columns.
    func terminalColumns() -> Int
}

/// The command line's progress output: lines on stdout, the live line on stderr.
public struct StandardProgressOutput: ProgressOutput {
    /// Creates the output.
    public init() {}

    /// Prints `line` on stdout and flushes it.
    public func printLine(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// Writes `text` to stderr unbuffered (no stdio buffer to flush), retrying on `EINTR`.
    public func writeTerminal(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                    Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                    Darwin.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// The width of the terminal on stderr: the tty's size, else `COLUMNS`, else 80.
    public func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }

    /// Whether stderr is a terminal.
    public static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
