import CollabBenchCore
import Foundation
import Testing

/// Base URLs in model specs are checked when parsed, and credentials never stay in the spec.
@Suite(.timeLimit(.minutes(5)))
struct ModelSpecURLTests {
    @Test(arguments: [
        ("openai/x@http://127.0.0.1:99999/v1", "port '99999'"),
        ("openai/x@http://127.0.0.1:65536/v1", "port '65536'"),
        ("openai/x@http://127.0.0.1:-1/v1", "port '-1'"),
        ("openai/x@http://127.0.0.1:abc/v1", "port 'abc'"),
        ("openai/x@http://127.0.0.1:0/v1", "port '0'"),
        ("openai/x@http://127.0.0.1:/v1", "port ''"),
        ("openai/x@http:///v1", "no host"),
        ("openai/x@http://:8080/v1", "no host"),
        ("openai/x@ftp://host/v1", "http(s) URL"),
        ("openai/x@file:///etc/passwd", "http(s) URL"),
        ("openai/x@http://host/v1?x=1", "query"),
        ("anthropic/x@https://ho st/v1", "host"),
    ])
    func refusesBadBaseURLsNamingTheSpec(text: String, mentions: String) {
        #expect {
            try ModelSpec(parsing: text)
        } throws: { error in
            guard let e = error as? CollabBenchError else { return false }
            return e.code == .invalidModelSpec && e.message.contains("model spec '") && e.message.contains(mentions)
                && !e.message.contains("\n")
        }
    }

    @Test func acceptsPortsHostsAndIPv6AsBefore() throws {
        #expect(try ModelSpec(parsing: "openai/x@http://127.0.0.1:65535/v1").baseURL == "http://127.0.0.1:65535/v1")
        #expect(try ModelSpec(parsing: "openai/x@https://api.example.com/v1/").baseURL == "https://api.example.com/v1")
        #expect(try ModelSpec(parsing: "openai/x@http://[::1]:8080/v1").baseURL == "http://[::1]:8080/v1")
        #expect(try ModelSpec(parsing: "openai/x@http://localhost").baseURL == "http://localhost")
    }

    @Test func credentialsAreTakenOutOfTheSpecAndKeptAside() throws {
        let spec = try ModelSpec(parsing: "openai/m@http://bob:sk-secret-123@127.0.0.1:8080/v1")
        #expect(spec.baseURL == "http://127.0.0.1:8080/v1")
        #expect(spec.description == "openai/m@http://127.0.0.1:8080/v1")
        #expect(spec.hasURLCredentials)
        #expect(spec.urlCredential == "sk-secret-123")
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        #expect(!json.contains("sk-secret") && !json.contains("bob"))
        // Equal to (and hashed like) the same spec without credentials: the run's identity is unchanged.
        let plain = try ModelSpec(parsing: "openai/m@http://127.0.0.1:8080/v1")
        #expect(spec == plain)
        #expect(Set([spec, plain]).count == 1)
        let sorted = JSONEncoder()
        sorted.outputFormatting = .sortedKeys
        #expect(try sorted.encode(spec) == sorted.encode(plain))
        // A user name alone is the credential.
        #expect(try ModelSpec(parsing: "openai/m@http://sk-only@host/v1").urlCredential == "sk-only")
    }

    @Test func errorsNeverEchoCredentials() {
        #expect {
            try ModelSpec(parsing: "openai/m@http://bob:sk-secret-123@127.0.0.1:99999/v1")
        } throws: { error in
            let text = "\(error)"
            return text.contains("port '99999'") && !text.contains("sk-secret") && !text.contains("bob")
        }
        #expect {
            try ModelSpec(parsing: "nosuch/m@http://bob:sk-secret-123@127.0.0.1/v1")
        } throws: { error in
            !"\(error)".contains("sk-secret") && "\(error)".contains("unknown provider")
        }
    }

    @Test func bareAgentURLsGetTheSameChecks() {
        for (text, mentions) in [("http://127.0.0.1:99999/v1", "port"), ("http://127.0.0.1:abc/v1", "port"), ("http:///v1", "valid")] {
            #expect(throws: CollabBenchError.self) { try ModelSpec.agentSpec(parsing: text) }
            #expect {
                try ModelSpec.agentSpec(parsing: text)
            } throws: { error in
                "\(error)".contains(mentions)
            }
        }
    }
}
