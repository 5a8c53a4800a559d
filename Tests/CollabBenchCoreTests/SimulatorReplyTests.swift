import CollabBenchCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct SimulatorReplyTests {
    @Test func readsTheRequestedJSON() {
        let reply = SimulatorReply(parsing: #"{"thought": "be vague", "message": "hi, can u help with math?"}"#)
        #expect(reply.message == "hi, can u help with math?")
        #expect(reply.thought == "be vague")
        #expect(!reply.formatError)
    }

    @Test func findsJSONInsideProseAndAcceptsCollabLLMsResponseField() {
        let reply = SimulatorReply(parsing: "Sure!\n```json\n{\"response\": \"need a {poem}\"}\n```")
        #expect(reply.message == "need a {poem}")
        #expect(!reply.formatError)
    }

    @Test func salvagesTruncatedJSONAndFlagsIt() {
        let reply = SimulatorReply(parsing: #"{"thought": "x", "message": "I want a func\"tion that"#)
        #expect(reply.message == "I want a func\"tion that")
        #expect(reply.formatError)
    }

    @Test func usesRawTextWhenThereIsNoJSON() {
        let reply = SimulatorReply(parsing: "  just plain words  ")
        #expect(reply.message == "just plain words")
        #expect(reply.formatError)
    }
}
