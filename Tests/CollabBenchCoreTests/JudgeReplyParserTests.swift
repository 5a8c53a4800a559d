import CollabBenchCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct JudgeReplyParserTests {
    @Test func readsJSONScore() {
        #expect(JudgeReplyParser.score(in: #"{"thought": "ok", "score": 3}"#, allowed: 1...3)?.score == 3)
    }

    @Test func readsPlainlyStatedScore() {
        #expect(JudgeReplyParser.score(in: "The assistant was fine.\nScore: 2", allowed: 1...3)?.score == 2)
        #expect(JudgeReplyParser.score(in: "**Rating**: 1.", allowed: 1...3)?.score == 1)
    }

    @Test(arguments: [#"{"score": 7}"#, "no number here", "Score: high", ""])
    func unreadableRepliesGiveNil(_ reply: String) {
        #expect(JudgeReplyParser.score(in: reply, allowed: 1...3) == nil)
    }
}
