import CollabBenchCore
import CollabBenchRunner
@testable import CollabBenchServer
import AsyncHTTPClient
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `POST /study/<token>/stream` over a real socket: the reply comes as several server-sent events,
/// sent while the agent is still generating it, whose concatenation is exactly the stored reply
/// (stored as the form path stores it; a retried call resets the shown text to it), and the form
/// token, body limit and unknown links are enforced as on the form.
@Suite("Study streamed replies", .timeLimit(.minutes(5)))
struct StudyStreamTests {
    /// The `data:` strings of the plain events and the `done` event's data of a stream body.
    static func events(_ body: String) throws -> (pieces: [String], done: [String: Any]?) {
        var pieces: [String] = []
        var done: [String: Any]?
        for block in body.components(separatedBy: "\n\n") where !block.isEmpty {
            var name = "message"
            var data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            if name == "done" {
                done = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
            } else {
                pieces.append(try JSONDecoder().decode(String.self, from: Data(data.utf8)))
            }
        }
        return (pieces, done)
    }

    @Test("A multi-piece reply streams as several events; the stored reply is their concatenation")
    func streamsPieces() async throws {
        try await StudyFixture.with(participants: 1) { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await fetch(base.appending(path: "study/\(a.token)"))
            fixture.advance(seconds: 10)
            let reply = try await postForm(base, "study/\(a.token)/stream", [("csrf", a.csrfToken), ("message", "  stream please ")])
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            #expect(reply.header("Cache-Control") == "no-store")
            let (pieces, done) = try Self.events(reply.body)
            #expect(pieces.count > 1, "pieces: \(pieces)")
            #expect(pieces.joined() == StudyFixture.hostileReply + "1")
            #expect(done?["ratingDue"] as? Bool == false && done?["canSend"] as? Bool == true && done?["replies"] as? Int == 1)
            let stored = try #require(try fixture.store().studyParticipant(token: a.token))
            let progress = StudyProgress(json: stored.progressJSON)
            #expect(progress.turns.map(\.text) == ["stream please", pieces.joined()])
            #expect(progress.turns.first?.call.model == StudyLayout.personModel)
            #expect(progress.turnSeconds.count == 1 && abs(progress.turnSeconds[0] - 10) < 0.001)
            #expect(progress.turns.last?.role == .assistant && progress.turns.last?.call.model.contains("scripted") == true)
            #expect(stored.state == .chatting && progress.lastFailure == nil)
            #expect(!reply.body.contains(StudyFixture.secret))
            // The page shows the streamed turns like form-posted ones.
            let page = try await fetch(base.appending(path: "study/\(a.token)"))
            #expect(page.body.contains("id=\"msg-1\"") && !page.body.contains("<script>document.title"))
        }
    }

    @Test("The streamed and the form path store the same conversation")
    func sameAsForm() async throws {
        let streamed = try await StudyFixture.with(participants: 1) { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await fetch(base.appending(path: "study/\(a.token)"))
            for i in 1...3 {
                fixture.advance(seconds: Double(i))
                #expect(try await postForm(base, "study/\(a.token)/stream", [("csrf", a.csrfToken), ("message", "m \(i)")]).status == 200)
            }
            let last = try await postForm(base, "study/\(a.token)/stream", [("csrf", a.csrfToken), ("message", "too early")])
            #expect(last.status == 409)
            return try #require(try fixture.store().studyParticipant(token: a.token)).progressJSON
        }
        let posted = try await StudyFixture.with(participants: 1) { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await fetch(base.appending(path: "study/\(a.token)"))
            for i in 1...3 {
                fixture.advance(seconds: Double(i))
                #expect(try await postForm(base, "study/\(a.token)/message", [("csrf", a.csrfToken), ("message", "m \(i)")]).status == 200)  // the 303, followed
            }
            return try #require(try fixture.store().studyParticipant(token: a.token)).progressJSON
        }
        #expect(Self.withoutAgentTimings(streamed) == Self.withoutAgentTimings(posted))
        #expect(StudyProgress(json: streamed).turns.count == 6)
    }

    /// Stored progress with the agent calls' wall-clock measures and model address (its port)
    /// cleared: they differ from one fixture to the next.
    static func withoutAgentTimings(_ json: String) -> StudyProgress {
        var progress = StudyProgress(json: json)
        for i in progress.turns.indices where progress.turns[i].role == .assistant {
            progress.turns[i].call.latencySeconds = 0
            progress.turns[i].call.model = progress.turns[i].call.model.replacingOccurrences(of: #":\d+/"#, with: ":PORT/", options: .regularExpression)
            progress.turns[i].call.timeToFirstTokenSeconds = nil
            progress.turns[i].call.tokensPerSecond = nil
        }
        return progress
    }

    @Test("The stream needs the form token (403), limits the body (413) and hides unknown links (404)")
    func checksEnforced() async throws {
        try await StudyFixture.with(participants: 2) { fixture, base in
            let (a, b) = (fixture.created.participants[0], fixture.created.participants[1])
            _ = try await fetch(base.appending(path: "study/\(a.token)"))
            #expect(try await postForm(base, "study/\(a.token)/stream", [("message", "hi")]).status == 403)
            #expect(try await postForm(base, "study/\(a.token)/stream", [("csrf", b.csrfToken), ("message", "hi")]).status == 403)
            let big = String(repeating: "x", count: StudyRoutes.maxBodyBytes + 1)
            #expect(try await postForm(base, "study/\(a.token)/stream", [("csrf", a.csrfToken), ("message", big)]).status == 413)
            #expect(try await postForm(base, "study/\(String(repeating: "A", count: 43))/stream", [("csrf", a.csrfToken), ("message", "hi")]).status == 404)
            #expect(try await postForm(base, "study/short/stream", [("csrf", a.csrfToken), ("message", "hi")]).status == 404)
            let stored = try #require(try fixture.store().studyParticipant(token: a.token))
            #expect(StudyProgress(json: stored.progressJSON).turns.isEmpty)
        }
    }

    /// Posts the stream form and reads its events as they arrive: `onEvent` sees each (name,
    /// data) before the next one is read.
    static func streaming(
        _ base: URL, _ path: String, _ fields: [(String, String)], onEvent: (String, String) async -> Void = { _, _ in }
    ) async throws -> (status: Int, events: [(name: String, data: String)]) {
        var request = HTTPClientRequest(url: base.appending(path: path).absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: formBody(fields)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        var buffered = ""
        var events: [(name: String, data: String)] = []
        for try await chunk in response.body {
            buffered += String(buffer: chunk)
            while let cut = buffered.range(of: "\n\n") {
                let block = buffered[..<cut.lowerBound]
                buffered = String(buffered[cut.upperBound...])
                var name = "message"
                var data = ""
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data += line.dropFirst(6) }
                }
                events.append((name, data))
                await onEvent(name, data)
            }
        }
        return (Int(response.status.code), events)
    }

    /// A JSON string's value.
    static func string(_ json: String) throws -> String { try JSONDecoder().decode(String.self, from: Data(json.utf8)) }

    @Test("The first piece reaches the participant's browser while the agent is still writing the rest")
    func firstPieceBeforeTheRest() async throws {
        let gate = TestGate()
        try await StudyFixture.with(
            participants: 1, streamed: { _ in .chatStream(["First half, "], heldUntil: { await gate.pass() }, then: ["second half."]) }
        ) { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await fetch(base.appending(path: "study/\(a.token)"))
            var firstPiece: String?
            // The model server sends "second half." and ends its stream only once the gate is
            // open, and the gate opens only when the first piece has arrived here.
            let (status, events) = try await Self.streaming(base, "study/\(a.token)/stream", [("csrf", a.csrfToken), ("message", "go")]) { name, data in
                guard firstPiece == nil, name == "message" else { return }
                firstPiece = try? Self.string(data)
                await gate.open()
            }
            #expect(status == 200)
            #expect(firstPiece == "First half, ")
            let pieces = try events.filter { $0.name == "message" }.map { try Self.string($0.data) }
            #expect(pieces == ["First half, ", "second half."])
            #expect(events.map(\.name) == ["message", "message", "done"], "no reset: the pieces are the reply")
            let stored = try #require(try fixture.store().studyParticipant(token: a.token))
            #expect(StudyProgress(json: stored.progressJSON).turns.last?.text == pieces.joined())
        }
    }

    @Test("A retry after part of a reply was streamed resets the shown text to the stored reply")
    func resetAfterRetry() async throws {
        try await StudyFixture.with(
            participants: 1, streamed: { n in n == 1 ? .chatStreamCutOff(["Draft "]) : .chatStream(["Final ", "reply"]) }
        ) { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await fetch(base.appending(path: "study/\(a.token)"))
            let (status, events) = try await Self.streaming(base, "study/\(a.token)/stream", [("csrf", a.csrfToken), ("message", "go")])
            #expect(status == 200)
            #expect(events.map(\.name) == ["message", "reset", "done"])
            #expect(try Self.string(events[0].data) == "Draft ")
            #expect(try Self.string(events[1].data) == "Final reply")
            let stored = try #require(try fixture.store().studyParticipant(token: a.token))
            #expect(StudyProgress(json: stored.progressJSON).turns.map(\.text) == ["go", "Final reply"])
        }
    }

    @Test("An agent that cannot answer ends the stream with a failed event; nothing is stored")
    func failedEvent() async throws {
        try await StudyFixture.with(participants: 1, streamed: { _ in .error(400, message: "no \(StudyFixture.secret)") }) { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await fetch(base.appending(path: "study/\(a.token)"))
            let (status, events) = try await Self.streaming(base, "study/\(a.token)/stream", [("csrf", a.csrfToken), ("message", "go")])
            #expect(status == 200)
            #expect(events.map(\.name) == ["failed"])
            let data = events.first?.data ?? ""
            let failed = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
            #expect(failed?["status"] as? Int == 502)
            #expect((failed?["message"] as? String)?.hasPrefix("Sorry: the assistant could not answer") == true)
            #expect(!data.contains(StudyFixture.secret))
            let stored = try #require(try fixture.store().studyParticipant(token: a.token))
            let progress = StudyProgress(json: stored.progressJSON)
            #expect(progress.turns.isEmpty && progress.lastFailure != nil)
        }
    }
}
