/// Resource limits for one sandboxed program run.
///
/// The supervisor applies them in the child with `setrlimit` (CPU, address space, processes, file
/// size), caps captured output, and kills the whole sandbox when the wall-clock limit passes.
/// BigCodeBench's own checker allows up to 240 s per task; 60 s is ample for its canonical
/// solutions here.
public struct SandboxLimits: Sendable, Codable, Hashable {
    /// Wall-clock seconds before the sandbox is killed and the run reported as `timeout`.
    public var wallSeconds: Double
    /// CPU seconds per process (`RLIMIT_CPU`); exceeding it is reported as `timeout`.
    public var cpuSeconds: Int
    /// Address space per process in bytes (`RLIMIT_AS`); numpy and pandas need a few GiB.
    public var memoryBytes: Int
    /// Processes and threads the program may run at once (`RLIMIT_NPROC`).
    public var maxProcesses: Int
    /// Bytes of each output stream (printed text, stdout, stderr) kept in the result.
    public var maxOutputBytes: Int
    /// Largest file the program may write (`RLIMIT_FSIZE`).
    public var maxFileBytes: Int

    /// Creates limits; every parameter has a default suited to BigCodeBench tasks.
    /// - Parameters:
    ///   - wallSeconds: wall-clock limit (default 60).
    ///   - cpuSeconds: CPU-time limit per process (default: the wall-clock limit, rounded up).
    ///   - memoryBytes: address-space limit per process (default 4 GiB).
    ///   - maxProcesses: process and thread limit (default 128).
    ///   - maxOutputBytes: captured output kept per stream (default 64 KiB).
    ///   - maxFileBytes: largest file written (default 1 GiB).
    public init(
        wallSeconds: Double = 60,
        cpuSeconds: Int? = nil,
        memoryBytes: Int = 4 << 30,
        maxProcesses: Int = 128,
        maxOutputBytes: Int = 64 << 10,
        maxFileBytes: Int = 1 << 30
    ) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds ?? max(1, Int(wallSeconds.rounded(.up)))
        self.memoryBytes = memoryBytes
        self.maxProcesses = maxProcesses
        self.maxOutputBytes = maxOutputBytes
        self.maxFileBytes = maxFileBytes
    }

    /// How long the Swift side waits for the supervisor before killing it: the wall-clock limit
    /// plus time for interpreter start-up and teardown.
    var outerTimeoutSeconds: Double {
        wallSeconds + max(10, wallSeconds / 4)
    }
}
