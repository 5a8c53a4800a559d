import CollabBenchCore
import CollabBenchTestSupport
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ConversationEngineTests {
    let task = BenchmarkTask(
        id: "t1", prompt: "What is 2+2?", hiddenIntent: "SECRET-INTENT: what is 2+2",
        reference: TaskReference(text: "4", answer: "4"))

    func engine(agent: ScriptedChatModel, user: ScriptedChatModel, maxExchanges: Int = 3, system: String? = nil) throws -> ConversationEngine {
        ConversationEngine(
            agent: agent, simulator: user, prompts: try PromptLibrary.load(),
            settings: ConversationSettings(maxExchanges: maxExchanges, agentSampling: Sampling(temperature: 0.6, topP: 0.9), agentSystemPrompt: system))
    }

    @Test func userSpeaksFirstAndOnlyTheSimulatorSeesTheHiddenIntent() async throws {
        let user = ScriptedChatModel(replies: [#"{"thought":"t","message":"hey, math q"}"#, #"{"thought":"t","message":"thanks"}"#])
        let agent = ScriptedChatModel(replies: ["What is the question?", "It is 4."])
        let transcript = try await engine(agent: agent, user: user, maxExchanges: 2).run(task: task, kind: .math, seed: 1)
        #expect(transcript.turns.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(transcript.endReason == .maxExchanges)
        #expect(user.requests.first?.messages.first?.content.contains("SECRET-INTENT") == true)
        for request in agent.requests {
            #expect(!request.messages.contains { $0.content.contains("SECRET-INTENT") })
        }
        // The agent sees the conversation with the roles as they are.
        #expect(agent.requests[1].messages.map(\.role) == [.user, .assistant, .user])
        #expect(agent.requests[1].messages.map(\.content) == ["hey, math q", "What is the question?", "thanks"])
    }

    @Test func terminationMarkerEndsTheConversationAndIsKept() async throws {
        let user = ScriptedChatModel(replies: [#"{"thought":"","message":"help pls"}"#, #"{"thought":"","message":"great [[TERMINATE CHAT]]"}"#])
        let agent = ScriptedChatModel(replies: ["\\boxed{4}"])
        let transcript = try await engine(agent: agent, user: user, maxExchanges: 6).run(task: task, kind: .math, seed: 1)
        #expect(transcript.endReason == .userTerminated)
        #expect(transcript.turns.count == 3)
        #expect(transcript.turns.last?.text.contains("[[TERMINATE CHAT]]") == true)
        #expect(agent.requests.count == 1)
    }

    @Test func unreadableSimulatorReplyIsUsedRawAndRecorded() async throws {
        let user = ScriptedChatModel(replies: ["I need help with a sum"])
        let agent = ScriptedChatModel(replies: ["Sure."])
        let transcript = try await engine(agent: agent, user: user, maxExchanges: 1).run(task: task, kind: .math, seed: 1)
        #expect(transcript.turns[0].text == "I need help with a sum")
        #expect(transcript.turns[0].call.formatError)
        #expect(!transcript.turns[1].call.formatError)
    }

    @Test func agentSystemPromptIsSentFirst() async throws {
        let user = ScriptedChatModel(replies: [#"{"thought":"","message":"hi"}"#])
        let agent = ScriptedChatModel(replies: ["hello"])
        _ = try await engine(agent: agent, user: user, maxExchanges: 1, system: "Ask questions.").run(task: task, kind: .math, seed: 1)
        #expect(agent.requests[0].messages.first == .system("Ask questions."))
    }

    @Test func failedModelCallEndsTheConversationAsFailed() async throws {
        let user = ScriptedChatModel(replies: [#"{"thought":"","message":"hi"}"#])
        let agent = ScriptedChatModel(results: [.failure(CollabBenchError(.modelUnreachable, "down"))])
        let transcript = try await engine(agent: agent, user: user).run(task: task, kind: .math, seed: 1)
        #expect(transcript.endReason == .failed)
        #expect(transcript.failure?.contains("down") == true)
        #expect(transcript.turns.count == 1)
    }

    @Test func seedsAreDerivedDeterministically() async throws {
        let run = { () async throws -> [Int?] in
            let user = ScriptedChatModel(replies: [#"{"thought":"","message":"hi"}"#])
            let agent = ScriptedChatModel(replies: ["hello"])
            _ = try await self.engine(agent: agent, user: user, maxExchanges: 2).run(task: self.task, kind: .math, seed: 7)
            return user.requests.map(\.seed) + agent.requests.map(\.seed)
        }
        let first = try await run()
        #expect(first == (try await run()))
        #expect(Set(first.compactMap { $0 }).count == 4)
    }
}
