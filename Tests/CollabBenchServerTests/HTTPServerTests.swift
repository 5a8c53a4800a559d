import CollabBenchServer
import Foundation
import Hummingbird
import Testing

@Suite("HTTP server host", .timeLimit(.minutes(5)))
struct HTTPServerTests {
    @Test("a server on port 0 answers its health endpoint over a real socket, then shuts down")
    func healthOverSocket() async throws {
        let router = Router()
        HealthRoute.register(on: router)
        StaticAssets.register(on: router)
        let reply = try await withServer(router) { base in
            try await fetch(base.appending(path: "healthz"))
        }
        #expect(reply.status == 200)
        #expect(reply.body == #"{"status":"ok"}"#)
        #expect(reply.header("content-type")?.hasPrefix("application/json") == true)
    }

    @Test("pages carry a content-security policy that forbids inline script")
    func pageHeaders() async throws {
        let router = Router()
        router.get("/page") { _, _ in HTTPResponses.html(HTMLPage.render(title: "t", body: HTMLPage.escape("<script>x</script>"))) }
        let reply = try await withServer(router) { base in try await fetch(base.appending(path: "page")) }
        #expect(reply.status == 200)
        #expect(reply.header("content-security-policy")?.contains("script-src 'self'") == true)
        #expect(reply.body.contains("&lt;script&gt;x&lt;/script&gt;"))
        #expect(!reply.body.contains("<script>x"))
    }

    @Test("a binding off loopback carries a warning; loopback does not")
    func exposure() {
        #expect(ServerBinding(host: "127.0.0.1").exposureWarning == nil)
        #expect(ServerBinding(host: "localhost").exposureWarning == nil)
        #expect(ServerBinding(host: "0.0.0.0").exposureWarning?.contains("reachable from other machines") == true)
    }
}
