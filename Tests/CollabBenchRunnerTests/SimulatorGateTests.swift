import CollabBenchCore
import CollabBenchRunner
import Testing

/// The simulator gate's rules on scripted transcripts, one rule at a time, and what it records.
@Suite(.timeLimit(.minutes(5)))
struct SimulatorGateTests {
    static func turn(_ role: ChatRole, _ text: String, formatError: Bool = false) -> Turn {
        Turn(role: role, text: text, call: CallRecord(model: "m", rawReply: text, formatError: formatError))
    }

    static let draft = Array(repeating: "word", count: 120).joined(separator: " ")
    let gate = SimulatorGate(mode: .flag)

    @Test func aWellBehavedUserBreaksNoRule() {
        let t = Transcript(
            turns: [
                Self.turn(.user, "I need a short article"), Self.turn(.assistant, Self.draft), Self.turn(.user, "great [[TERMINATE CHAT]]"),
            ],
            endReason: .userTerminated)
        #expect(gate.reasons(t, kind: .docs, reference: "The reference article text is quite different from anything said.").isEmpty)
    }

    @Test func copyingTheReferenceIsALeak() {
        let reference = "Every team makes hundreds of small decisions a month and most of them vanish when the meeting ends."
        let t = Transcript(
            turns: [Self.turn(.user, "write this: " + reference), Self.turn(.assistant, Self.draft)], endReason: .maxExchanges)
        #expect(gate.reasons(t, kind: .docs, reference: reference) == [.leak])
    }

    @Test func answeringItsOwnRequestIsSelfAnswer() {
        let t = Transcript(
            turns: [Self.turn(.user, "what is 2+3? I think it is \\boxed{5}"), Self.turn(.assistant, "Yes: \\boxed{5}")],
            endReason: .maxExchanges)
        #expect(gate.reasons(t, kind: .math, reference: "The sum of two and three is five.") == [.selfAnswer])
        let code = Transcript(
            turns: [Self.turn(.user, "fix it:\n```python\nprint(1)\n```"), Self.turn(.assistant, "```python\nprint(2)\n```")],
            endReason: .maxExchanges)
        #expect(gate.reasons(code, kind: .code, reference: "def f(): pass") == [.selfAnswer])
    }

    @Test func stoppingBeforeAnyAnswerIsEarlyStop() {
        let t = Transcript(
            turns: [
                Self.turn(.user, "help"), Self.turn(.assistant, "What is it about?"), Self.turn(.user, "never mind [[TERMINATE CHAT]]"),
            ],
            endReason: .userTerminated)
        #expect(gate.reasons(t, kind: .math, reference: "42") == [.earlyStop])
    }

    @Test func mostlyMalformedRepliesAreFormatErrors() {
        let t = Transcript(
            turns: [
                Self.turn(.user, "a", formatError: true), Self.turn(.assistant, "\\boxed{1}"), Self.turn(.user, "b", formatError: true),
                Self.turn(.assistant, "\\boxed{1}"), Self.turn(.user, "c"),
            ], endReason: .maxExchanges)
        #expect(gate.reasons(t, kind: .math, reference: "42") == [.formatErrors])
        // One malformed reply of one is not "too many"; two of four is not more than half.
        let one = Transcript(
            turns: [Self.turn(.user, "a", formatError: true), Self.turn(.assistant, "\\boxed{1}")], endReason: .maxExchanges)
        #expect(gate.reasons(one, kind: .math, reference: "42").isEmpty)
    }

    @Test func failedConversationsAreNotGated() {
        let t = Transcript(turns: [Self.turn(.user, "\\boxed{5}")], endReason: .failed, failure: "agent down")
        #expect(gate.reasons(t, kind: .math, reference: "5").isEmpty)
    }

    @Test func whatEachModeRecords() {
        let flag = SimulatorGate(mode: .flag)
        #expect(flag.record(findings: [[]]) == nil)
        #expect(flag.record(findings: [[.leak]]) == GateFinding(outcome: .flagged, reasons: [.leak], attempts: 1))
        let rerun = SimulatorGate(mode: .rerun, reruns: 2)
        #expect(rerun.record(findings: [[.earlyStop], []]) == GateFinding(outcome: .rerun, reasons: [.earlyStop], attempts: 2))
        #expect(rerun.record(findings: [[.earlyStop], [.leak], [.leak]]) == GateFinding(outcome: .excluded, reasons: [.leak], attempts: 3))
        #expect(SimulatorGate(mode: .off).record(findings: [[.leak]]) == nil)
        // Re-run seeds are new and stable.
        let seeds = (0...3).map { SimulatorGate.rerunSeed(1234, attempt: $0) }
        #expect(seeds[0] == 1234)
        #expect(Set(seeds).count == 4)
        #expect(SimulatorGate.rerunSeed(1234, attempt: 2) == seeds[2])
    }
}
