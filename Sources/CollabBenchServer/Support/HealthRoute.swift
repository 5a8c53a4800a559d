import Hummingbird

/// `GET /healthz`: `{"status":"ok"}` while the server runs.
public enum HealthRoute {
    /// Registers the health endpoint.
    public static func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/healthz") { _, _ in
            try HTTPResponses.json(["status": "ok"])
        }
    }
}
