// The multiturn-aware reward benchmark (`CollabBenchBenchmarks reward`): rewards per second for a
// batch of candidates at S samples and a window of w exchanges against the loopback server at a
// fixed latency, as a ratio to the ideal given the continuations in flight, and the harness's CPU
// per model call; once through the library (MultiturnRewarder) and once through the HTTP service
// (`reward serve`'s RewardService, real sockets). The reference's own `multiturn_aware_reward` on
// the same batch shape: Benchmarks/Peer/collabllm_reward_peer.py (`run-reward-peer.sh`).
//
// Usage:
//   CollabBenchBenchmarks reward [--latency-ms 100] [--candidates 256] [--samples 3] [--window 2]
//                                [--per-item 4] [--concurrency 64,256,768] [--service 256]

import AsyncHTTPClient
import CollabBenchCore
import CollabBenchRunner
import CollabBenchServer
import Foundation
import NIOCore
import NIOHTTP1

enum RewardBenchmark {
    struct Options {
        var latencyMs = 100
        var candidates = 256
        var samples = 3
        var window = 2
        /// Candidates per item (GRPO scores a group of completions of one prompt together).
        var perItem = 4
        var concurrencies = [64, 256, 768]
        /// Continuations in flight for the run through the HTTP service (0: skip it).
        var service = 256

        init(_ args: [String]) {
            var i = 0
            func next() -> String { i += 1; return i < args.count ? args[i] : "" }
            while i < args.count {
                switch args[i] {
                case "--latency-ms": latencyMs = Int(next()) ?? latencyMs
                case "--candidates": candidates = max(1, Int(next()) ?? candidates)
                case "--samples": samples = max(1, Int(next()) ?? samples)
                case "--window": window = max(1, Int(next()) ?? window)
                case "--per-item": perItem = max(1, Int(next()) ?? perItem)
                case "--concurrency": concurrencies = next().split(separator: ",").compactMap { Int($0) }
                case "--service": service = Int(next()) ?? service
                default: break
                }
                i += 1
            }
        }
    }

    /// The batch: `candidates` candidates in items of `perItem`, over the built-in math tasks.
    static func items(_ options: Options) -> [RewardItem] {
        let taskIDs = (1...6).map { String(format: "cb-math-%03d", $0) }
        var items: [RewardItem] = []
        var made = 0
        while made < options.candidates {
            let n = min(options.perItem, options.candidates - made)
            let index = items.count
            items.append(
                RewardItem(
                    id: "bench-\(index)", pack: "math", taskID: taskIDs[index % taskIDs.count],
                    history: [RewardMessage(role: .user, content: "Can you help me with this problem?")],
                    candidates: (0..<n).map { "Candidate \(made + $0): could you tell me which form of the answer you need?" }))
            made += n
        }
        return items
    }

    static func plan(baseURL: String, options: Options, concurrency: Int, store: String) -> RewardPlan {
        let spec = "openai/bench@\(baseURL)"
        var plan = RewardPlan(policy: spec, user: spec, judge: spec)
        plan.samples = options.samples
        plan.window = options.window
        plan.concurrency = concurrency
        plan.cache = .off
        plan.store = store
        return plan
    }

    struct Row {
        var label: String
        var concurrency: Int
        var calls: Int
        var wall: Double
        var cpu: Double
        var mr: Double
    }

    static func run(_ args: [String], baseURL: String, work: String) async throws {
        let options = Options(args)
        let items = items(options)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let packRoots = [FileManager.default.currentDirectoryPath + "/Tasks"]
        print(
            "CollabBench reward benchmark — loopback server at \(options.latencyMs) ms per call; \(options.candidates) candidates "
                + "(\(items.count) items of \(options.perItem)), S=\(options.samples), w=\(options.window), paper formula, "
                + "unit ITR, cache off, store recording on")
        var rows: [Row] = []
        for c in options.concurrencies {
            let rewarder = try MultiturnRewarder(
                plan: plan(baseURL: baseURL, options: options, concurrency: c, store: work + "/reward-\(c).sqlite"), environment: [:],
                packSearchRoots: packRoots)
            try await rewarder.open(packs: ["math"])
            let cpu0 = cpuSeconds()
            let t0 = Date()
            let results = try await rewarder.rewards(for: items)
            let wall = Date().timeIntervalSince(t0)
            let cpu = cpuSeconds() - cpu0
            let calls = await rewarder.calls().calls
            await rewarder.close()
            rows.append(Row(label: "library", concurrency: c, calls: calls, wall: wall, cpu: cpu, mr: meanMR(results)))
        }
        if options.service > 0 {
            rows.append(try await throughService(options: options, items: items, baseURL: baseURL, work: work, packRoots: packRoots))
        }
        let continuations = options.candidates * options.samples
        // One continuation is a chain of w user + w policy calls and one judge call, one latency each.
        let chain = Double(2 * options.window + 1)
        let latency = Double(options.latencyMs) / 1000
        print("")
        print("| path | continuations in flight | candidates | model calls | wall s | rewards/s | ideal rewards/s | ratio | harness CPU per call (ms) | mean MR |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for row in rows {
            let inFlight = min(row.concurrency, continuations)
            // Ideal: `inFlight` chains always busy; the last wave of a batch may be partly empty.
            let waves = (Double(continuations) / Double(inFlight)).rounded(.up)
            let idealWall = waves * chain * latency
            let rate = Double(options.candidates) / row.wall
            let ideal = Double(options.candidates) / idealWall
            print(
                String(
                    format: "| %@ | %d | %d | %d | %.2f | %.1f | %.1f | %.3f | %.3f | %.4f |", row.label, inFlight, options.candidates, row.calls,
                    row.wall, rate, ideal, rate / ideal, row.cpu / Double(max(1, row.calls)) * 1000, row.mr))
        }
    }

    /// The same batch through `reward serve`'s service on a loopback port, sent as one request per
    /// item from as many clients at once.
    static func throughService(options: Options, items: [RewardItem], baseURL: String, work: String, packRoots: [String]) async throws -> Row {
        let c = options.service
        let rewarder = try MultiturnRewarder(
            plan: plan(baseURL: baseURL, options: options, concurrency: c, store: work + "/reward-service.sqlite"), environment: [:],
            packSearchRoots: packRoots)
        try await rewarder.open(packs: ["math"])
        let service = RewardService(scorer: rewarder, settings: RewardServiceSettings(concurrency: c, queue: max(1024, items.count)))
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let encoder = JSONEncoder()
        let bodies = try items.map { item in ByteBuffer(bytes: try encoder.encode(["items": [item]])) }
        let client = HTTPClient(configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: items.count)))
        let measured: (Double, Double, Double) = try await withThrowingTaskGroup(of: (Double, Double, Double)?.self) { group in
            group.addTask {
                try await HTTPServer.run(RewardRoutes.router(for: service), on: ServerBinding(host: "127.0.0.1", port: 0)) { port in
                    portContinuation.yield(port)
                    portContinuation.finish()
                }
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let cpu0 = cpuSeconds()
            let t0 = Date()
            let mrs = try await withThrowingTaskGroup(of: [Double].self) { posts in
                for body in bodies {
                    posts.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/reward")
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(body)
                        let response = try await client.execute(request, timeout: .seconds(600))
                        let data = try await response.body.collect(upTo: 64 << 20)
                        guard response.status == .ok else { throw BenchError("service answered \(response.status.code): \(String(buffer: data))") }
                        struct Body: Decodable { var results: [RewardResult] }
                        return try JSONDecoder().decode(Body.self, from: Data(data.readableBytesView)).results.flatMap(\.rewards).compactMap(\.mr)
                    }
                }
                var all: [Double] = []
                for try await values in posts { all += values }
                return all
            }
            let wall = Date().timeIntervalSince(t0)
            let cpu = cpuSeconds() - cpu0
            group.cancelAll()
            return (wall, cpu, mrs.isEmpty ? .nan : mrs.reduce(0, +) / Double(mrs.count))
        }
        try await client.shutdown()
        let calls = await rewarder.calls().calls
        await rewarder.close()
        return Row(label: "HTTP service", concurrency: c, calls: calls, wall: measured.0, cpu: measured.1, mr: measured.2)
    }

    static func meanMR(_ results: [RewardResult]) -> Double {
        let values = results.flatMap(\.rewards).compactMap(\.mr)
        return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    struct BenchError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
