// The rate-limit benchmark: how much of a provider's allowed throughput CollabBench's model
// client achieves against a server that enforces requests and tokens per minute (answering 429
// with Retry-After beyond them), and how many calls were refused: with `--rpm/--tpm` given (equal
// to the server's), with adaptation alone (no budget given), and with a `--rpm` above the
// server's limit.
//
// Usage: collabbench-benchmarks rate-limits [--seconds 40] [--warmup 10] [--workers 16] [--latency-ms 200]

import CollabBenchCore
import CollabBenchModels
import CollabBenchTestSupport
import Foundation
import Synchronization

enum RateLimitBenchmark {
    struct Scenario {
        var name: String
        var server: RateLimitedServer.Limits
        var clientRPM: Int?
        var clientTPM: Int?
        /// The client's adaptive budget (announced limits, Retry-After pauses); false: in-flight halving only.
        var adaptive = true
    }

    struct Outcome {
        /// Accepted requests per second after the warm-up, over the rate the server allows.
        var steadyShare: Double
        /// Accepted requests over the whole run, over what the server would have accepted at most
        /// (its initial burst plus its rate × duration).
        var wholeShare: Double
        /// Share of the HTTP requests the server received that it refused (429).
        var refusedShare: Double
        var accepted: Int
        var refused: Int
        /// Calls that failed after their retries (not counting those cut off at the end).
        var failedCalls: Int
        var allowedPerSecond: Double
    }

    static func main(_ args: [String]) async throws {
        var seconds = 40.0
        var warmup = 10.0
        var workers = 16
        var latencyMs = 200
        var only: String?
        var i = 0
        func next() -> String { i += 1; return i < args.count ? args[i] : "" }
        while i < args.count {
            switch args[i] {
            case "--seconds": seconds = Double(next()) ?? seconds
            case "--warmup": warmup = Double(next()) ?? warmup
            case "--workers": workers = Int(next()) ?? workers
            case "--latency-ms": latencyMs = Int(next()) ?? latencyMs
            case "--only": only = next()
            default: break
            }
            i += 1
        }
        let rpm600 = RateLimitedServer.Limits(requestsPerMinute: 600)
        let tpm60k = RateLimitedServer.Limits(requestsPerMinute: 6000, tokensPerMinute: 60000)
        let rpm300 = RateLimitedServer.Limits(requestsPerMinute: 300)
        let scenarios = [
            Scenario(name: "--rpm 600 = server's 600 RPM", server: rpm600, clientRPM: 600, clientTPM: nil),
            Scenario(name: "--rpm 6000 --tpm 60000 = server's (TPM binds)", server: tpm60k, clientRPM: 6000, clientTPM: 60000),
            Scenario(name: "adaptation alone, server 600 RPM, before", server: rpm600, clientRPM: nil, clientTPM: nil, adaptive: false),
            Scenario(name: "adaptation alone, server 600 RPM", server: rpm600, clientRPM: nil, clientTPM: nil),
            Scenario(name: "adaptation alone, server 60000 TPM, before", server: tpm60k, clientRPM: nil, clientTPM: nil, adaptive: false),
            Scenario(name: "adaptation alone, server 60000 TPM", server: tpm60k, clientRPM: nil, clientTPM: nil),
            Scenario(name: "--rpm 600 > server's 300 RPM, before", server: rpm300, clientRPM: 600, clientTPM: nil, adaptive: false),
            Scenario(name: "--rpm 600 > server's 300 RPM", server: rpm300, clientRPM: 600, clientTPM: nil),
            Scenario(
                name: "adaptation alone, server 600 RPM in headers", server: .init(requestsPerMinute: 600, advertised: true), clientRPM: nil,
                clientTPM: nil),
            Scenario(
                name: "--rpm 600 > server's 300 RPM in headers", server: .init(requestsPerMinute: 300, advertised: true), clientRPM: 600,
                clientTPM: nil),
        ]
        print("CollabBench rate-limit benchmark — \(workers) callers, \(latencyMs) ms per accepted call, \(Int(seconds)) s per scenario")
        print("(steady state: after \(Int(warmup)) s; server buckets hold 10 s of budget and refill continuously; 429 carries Retry-After in whole seconds)")
        print("")
        print("| scenario | allowed calls/s | achieved, steady state | achieved, whole run | calls refused (429) | accepted / refused | calls failed |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for scenario in scenarios where only.map({ scenario.name.contains($0) }) ?? true {
            let o = try await run(scenario, seconds: seconds, warmup: warmup, workers: workers, latency: .milliseconds(latencyMs))
            print(
                String(
                    format: "| %@ | %.2f | %.1f%% | %.1f%% | %.2f%% | %d / %d | %d |", scenario.name, o.allowedPerSecond, o.steadyShare * 100,
                    o.wholeShare * 100, o.refusedShare * 100, o.accepted, o.refused, o.failedCalls))
            fflush(nil)
        }
    }

    static func run(_ scenario: Scenario, seconds: Double, warmup: Double, workers: Int, latency: Duration) async throws -> Outcome {
        let server = try await RateLimitedServer.start(limits: scenario.server, latency: latency)
        let factory = ModelClientFactory(
            maxConnectionsPerHost: workers * 2, environment: [:], requestsPerMinute: scenario.clientRPM, tokensPerMinute: scenario.clientTPM,
            adaptiveRateLimits: scenario.adaptive)
        let client = factory.client(for: try ModelSpec(parsing: "openai/bench@\(server.baseURL)"), maxInFlight: workers)
        // About a conversation turn's size: ~300 prompt tokens, 64 completion tokens, max_tokens 256.
        let request = ChatRequest(
            messages: [.system(String(repeating: "You are a helpful assistant. ", count: 20)), .user(String(repeating: "Tell me more. ", count: 40))],
            sampling: Sampling(temperature: 0.6, maxTokens: 256))
        let failed = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while !Task.isCancelled {
                        do { _ = try await client.complete(request) } catch {
                            if !Task.isCancelled { failed.add() }
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(seconds))
            group.cancelAll()
        }
        let counts = server.counts
        try await factory.shutdown()
        try await server.stop()
        let tokensPerCall = counts.accepted > 0 ? Double(counts.acceptedTokens) / Double(counts.accepted) : 1
        let rates = [
            scenario.server.requestsPerMinute.map { Double($0) / 60 }, scenario.server.tokensPerMinute.map { Double($0) / 60 / tokensPerCall },
        ].compactMap { $0 }
        let allowed = rates.min() ?? .infinity
        let burst = [
            scenario.server.requestsPerMinute.map { Double($0) / 60 * scenario.server.burstSeconds },
            scenario.server.tokensPerMinute.map { Double($0) / 60 * scenario.server.burstSeconds / tokensPerCall },
        ].compactMap { $0 }.min() ?? 0
        let steady = counts.acceptedAt.filter { $0 >= warmup && $0 < seconds }.count
        let total = counts.accepted + counts.refused
        return Outcome(
            steadyShare: Double(steady) / ((seconds - warmup) * allowed), wholeShare: Double(counts.accepted) / (burst + seconds * allowed),
            refusedShare: total > 0 ? Double(counts.refused) / Double(total) : 0, accepted: counts.accepted, refused: counts.refused,
            failedCalls: failed.value, allowedPerSecond: allowed)
    }

    /// A thread-safe counter.
    final class Counter: Sendable {
        private let count = Mutex(0)
        func add() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }
}
