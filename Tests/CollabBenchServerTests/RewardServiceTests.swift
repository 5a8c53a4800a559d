import CollabBenchServer
import Foundation
import Hummingbird
import NIOHTTP1
import Testing

/// The service's own contract (decoding, limits, queue, disconnects) over a real socket, with a
/// scorer double that echoes items; the library's numbers are checked in RewardServiceLibraryTests.
@Suite("Reward service: limits and errors", .timeLimit(.minutes(5)))
struct RewardServiceTests {
    struct EchoItem: Decodable, Sendable {
        var id: String
        var candidates: [String]
    }

    struct EchoResult: Encodable, Sendable {
        struct Reward: Encodable, Sendable { var mr: Double }
        var id: String
        var rewards: [Reward]
    }

    /// Scores a candidate as its length; waits at the gate first when there is one.
    struct EchoScorer: RewardScoring {
        var gate: RewardTestGate?

        func rewards(for items: [EchoItem]) async throws -> [EchoResult] {
            var results: [EchoResult] = []
            for item in items {
                await gate?.pass()
                results.append(EchoResult(id: item.id, rewards: item.candidates.map { .init(mr: Double($0.count)) }))
            }
            return results
        }
    }

    static func post(_ base: URL, _ body: String) async throws -> FetchedReply {
        try await fetch(base.appending(path: "v1/reward"), method: .POST, headers: [("Content-Type", "application/json")], body: body)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a batch answers one result per item, in order; health and the OpenAPI document answer")
    func scoresInOrder() async throws {
        let service = RewardService(scorer: EchoScorer(), settings: .init(concurrency: 2, queue: 8))
        let (reply, health, openapi) = try await withServer(RewardRoutes.router(for: service)) { base in
            let reply = try await Self.post(base, #"{"items":[{"id":"a","candidates":["x","xyz"]},{"id":"b","candidates":["hello"]}]}"#)
            return (reply, try await fetch(base.appending(path: "healthz")), try await fetch(base.appending(path: "openapi.json")))
        }
        #expect(reply.status == 200)
        #expect(reply.body == #"{"results":[{"id":"a","rewards":[{"mr":1},{"mr":3}]},{"id":"b","rewards":[{"mr":5}]}]}"#)
        #expect(health.status == 200)
        let document = try Self.json(openapi.body)
        #expect(document["openapi"] as? String == "3.1.0")
        #expect((document["paths"] as? [String: Any])?["/v1/reward"] != nil)
    }

    @Test("a malformed body answers 400; a malformed item names its index and field")
    func malformed() async throws {
        let service = RewardService(scorer: EchoScorer())
        let (notJSON, noItems, badItem) = try await withServer(RewardRoutes.router(for: service)) { base in
            (
                try await Self.post(base, "{not json"),
                try await Self.post(base, #"{"things":[]}"#),
                try await Self.post(base, #"{"items":[{"id":"a","candidates":["x"]},{"id":"b","candidates":"x"}]}"#)
            )
        }
        #expect(notJSON.status == 400)
        #expect(try Self.json(notJSON.body)["error"] as? String == "malformed body: not JSON")
        #expect(noItems.status == 400)
        #expect((try Self.json(noItems.body)["error"] as? String)?.contains("missing field 'items'") == true)
        #expect(badItem.status == 400)
        let detail = try Self.json(badItem.body)
        #expect(detail["index"] as? Int == 1)
        #expect((detail["error"] as? String)?.hasPrefix("malformed item: items[1].candidates: expected an array") == true)
    }

    @Test("a body over the limit answers 413, and so does a batch larger than the queue")
    func tooLarge() async throws {
        let service = RewardService(scorer: EchoScorer(), settings: .init(concurrency: 1, queue: 2, maxBodyBytes: 200))
        let (big, many) = try await withServer(RewardRoutes.router(for: service)) { base in
            let long = String(repeating: "x", count: 500)
            return (
                try await Self.post(base, #"{"items":[{"id":"a","candidates":[""# + long + #""]}]}"#),
                try await Self.post(base, #"{"items":[{"id":"a","candidates":[]},{"id":"b","candidates":[]},{"id":"c","candidates":[]}]}"#)
            )
        }
        #expect(big.status == 413)
        #expect(many.status == 413)
        #expect((try Self.json(many.body)["error"] as? String)?.contains("larger than the service admits at once (--queue 2)") == true)
    }

    @Test("a full queue answers 429 with Retry-After; once the queue drains the same request is served")
    func fullQueue() async throws {
        let gate = RewardTestGate()
        let service = RewardService(scorer: EchoScorer(gate: gate), settings: .init(concurrency: 1, queue: 1))
        let (refused, first, again) = try await withServer(RewardRoutes.router(for: service)) { base in
            async let first = Self.post(base, #"{"items":[{"id":"held","candidates":["ab"]}]}"#)
            _ = await gate.arrivals.first()  // the first item is being scored: the queue is full
            let refused = try await Self.post(base, #"{"items":[{"id":"next","candidates":["abc"]}]}"#)
            await gate.openGate()
            let firstReply = try await first
            let again = try await Self.post(base, #"{"items":[{"id":"next","candidates":["abc"]}]}"#)
            return (refused, firstReply, again)
        }
        #expect(refused.status == 429)
        #expect(Int(refused.header("retry-after") ?? "") ?? 0 >= 1)
        #expect((try Self.json(refused.body)["error"] as? String)?.contains("queue is full") == true)
        #expect(first.status == 200)
        #expect(again.status == 200)
        #expect(again.body == #"{"results":[{"id":"next","rewards":[{"mr":3}]}]}"#)
    }

    @Test("a client that disconnects mid-batch does not stop the server; the next request succeeds")
    func disconnect() async throws {
        let gate = RewardTestGate()
        let service = RewardService(scorer: EchoScorer(gate: gate), settings: .init(concurrency: 1, queue: 4))
        let (abandoned, next) = try await withServer(RewardRoutes.router(for: service)) { base in
            let client = Task { try await Self.post(base, #"{"items":[{"id":"a","candidates":["x"]},{"id":"b","candidates":["y"]}]}"#) }
            _ = await gate.arrivals.first()  // the batch is being scored
            client.cancel()  // closes the connection mid-batch
            let abandoned = await client.result
            await gate.openGate()
            let next = try await Self.post(base, #"{"items":[{"id":"c","candidates":["xyzw"]}]}"#)
            return (abandoned, next)
        }
        #expect(throws: (any Error).self) { try abandoned.get() }
        #expect(next.status == 200)
        #expect(next.body == #"{"results":[{"id":"c","rewards":[{"mr":4}]}]}"#)
    }
}
