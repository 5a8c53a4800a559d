/// Where a CollabBench server listens. Servers bind loopback unless told otherwise.
public struct ServerBinding: Sendable, Hashable {
    /// The host or address to bind (`127.0.0.1` by default).
    public var host: String
    /// The TCP port; 0 asks the system for a free one (the bound port is reported once listening).
    public var port: Int

    /// A binding of `host` and `port`.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    /// Whether only this machine can reach the server (`127.0.0.0/8`, `::1` or `localhost`).
    public var isLoopback: Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The warning to print when the server is reachable from other machines, or nil on loopback.
    public var exposureWarning: String? {
        isLoopback
            ? nil
            : "collabbench: warning: listening on \(host), reachable from other machines; "
                + "anyone who can reach it can read what it serves"
    }
}
