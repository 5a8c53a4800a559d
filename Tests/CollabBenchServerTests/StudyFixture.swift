import CollabBenchCore
import CollabBenchRunner
import CollabBenchServer
import CollabBenchStore
import CollabBenchTestSupport
import Foundation
import Hummingbird
import NIOHTTP1
import Synchronization

/// A study on the built-in docs pack against the loopback scripted agent: the store in a fresh
/// temporary folder, the participants' links, a settable clock and the router serving them.
final class StudyFixture: Sendable {
    /// The checkout (for `Tasks/docs`).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// What the scripted agent says; every reply carries a hostile script tag that must stay text.
    static let hostileReply = "<script>document.title='pwned'</script>Draft <b>v"

    let folder: URL
    let storePath: String
    let server: LoopbackOpenAIServer
    let created: StudyPlan.Created
    /// The study's agent spec (its key in the URL's user info, as a user might give it).
    let agent: String
    let conductor: StudyConductor
    private let time = Shared(Date(timeIntervalSinceReferenceDate: 800_000_000))
    private let agentCalls = Shared(0)

    /// The credential given in the agent's base URL: it must reach neither the store nor a page.
    static let secret = "sk-study-secret-0123456789"

    /// Decides the agent's `n`-th reply (1, 2, …; per HTTP attempt) to a streamed request; the
    /// default streams the hostile reply in three pieces.
    typealias StreamedAgent = @Sendable (_ n: Int) -> ScriptedResponse

    /// The default streamed reply: ``hostileReply`` and `n`, in three pieces.
    static func streamedReply(_ n: Int) -> ScriptedResponse {
        let text = hostileReply + String(n)
        let third = text.count / 3
        return .chatStream([String(text.prefix(third)), String(text.dropFirst(third).prefix(third)), String(text.dropFirst(2 * third))])
    }

    init(participants: Int = 2, rateEvery: Int = 3, tick: Double = 0, streamed: @escaping StreamedAgent = StudyFixture.streamedReply) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-study-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        storePath = folder.appendingPathComponent("study.sqlite").path
        let calls = agentCalls
        server = try await LoopbackOpenAIServer.start { request in
            let first = request.messages.first?.content ?? ""
            if first.contains("You are evaluating how well an AI assistant") { return .chat(#"{"thought":"fine","score":2}"#) }
            if request.messages.first?.role == "system", first.contains("You are playing a person") {
                let done = (request.messages.last?.content ?? "").contains("Assistant:")
                return .chat(done ? #"{"thought":"ok","message":"thanks [[TERMINATE CHAT]]"}"# : #"{"thought":"start","message":"write it please"}"#)
            }
            let n = calls.value.withLock { count in
                count += 1
                return count
            }
            if request.json?["stream"] as? Bool == true { return streamed(n) }
            return .chat(StudyFixture.hostileReply + String(n))
        }
        let agent = "openai/scripted@http://user:\(Self.secret)@127.0.0.1:\(server.port)/v1"
        self.agent = agent
        var random = SeededGenerator(seed: 7)
        created = try StudyPlan(
            store: storePath, settings: StudySettings(pack: Self.root + "/Tasks/docs", agent: agent, rateEvery: rateEvery),
            participants: participants, name: "docs-study", environment: [:]
        ).create(now: Date(timeIntervalSinceReferenceDate: 800_000_000), random: &random)
        let clock = time
        conductor = try StudyConductor(
            storePath: storePath, environment: [:], workingDirectory: Self.root, countingTokens: false, now: {
                clock.value.withLock { time in
                    time = time.addingTimeInterval(tick)
                    return time
                }
            })
    }

    /// Moves the clock on (it also moves `tick` seconds on each reading).
    func advance(seconds: Double) { time.value.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// A router with the study routes and the static assets.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        StaticAssets.register(on: router)
        StudyRoutes.register(conductor, on: router)
        return router
    }

    /// The store, opened read-write.
    func store() throws -> ResultStore { try ResultStore(path: storePath) }

    /// Shuts the model clients and the scripted server down and removes the folder.
    func close() async {
        await conductor.shutdown()
        try? await server.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `body` with a served study, closing everything afterwards.
    static func with<T: Sendable>(
        participants: Int = 2, rateEvery: Int = 3, tick: Double = 0, streamed: @escaping StreamedAgent = StudyFixture.streamedReply,
        _ body: @Sendable (StudyFixture, URL) async throws -> T
    ) async throws -> T {
        let fixture = try await StudyFixture(participants: participants, rateEvery: rateEvery, tick: tick, streamed: streamed)
        do {
            let result = try await withServer(fixture.router()) { base in try await body(fixture, base) }
            await fixture.close()
            return result
        } catch {
            await fixture.close()
            throw error
        }
    }
}

/// A form body, percent-encoded.
func formBody(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
}

/// Posts a form to a study page.
func postForm(_ base: URL, _ path: String, _ fields: [(String, String)]) async throws -> FetchedReply {
    try await fetch(
        base.appending(path: path), method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: formBody(fields))
}

/// A value several tasks read and change.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ initial: Value) { value = Mutex(initial) }
}
