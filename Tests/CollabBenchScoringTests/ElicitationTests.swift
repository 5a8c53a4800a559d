import CollabBenchCore
import CollabBenchScoring
import Testing

/// The elicitation rule on scripted conversations: asked for, volunteered, never came up.
@Suite(.timeLimit(.minutes(5)))
struct ElicitationTests {
    static func turn(_ role: ChatRole, _ text: String) -> Turn {
        Turn(role: role, text: text, call: CallRecord(model: "m", rawReply: text))
    }

    static let facts = [
        PersonaFact(question: "Who is the letter addressed to?", answer: "My neighbour Margaret Jones"),
        PersonaFact(question: "What happened that needs an apology?", answer: "My dog trampled her tulip garden"),
        PersonaFact(question: "What tone do you want?", answer: "Warm and humble, slightly humorous"),
    ]

    @Test func eachFactIsAskedVolunteeredOrNeverCameUp() {
        let transcript = Transcript(
            turns: [
                Self.turn(.user, "I need an apology letter. My dog trampled her tulip garden yesterday."),
                Self.turn(.assistant, "Sorry to hear that. Who is the letter addressed to? Is it a neighbour?"),
                Self.turn(.user, "My neighbour, Margaret Jones."),
                Self.turn(.assistant, "Here is a draft. Dear Margaret, ..."),
                Self.turn(.user, "thanks [[TERMINATE CHAT]]"),
            ], endReason: .userTerminated)
        let m = ElicitationMeasure(facts: Self.facts, transcript: transcript)
        #expect(m.asked == 1)
        #expect(m.volunteered == 1)
        #expect(m.never == 1)
        #expect(m.revealedAt == [2, 1, nil])
        #expect(m.rate == 1.0 / 3)
        #expect(m.revealedShare(byUserMessage: 1) == 1.0 / 3)
        #expect(m.revealedShare(byUserMessage: 3) == 2.0 / 3)
        #expect(m.entry.metric == "elicitation")
        #expect(m.entry.detail == "asked 1, volunteered 1, never came up 1 of 3 facts")
    }

    @Test func aQuestionAfterTheRevealDoesNotCount() {
        let transcript = Transcript(
            turns: [
                Self.turn(.user, "Write to my neighbour Margaret Jones"),
                Self.turn(.assistant, "Who is the letter addressed to, Margaret Jones?"),
            ], endReason: .maxExchanges)
        let m = ElicitationMeasure(facts: [Self.facts[0]], transcript: transcript)
        #expect(m.asked == 0 && m.volunteered == 1)
    }

    @Test func noFactsIsUnscoredNotZero() {
        let m = ElicitationMeasure(facts: [], transcript: Transcript(turns: [], endReason: .maxExchanges))
        #expect(m.rate == nil)
        #expect(m.entry.status == .unscored)
        #expect(m.revealedShare(byUserMessage: 1) == nil)
    }

    @Test func contentTokensDropShortAndFunctionWords() {
        #expect(ElicitationMeasure.contentTokens("What is THE tone, you want? Warm!") == ["tone", "warm"])
    }
}
