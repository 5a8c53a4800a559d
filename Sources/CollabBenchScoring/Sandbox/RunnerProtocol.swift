/// The JSON request `sandbox_runner.py` reads.
struct RunnerRequest: Encodable {
    struct Limits: Encodable {
        var wallSeconds: Double
        var cpuSeconds: Int
        var memoryBytes: Int
        var maxProcesses: Int
        var maxOutputBytes: Int
        var maxFileBytes: Int

        init(_ limits: SandboxLimits) {
            wallSeconds = limits.wallSeconds
            cpuSeconds = limits.cpuSeconds
            memoryBytes = limits.memoryBytes
            maxProcesses = limits.maxProcesses
            maxOutputBytes = limits.maxOutputBytes
            maxFileBytes = limits.maxFileBytes
        }

        enum CodingKeys: String, CodingKey {
            case wallSeconds = "wall_seconds"
            case cpuSeconds = "cpu_seconds"
            case memoryBytes = "memory_bytes"
            case maxProcesses = "max_processes"
            case maxOutputBytes = "max_output_bytes"
            case maxFileBytes = "max_file_bytes"
        }
    }

    var program: String
    var tests: String
    var entryPoint: String?
    var libraries: [String]
    var limits: Limits

    enum CodingKeys: String, CodingKey {
        case program, tests, libraries, limits
        case entryPoint = "entry_point"
    }
}

/// The one JSON line `sandbox_runner.py` prints.
struct RunnerReport: Decodable {
    struct Failure: Decodable {
        var test: String
        var kind: String
        var message: String?
        var traceback: String?
    }

    var status: String
    var testsRun: Int?
    var failures: [Failure]?
    var missingModule: String?
    var missingData: String?
    var detail: String?
    var durationSeconds: Double?
    var output: String?
    var stdout: String?
    var stderr: String?
    var isolation: [String: IsolationValue]?

    /// Isolation entries are strings, except the list of hidden folders.
    enum IsolationValue: Decodable {
        case text(String)
        case list([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([String].self) {
                self = .list(list)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        var text: String {
            switch self {
            case .text(let text): text
            case .list(let list): list.joined(separator: ",")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case status, failures, detail, output, stdout, stderr, isolation
        case testsRun = "tests_run"
        case missingModule = "missing_module"
        case missingData = "missing_data"
        case durationSeconds = "duration_seconds"
    }

    /// The public result this report describes.
    func codeRunResult() -> CodeRunResult {
        let failures = (failures ?? []).map {
            CodeRunResult.TestFailure(
                test: $0.test, kind: $0.kind, message: $0.message ?? "", traceback: $0.traceback ?? "")
        }
        var printed = output ?? ""
        for stream in [stdout, stderr] {
            if let text = stream, !text.isEmpty {
                printed += printed.isEmpty || printed.hasSuffix("\n") ? text : "\n" + text
            }
        }
        let isolationText = (isolation ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key): \($0.value.text)" }
            .joined(separator: "; ")
        return CodeRunResult(
            status: CodeRunResult.Status(rawValue: status) ?? .error,
            failedTests: failures.map(\.test),
            missingModule: missingModule,
            missingData: missingData,
            detail: detail ?? status,
            durationSeconds: durationSeconds ?? 0,
            testsRun: testsRun ?? 0,
            failures: failures,
            output: printed,
            isolation: isolationText
        )
    }
}
