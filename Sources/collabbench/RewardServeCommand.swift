import ArgumentParser
import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import CollabBenchServer
import Foundation
import Synchronization

/// `collabbench reward serve`: the multiturn-aware reward as an HTTP service for training loops
/// (`POST /v1/reward`, `GET /healthz`, `GET /openapi.json`), over the same library and options as
/// `collabbench reward`.
struct RewardServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve multiturn-aware rewards over HTTP (POST /v1/reward) for training loops.",
        discussion: """
            POST /v1/reward takes {"items": [...]} (the items of 'reward --in') and answers \
            {"results": [...]} (the lines of 'reward --out'), in the items' order. At most --concurrency \
            continuations run at once across all requests; at most --queue items are admitted (being \
            scored or waiting): a request that does not fit answers 429 with Retry-After, one with more \
            items than --queue or a body over --max-body-mb answers 413, a malformed item 400 with its \
            index. Every item is recorded in the store (--db) with the plan and seeds, for audit and \
            replay. Listens on 127.0.0.1 unless --host says otherwise (then it warns). Ctrl-C stops it, \
            finishing the requests in flight.
            """)

    @Option(help: "The address to listen on (127.0.0.1: this machine only).")
    var host: String = "127.0.0.1"

    @Option(help: "The TCP port (0: any free port, printed).")
    var port: Int = 8090

    @Option(parsing: .unconditional, help: "Items admitted at most, being scored or waiting; more answer 429 with Retry-After.")
    var queue: Int = 1024

    @Option(parsing: .unconditional, help: "The largest request body, in MiB; a larger one answers 413.")
    var maxBodyMb: Int = 16

    @OptionGroup var options: RewardOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        guard queue >= 1 else { throw ValidationError("--queue must be at least 1") }
        guard (1...1024).contains(maxBodyMb) else { throw ValidationError("--max-body-mb must be from 1 to 1024") }
    }

    func run() async throws {
        try await reportingErrors {
            let plan = try options.plan()
            let binding = ServerBinding(host: host, port: port)
            if let warning = binding.exposureWarning { printError(warning) }
            let rewarder = try MultiturnRewarder(plan: plan, packSearchRoots: PackSearch.roots)
            do {
                // With a default pack, its servers are checked (as 'run' does) before listening.
                if let pack = plan.defaultPack { try await rewarder.open(packs: [pack]) }
            } catch {
                await rewarder.close()
                throw error
            }
            let settings = RewardServiceSettings(concurrency: plan.concurrency, queue: queue, maxBodyBytes: maxBodyMb << 20)
            let service = RewardService(scorer: rewarder, settings: settings)
            let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            let listening = ServingFlag()
            let store = plan.record ? "recording every item in \(TerminalText.sanitize(plan.store))" : "not recording (--no-record)"
            do {
                try await HTTPServer.run(RewardRoutes.router(for: service), on: binding, serverName: "collabbench-reward", handlesSignals: true) { port in
                    listening.set()
                    print(
                        "collabbench: reward service at http://\(shownHost):\(port)/v1/reward (\(settings.concurrency) continuations at once, "
                            + "queue \(settings.queue) items; \(store); Ctrl-C stops)")
                    fflush(nil)
                }
            } catch {
                await rewarder.close()
                guard !listening.isSet else { throw error }
                printError("collabbench: error: cannot listen on \(TerminalText.sanitize(shownHost)):\(port): \(TerminalText.sanitize(ServeCommand.reason(error)))")
                throw ExitCode(74)
            }
            await rewarder.close()
        }
    }
}

/// Whether the server got as far as listening (set once, from the server's task).
private final class ServingFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
