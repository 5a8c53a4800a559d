import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Runs a Hummingbird router on a binding until the calling task is cancelled (or the process gets
/// SIGINT/SIGTERM when `handlesSignals` is set); either way the server shuts down gracefully,
/// finishing the requests in flight. Every CollabBench service (`serve`, `reward serve`) starts
/// through here, so tests drive the same code over a real socket.
public enum HTTPServer {
    /// Serves `router` on `binding`. `onListening` gets the bound port once the socket accepts
    /// connections (useful with port 0). Returns when the server has shut down.
    public static func run<Context: RequestContext>(
        _ router: Router<Context>,
        on binding: ServerBinding,
        serverName: String = "collabbench",
        handlesSignals: Bool = false,
        logLevel: Logger.Level = .warning,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws where Context.Source == ApplicationRequestContextSource {
        var logger = Logger(label: serverName)
        logger.logLevel = logLevel
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(binding.host, port: binding.port), serverName: serverName),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? binding.port) },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [app],
                gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
        try await withTaskCancellationHandler {
            try await group.run()
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}
