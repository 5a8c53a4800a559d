import CollabBenchCore
import CollabBenchModels
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helpers: the example agents, a scratch folder for throwaway agents, process checks.
enum AgentFixture {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let echoAgent = packageRoot.appendingPathComponent("examples/agents/echo_agent.py").path

    /// `python3` on PATH, if any.
    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static var hasPython: Bool { python != nil }

    /// `swift` on PATH, if any (runs the Swift example as a script).
    static let swift: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/swift" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let swiftAgent = packageRoot.appendingPathComponent("examples/agents/swift_agent.swift").path

    /// `text` quoted for `/bin/sh`.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A fresh folder for one test's agent scripts and pid files.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-agent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `name` in `folder` and returns the path.
    static func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The pids in a file of one pid per line (waits up to 2 minutes for it to appear, for a loaded machine).
    static func pids(in path: String) async throws -> [pid_t] {
        for _ in 0..<2400 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") {
                return text.split(separator: "\n").compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return []
    }

    /// Whether `pid` no longer runs: gone, or a zombie some other parent has yet to reap (for
    /// grandchildren, which are not ours). Polls up to 1 minute.
    static func isGone(_ pid: pid_t, allowZombie: Bool = false) async -> Bool {
        for _ in 0..<1200 {
            if kill(pid, 0) != 0 && errno == ESRCH { return true }
            if allowZombie, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z"
            {
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// An agent running `script` with `/bin/sh`, with short limits.
    static func shellAgent(
        _ script: String, timeout: Double = 60, maxReplyBytes: Int = 4 << 20, grace: Double = 0.2, scope: SubprocessAgent.Configuration.ProcessScope = .perConversation,
        environment: [String: String] = ProcessInfo.processInfo.environment, pass: [String] = []
    ) -> SubprocessAgent {
        SubprocessAgent(
            .init(
                command: script, name: "test-agent", scope: scope, turnTimeoutSeconds: timeout, maxReplyBytes: maxReplyBytes, passEnvironment: pass,
                shutdownGraceSeconds: grace),
            environment: environment)
    }

    /// Expects `body` to fail with `.agentFailed` and a message containing every one of `parts`.
    static func expectAgentFailure(_ parts: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        await #expect(sourceLocation: sourceLocation) {
            try await body()
        } throws: { error in
            guard let e = error as? CollabBenchError, e.code == .agentFailed else { return false }
            return parts.allSatisfy { e.message.contains($0) } && !e.message.contains("\n")
        }
    }
}

@Suite(.timeLimit(.minutes(5)))
struct SubprocessAgentTests {
    let hello = ChatRequest(messages: [.user("Write a haiku")])

    // MARK: - The example agent

    @Test(.enabled(if: AgentFixture.hasPython)) func echoAgentAsksOnceThenAnswersInOneProcessPerConversation() async throws {
        let agent = SubprocessAgent(.init(command: "python3 \(AgentFixture.quoted(AgentFixture.echoAgent))", name: "echo"))
        #expect(agent.spec.description == "subprocess/echo")
        let (first, second) = try await agent.withConversation(id: "task-1#1") { model in
            let first = try await model.complete(ChatRequest(messages: [.user("Write a haiku")], sampling: Sampling(temperature: 0.6), seed: 3))
            let second = try await model.complete(ChatRequest(messages: [.user("Write a haiku"), .assistant(first.text), .user("About autumn")]))
            return (first, second)
        }
        #expect(first.text.hasPrefix("Before I start"))
        #expect(first.usage == TokenUsage(promptTokens: 3, completionTokens: 21))
        #expect(first.finishReason == "stop")
        // The same process answered: it remembers having asked.
        #expect(second.text.contains("You asked: Write a haiku"))
        #expect(second.text.contains("You added: About autumn"))
    }

    @Test(.enabled(if: AgentFixture.swift != nil)) func swiftExampleSpeaksTheSameProtocol() async throws {
        // Run as a script: it compiles at start, hence the long turn timeout.
        let agent = SubprocessAgent(.init(command: "swift \(AgentFixture.quoted(AgentFixture.swiftAgent))", name: "swift", turnTimeoutSeconds: 300))
        let (first, second) = try await agent.withConversation(id: "swift-1") { model in
            let first = try await model.complete(ChatRequest(messages: [.user("Write a haiku")]))
            let second = try await model.complete(ChatRequest(messages: [.user("Write a haiku"), .assistant(first.text), .user("About autumn")]))
            return (first, second)
        }
        #expect(first.text.hasPrefix("Before I start"))
        #expect(first.usage == TokenUsage(promptTokens: 3, completionTokens: 21))
        #expect(second.text.contains("You asked: Write a haiku") && second.text.contains("You added: About autumn"))
    }

    @Test(.enabled(if: AgentFixture.hasPython)) func completeOutsideAConversationRunsAFreshProcessPerCall() async throws {
        let agent = SubprocessAgent(.init(command: "python3 \(AgentFixture.quoted(AgentFixture.echoAgent))"))
        let history = ChatRequest(messages: [.user("Write a haiku"), .assistant("Which season?"), .user("Autumn")])
        let first = try await agent.complete(history)
        let second = try await agent.complete(history)
        // Each call met a process that had not asked yet.
        #expect(first.text.hasPrefix("Before I start") && second.text.hasPrefix("Before I start"))
    }

    @Test(.enabled(if: AgentFixture.hasPython)) func largeTurnsGoThroughTheNonBlockingStdin() async throws {
        let agent = SubprocessAgent(.init(command: "python3 \(AgentFixture.quoted(AgentFixture.echoAgent))"))
        let big = String(repeating: "word ", count: 600_000)  // 3 MB, far beyond a socket buffer
        let reply = try await agent.withConversation(id: "big") { model in
            _ = try await model.complete(ChatRequest(messages: [.user("short")]))
            return try await model.complete(ChatRequest(messages: [.user("short"), .assistant("?"), .user(big)]))
        }
        #expect(reply.text.contains("You added: word word"))
    }

    // MARK: - Protocol

    @Test(.enabled(if: AgentFixture.hasPython)) func sendsTurnAndEndMessagesWithTheProtocolFields() async throws {
        let folder = try AgentFixture.scratch()
        let log = folder.appendingPathComponent("received.jsonl").path
        let script = try AgentFixture.write(
            #"""
            import json, sys
            log = open(sys.argv[1], "a")
            for line in sys.stdin:
                log.write(line); log.flush()
                message = json.loads(line)
                if message["type"] == "turn":
                    print(json.dumps({"content": "turn %d" % message["turn"], "finish_reason": "end"}), flush=True)
            """#, "logger.py", in: folder)
        let agent = SubprocessAgent(.init(command: "python3 \(script) \(log)"))
        let schema = #"{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"string"}}}"#
        let replies = try await agent.withConversation(id: "task-7#42") { model in
            [
                try await model.complete(ChatRequest(
                    messages: [.system("sys"), .user("hi")], sampling: Sampling(temperature: 0.6, topP: 0.9, maxTokens: 64), seed: 99,
                    responseFormat: ResponseFormat(name: "reply", schemaJSON: schema))),
                try await model.complete(ChatRequest(messages: [.user("again")])),
            ]
        }
        #expect(replies.map(\.text) == ["turn 1", "turn 2"])
        #expect(replies[0].finishReason == "end")
        #expect(replies[0].usage == nil)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["type"] as? String == "turn")
        #expect(first["conversation"] as? String == "task-7#42")
        #expect(first["turn"] as? Int == 1)
        #expect(first["seed"] as? Int == 99)
        let messages = try #require(first["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "sys"], ["role": "user", "content": "hi"]])
        let sampling = try #require(first["sampling"] as? [String: Any])
        #expect(sampling["temperature"] as? Double == 0.6 && sampling["top_p"] as? Double == 0.9 && sampling["max_tokens"] as? Int == 64)
        let format = try #require(first["response_format"] as? [String: Any])
        #expect(format["name"] as? String == "reply")
        // The schema's property order is kept on the wire.
        let b = try #require(lines[0].range(of: "\"b\""))
        let a = try #require(lines[0].range(of: "\"a\""))
        #expect(b.lowerBound < a.lowerBound)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["turn"] as? Int == 2 && second["seed"] == nil && second["response_format"] == nil)
        let end = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: String])
        #expect(end == ["type": "end", "conversation": "task-7#42"])
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: - Processes

    @Test func conversationProcessesAreStoppedAndReapedAndPerRunSharesOne() async throws {
        let script = #"while read line; do case "$line" in *'"turn"'*) echo "{\"content\":\"$$\"}";; esac; done"#
        let perConversation = AgentFixture.shellAgent(script)
        let one = try await perConversation.withConversation(id: "a") { try await $0.complete(hello).text }
        let two = try await perConversation.withConversation(id: "b") { try await $0.complete(hello).text }
        let pidOne = try #require(pid_t(one))
        let pidTwo = try #require(pid_t(two))
        #expect(pidOne != pidTwo)
        #expect(await AgentFixture.isGone(pidOne))
        #expect(await AgentFixture.isGone(pidTwo))

        let perRun = AgentFixture.shellAgent(script, scope: .perRun)
        let first = try await perRun.withConversation(id: "a") { try await $0.complete(hello).text }
        let second = try await perRun.withConversation(id: "b") { try await $0.complete(hello).text }
        let third = try await perRun.complete(hello).text
        #expect(first == second && second == third)
        let shared = try #require(pid_t(first))
        #expect(kill(shared, 0) == 0)  // still running between conversations
        await perRun.shutdown()
        #expect(await AgentFixture.isGone(shared))
    }

    @Test func manyConcurrentConversationsEachGetTheirOwnProcess() async throws {
        let script = #"n=0; while read line; do case "$line" in *'"turn"'*) n=$((n+1)); echo "{\"content\":\"$$ $n\"}";; esac; done"#
        let agent = AgentFixture.shellAgent(script)
        let replies = try await withThrowingTaskGroup(of: [String].self) { group in
            for index in 0..<24 {
                group.addTask {
                    try await agent.withConversation(id: "c\(index)") { model in
                        var texts: [String] = []
                        for _ in 0..<3 { texts.append(try await model.complete(hello).text) }
                        return texts
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.count == 24)
        // Each conversation saw one process answer turns 1, 2, 3; no two shared a process.
        let pids = replies.map { texts in texts.map { $0.split(separator: " ")[0] } }
        #expect(replies.allSatisfy { $0.map { $0.split(separator: " ")[1] } == ["1", "2", "3"] })
        #expect(pids.allSatisfy { Set($0).count == 1 })
        #expect(Set(pids.map { $0[0] }).count == 24)
        for pid in pids.compactMap({ pid_t($0[0]) }) { #expect(await AgentFixture.isGone(pid)) }
    }

    @Test func environmentWithholdsProviderKeysUnlessPassed() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENAI_API_KEY"] = "sk-open"
        environment["ANTHROPIC_API_KEY"] = "sk-ant"
        environment["AGENT_TEST_OTHER"] = "other"
        environment["PYTHONUNBUFFERED"] = nil
        let script = #"read line; echo "{\"content\":\"${OPENAI_API_KEY:-none}|${ANTHROPIC_API_KEY:-none}|${AGENT_TEST_OTHER:-none}|${PYTHONUNBUFFERED:-unset}\"}""#
        let withheld = try await AgentFixture.shellAgent(script, environment: environment).complete(hello).text
        #expect(withheld == "none|none|other|1")
        let passed = try await AgentFixture.shellAgent(script, environment: environment, pass: ["ANTHROPIC_API_KEY"]).complete(hello).text
        #expect(passed == "none|sk-ant|other|1")
        #expect(SubprocessAgent.withheldVariables == ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"])
    }

    @Test func aFailedProcessIsReplacedAtTheNextTurn() async throws {
        let folder = try AgentFixture.scratch()
        let mark = folder.appendingPathComponent("mark").path
        let script = #"if [ -e \#(mark) ]; then read line; echo '{"content":"second life"}'; else touch \#(mark); echo 'first life ends' >&2; exit 1; fi"#
        let agent = AgentFixture.shellAgent(script)
        let session = agent.openConversation(id: "c")
        await AgentFixture.expectAgentFailure(["exited with status 1", "first life ends", "turn 1"]) {
            _ = try await session.complete(hello)
        }
        #expect(try await session.complete(hello).text == "second life")
        await session.close()
        await AgentFixture.expectAgentFailure(["already closed"]) { _ = try await session.complete(hello) }
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: - Bad agents

    @Test func crashBeforeAnsweringReportsExitStatusAndStderr() async throws {
        let agent = AgentFixture.shellAgent("echo 'Traceback (most recent call last):' >&2; echo 'ValueError: boom' >&2; exit 3")
        await AgentFixture.expectAgentFailure([
            "subprocess agent 'test-agent'", "conversation crash", "turn 1", "exited with status 3", "ValueError: boom",
        ]) {
            try await agent.withConversation(id: "crash") { _ = try await $0.complete(hello) }
        }
    }

    @Test func missingCommandIsReported() async throws {
        let agent = AgentFixture.shellAgent("collabbench-no-such-agent-command --serve")
        await AgentFixture.expectAgentFailure(["exited with status 127", "not found"]) { _ = try await agent.complete(hello) }
    }

    @Test func hangingAgentTimesOutAndItsProcessGroupIsKilled() async throws {
        let folder = try AgentFixture.scratch()
        let pidFile = folder.appendingPathComponent("pids").path
        // The leader and a background child both hang.
        let agent = AgentFixture.shellAgent("read line; sleep 1000 & echo $$ > \(pidFile).tmp; echo $! >> \(pidFile).tmp; mv \(pidFile).tmp \(pidFile); wait", timeout: 1)
        await AgentFixture.expectAgentFailure(["no reply within 1 s", "killed"]) { _ = try await agent.complete(hello) }
        let pids = try await AgentFixture.pids(in: pidFile)
        try #require(pids.count == 2)
        #expect(await AgentFixture.isGone(pids[0]))
        #expect(await AgentFixture.isGone(pids[1], allowZombie: true))
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func agentThatNeverReadsALargeTurnTimesOutWithoutBlocking() async throws {
        let agent = AgentFixture.shellAgent("exec sleep 1000", timeout: 0.5)
        let big = ChatRequest(messages: [.user(String(repeating: "x", count: 3 << 20))])
        await AgentFixture.expectAgentFailure(["no reply within 0.5 s"]) { _ = try await agent.complete(big) }
    }

    @Test func garbageLineIsAProtocolError() async throws {
        let agent = AgentFixture.shellAgent("read line; echo 'Sure! Here is my answer.'")
        await AgentFixture.expectAgentFailure(["is not a reply", "Sure! Here is my answer."]) { _ = try await agent.complete(hello) }
        let noContent = AgentFixture.shellAgent(#"read line; echo '{"text":"wrong member"}'"#)
        await AgentFixture.expectAgentFailure(["is not a reply"]) { _ = try await noContent.complete(hello) }
    }

    @Test func reportedErrorIsPassedOn() async throws {
        let agent = AgentFixture.shellAgent(#"read line; echo '{"error":"model exploded"}'"#)
        await AgentFixture.expectAgentFailure(["reported an error: model exploded"]) { _ = try await agent.complete(hello) }
    }

    @Test func oversizedReplyIsCutOff() async throws {
        let agent = AgentFixture.shellAgent(#"read line; head -c 200000 /dev/zero | tr '\0' x; echo"#, maxReplyBytes: 1000)
        await AgentFixture.expectAgentFailure(["longer than 1000 bytes"]) { _ = try await agent.complete(hello) }
    }

    @Test func closingStdoutEndsTheTurnWithoutWaitingForTheTimeout() async throws {
        let agent = AgentFixture.shellAgent("exec >&-; read line; sleep 1000", timeout: 120)
        await AgentFixture.expectAgentFailure(["closed its stdout before answering"]) { _ = try await agent.complete(hello) }
    }

    @Test func stubbornAgentIsKilledWhenTheConversationCloses() async throws {
        let folder = try AgentFixture.scratch()
        let pidFile = folder.appendingPathComponent("pid").path
        // Ignores end of file and SIGTERM; only SIGKILL stops it.
        let script = #"trap '' TERM; read line; echo $$ > \#(pidFile); echo '{"content":"hi"}'; while :; do sleep 0.1; done"#
        let agent = AgentFixture.shellAgent(script, grace: 0.2)
        let text = try await agent.withConversation(id: "stubborn") { try await $0.complete(hello).text }
        #expect(text == "hi")
        let pid = try #require(try await AgentFixture.pids(in: pidFile).first)
        #expect(await AgentFixture.isGone(pid))
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func cancellingATurnKillsTheAgent() async throws {
        let folder = try AgentFixture.scratch()
        let pidFile = folder.appendingPathComponent("pid").path
        let agent = AgentFixture.shellAgent("read line; echo $$ > \(pidFile); exec sleep 1000", timeout: 600)
        let turn = Task { try await agent.complete(hello) }
        let pid = try #require(try await AgentFixture.pids(in: pidFile).first)
        turn.cancel()
        await #expect(throws: CancellationError.self) { _ = try await turn.value }
        #expect(await AgentFixture.isGone(pid))
        try? FileManager.default.removeItem(at: folder)
    }
}
