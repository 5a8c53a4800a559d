import CollabBenchCore
import CollabBenchReports
import CollabBenchRunner
import CollabBenchServer
import CollabBenchStore
import Foundation
import NIOHTTP1
import Testing

/// The study pages over a real socket, the agent being the loopback scripted server: links reach
/// only their own participant, forms need their token, bodies are limited, replies stay text,
/// ratings and timings are stored, and a finished conversation is scored onto the leaderboard.
@Suite("Study pages", .timeLimit(.minutes(5)))
struct StudyRoutesTests {
    static func page(_ base: URL, _ token: String) async throws -> FetchedReply {
        try await fetch(base.appending(path: "study/\(token)"))
    }

    /// Sends a message and checks the form was accepted (303, or the page it redirects to).
    static func send(_ base: URL, _ p: StudyParticipantRecord, _ text: String) async throws {
        let reply = try await postForm(base, "study/\(p.token)/message", [("csrf", p.csrfToken), ("message", text)])
        #expect([200, 303].contains(reply.status), "message refused: \(reply.status) \(reply.body.prefix(300))")
    }

    @Test("A link reaches only its own participant; unknown and malformed tokens are 404")
    func tokenIsolation() async throws {
        try await StudyFixture.with { fixture, base in
            let (a, b) = (fixture.created.participants[0], fixture.created.participants[1])
            #expect(a.token.count == 43 && a.token != b.token && a.csrfToken != a.token)
            let pageA = try await Self.page(base, a.token)
            #expect(pageA.status == 200)
            #expect(pageA.body.contains(a.csrfToken))
            #expect(!pageA.body.contains(b.token) && !pageA.body.contains(b.csrfToken))
            let other = String(repeating: "A", count: 43)
            #expect(try await Self.page(base, other).status == 404)
            #expect(try await Self.page(base, "short").status == 404)
            #expect(try await Self.page(base, a.token + "x").status == 404)
            // A's form token does not work on B's link, nor B's on A's.
            #expect(try await postForm(base, "study/\(b.token)/message", [("csrf", a.csrfToken), ("message", "hi")]).status == 403)
            _ = try await Self.page(base, b.token)
            #expect(try await postForm(base, "study/\(a.token)/message", [("csrf", b.csrfToken), ("message", "hi")]).status == 403)
            let stored = try fixture.store().studyParticipants(runID: fixture.created.run.id)
            #expect(stored.allSatisfy { StudyProgress(json: $0.progressJSON).turns.isEmpty })
        }
    }

    @Test("Every form needs the participant's token; a missing or wrong one changes nothing")
    func csrfRejected() async throws {
        try await StudyFixture.with { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await Self.page(base, a.token)
            #expect(try await postForm(base, "study/\(a.token)/message", [("message", "hi")]).status == 403)
            #expect(try await postForm(base, "study/\(a.token)/message", [("csrf", "x"), ("message", "hi")]).status == 403)
            #expect(
                try await postForm(base, "study/\(a.token)/finish", [("csrf", ""), ("quality", "5"), ("interaction", "5")]).status == 403)
            let stored = try #require(try fixture.store().studyParticipant(token: a.token))
            #expect(StudyProgress(json: stored.progressJSON).turns.isEmpty)
            #expect(stored.state == .chatting)
        }
    }

    @Test("A form body above the limit is refused with 413")
    func bodyLimit() async throws {
        try await StudyFixture.with { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await Self.page(base, a.token)
            let big = String(repeating: "x", count: StudyRoutes.maxBodyBytes + 1)
            let reply = try await postForm(base, "study/\(a.token)/message", [("csrf", a.csrfToken), ("message", big)])
            #expect(reply.status == 413)
            let stored = try #require(try fixture.store().studyParticipant(token: a.token))
            #expect(StudyProgress(json: stored.progressJSON).turns.isEmpty)
        }
    }

    @Test("A <script> reply is shown as text; the page forbids inline script; the key reaches no page")
    func repliesEscaped() async throws {
        try await StudyFixture.with { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await Self.page(base, a.token)
            try await Self.send(base, a, "<img src=x onerror=alert(1)> hello")
            let page = try await Self.page(base, a.token)
            #expect(page.body.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;Draft &lt;b&gt;v1") || page.body.contains("&lt;script&gt;document.title="))
            #expect(!page.body.contains("<script>document.title"))
            #expect(!page.body.contains("<img src=x"))
            #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
            #expect(!page.body.contains(StudyFixture.secret))
        }
    }

    @Test("Ratings every 3 replies and at the end, timings, and the finished conversation scored on the leaderboard")
    func wholeStudy() async throws {
        try await StudyFixture.with(participants: 1) { fixture, base in
            let a = fixture.created.participants[0]
            _ = try await Self.page(base, a.token)
            for i in 1...3 {
                fixture.advance(seconds: 10)
                try await Self.send(base, a, "message \(i)")
            }
            var page = try await Self.page(base, a.token)
            #expect(page.body.contains("id=\"rate-form\""))
            #expect(!page.body.contains("id=\"message-form\""))
            #expect(try await postForm(base, "study/\(a.token)/message", [("csrf", a.csrfToken), ("message", "too early")]).status == 409)
            #expect(
                try await postForm(base, "study/\(a.token)/rate", [("csrf", a.csrfToken), ("quality", "11"), ("interaction", "5")]).status
                    == 400)
            let rated = try await postForm(
                base, "study/\(a.token)/rate", [("csrf", a.csrfToken), ("quality", "6"), ("interaction", "7"), ("comment", "ok")])
            #expect([200, 303].contains(rated.status))
            fixture.advance(seconds: 20)
            try await Self.send(base, a, "message 4")
            fixture.advance(seconds: 5)
            let finished = try await postForm(
                base, "study/\(a.token)/finish",
                [("csrf", a.csrfToken), ("quality", "8"), ("interaction", "9"), ("comment", "good <b>job</b>")])
            #expect([200, 303].contains(finished.status), "finish refused: \(finished.body.prefix(300))")
            page = try await Self.page(base, a.token)
            #expect(page.body.contains("id=\"thanks\""))
            #expect(try await postForm(base, "study/\(a.token)/message", [("csrf", a.csrfToken), ("message", "more")]).status == 409)

            let store = try fixture.store()
            let participant = try #require(try store.studyParticipant(token: a.token))
            #expect(participant.state == .finished)
            let run = try #require(try store.run(fixture.created.run.id))
            #expect(run.status == .completed)
            #expect(StudyLayout.isStudy(run) && run.agentPreset == "human" && run.userSimulator == "human/study")
            let conversations = try store.conversations(runID: run.id)
            #expect(conversations.count == 1)
            let conversation = try #require(conversations.first)
            let transcript = try store.transcript(conversationID: conversation.id)
            #expect(transcript.turns.count == 8)
            #expect(transcript.endReason == .userTerminated)
            #expect(transcript.turns.first?.call.model == "human")
            #expect(transcript.turns.first?.text == "message 1")
            // The person took 10 s for their first message, 20 s for the fourth.
            #expect(transcript.turns.first.map { abs($0.call.latencySeconds - 10) < 0.001 } == true)
            #expect(abs(transcript.turns[6].call.latencySeconds - 20) < 0.001)
            let scores = conversation.scores
            #expect(scores["human.document_rating"]?.value == 8)
            #expect(scores["human.interaction_rating"]?.value == 9)
            #expect(scores["human.interaction_rating"]?.method == "human")
            let detail = scores["human.interaction_rating"]?.detail ?? ""
            #expect(detail.contains("\"totalSeconds\":55") && detail.contains("\"afterReplies\":3") && detail.contains("good <b>job</b>"))
            #expect(scores["itr"]?.status == .scored)
            #expect(scores["bleu"] != nil)
            // On the leaderboard: its own row, marked human.
            let report = try Leaderboard.build(store: store)
            let row = try #require(report.rows.first { $0.runs.contains(run.id) })
            #expect(row.agentPreset == "human")
            // No credential anywhere in the store file.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.storePath))
            #expect(bytes.range(of: Data(StudyFixture.secret.utf8)) == nil)
        }
    }
}
