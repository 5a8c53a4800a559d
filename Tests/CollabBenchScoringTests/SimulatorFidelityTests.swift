import CollabBenchCore
import CollabBenchScoring
import Testing

@Suite(.timeLimit(.minutes(5)))
struct SimulatorFidelityTests {
    static func messages(_ pairs: [(ChatRole, String)]) -> [ChatMessage] { pairs.map { ChatMessage(role: $0.0, content: $0.1) } }
    static let longDraft = Array(repeating: "word", count: 120).joined(separator: " ")

    @Test func userStopBeforeAnyAnswerIsEarly() {
        let turns = Self.messages([(.user, "help with a sum"), (.assistant, "Which sum?"), (.user, "nvm [[TERMINATE CHAT]]")])
        for kind in TaskKind.allCases {
            #expect(SimulatorFidelity.isEarlyStop(turns: turns, endedByUser: true, kind: kind))
            #expect(!SimulatorFidelity.isEarlyStop(turns: turns, endedByUser: false, kind: kind))
        }
        #expect(SimulatorFidelity.isEarlyStop(turns: Self.messages([(.user, "bye [[TERMINATE CHAT]]")]), endedByUser: true, kind: .math))
    }

    @Test(arguments: [
        (TaskKind.math, "So the answer is $\\boxed{7}$."),
        (TaskKind.code, "Try this:\n```python\ndef f():\n    return 1\n```"),
        (TaskKind.code, "```\nx = 1"),
        (TaskKind.docs, SimulatorFidelityTests.longDraft),
    ])
    func anAnswerMeansNotEarly(kind: TaskKind, answer: String) {
        let turns = Self.messages([(.user, "hi"), (.assistant, answer), (.user, "thanks [[TERMINATE CHAT]]")])
        #expect(!SimulatorFidelity.isEarlyStop(turns: turns, endedByUser: true, kind: kind))
    }

    @Test func rulesAreKindSpecific() {
        #expect(!SimulatorFidelity.holdsAnswer("The answer is 7.", kind: .math))
        #expect(!SimulatorFidelity.holdsAnswer("Use `def f()` to define it.", kind: .code))
        #expect(!SimulatorFidelity.holdsAnswer("```python\n\n```", kind: .code))
        #expect(!SimulatorFidelity.holdsAnswer("A short reply with few words.", kind: .docs))
        #expect(!SimulatorFidelity.holdsAnswer("\\boxed{7}", kind: .code))
    }

    @Test func transcriptConvenienceUsesTheEndReason() {
        let call = CallRecord(model: "m", rawReply: "")
        let turns = [Turn(role: .user, text: "hi", call: call), Turn(role: .assistant, text: "What do you need?", call: call)]
        #expect(SimulatorFidelity.isEarlyStop(Transcript(turns: turns, endReason: .userTerminated), kind: .docs))
        #expect(!SimulatorFidelity.isEarlyStop(Transcript(turns: turns, endReason: .maxExchanges), kind: .docs))
        #expect(!SimulatorFidelity.isEarlyStop(Transcript(turns: turns, endReason: .agentTerminated), kind: .docs))
    }
}
