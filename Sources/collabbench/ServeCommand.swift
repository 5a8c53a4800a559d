import ArgumentParser
import CollabBenchCore
import CollabBenchReports
import CollabBenchServer
import CollabBenchStore
import Foundation
import Synchronization

/// `collabbench serve`: the results browser (leaderboards, runs, conversation tables,
/// transcripts, comparisons) and its JSON API over a store, read live while a run writes it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Browse a results store in a web browser (pages and a JSON API under /api/).",
        discussion: """
            Opens the store read-only, so a run can keep writing it: every page reads the latest \
            committed conversations. Listens on 127.0.0.1 unless --host says otherwise (then it \
            warns: anyone who can reach the port can read the store). Ctrl-C stops it, finishing \
            the requests in flight. A port already in use is one error line and exit status 74.
            """)

    @Option(help: "The results database.")
    var db: String = "Results/collabbench.sqlite"

    @Option(help: "The address to listen on (127.0.0.1: this machine only).")
    var host: String = "127.0.0.1"

    @Option(help: "The TCP port (0: any free port, printed).")
    var port: Int = 8080

    @OptionGroup var statistics: StatisticsOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try ReportStore.open(db)
            let service = BrowseService(store: store, leaderboardOptions: statistics.leaderboardOptions(pack: nil))
            let router = ServeRouter.router(service: service, storePath: db)
            let binding = ServerBinding(host: host, port: port)
            if let warning = binding.exposureWarning { printError(warning) }
            let host = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            let listening = ListeningFlag()
            do {
                try await HTTPServer.run(router, on: binding, handlesSignals: true) { port in
                    listening.set()
                    let line = "collabbench: serving \(TerminalText.sanitize(db)) at http://\(host):\(port)/ (Ctrl-C stops)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            } catch {
                guard !listening.isSet else { throw error }
                printError("collabbench: error: cannot listen on \(TerminalText.sanitize(host)):\(port): \(TerminalText.sanitize(Self.reason(error)))")
                throw ExitCode(74)
            }
        }
    }

    /// Why binding failed, in words (NIO's errors name the system call and errno).
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") {
            return "the port is already in use (choose another with --port)"
        }
        return text
    }
}

/// Whether the server got as far as listening (set once, from the server's task).
private final class ListeningFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
