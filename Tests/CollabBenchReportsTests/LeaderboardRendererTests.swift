import CollabBenchReports
import Testing

@Suite(.timeLimit(.minutes(5)))
struct TerminalTextTests {
    @Test func stripsControlSequences() {
        #expect(TerminalText.sanitize("ok\u{1B}[31mred\u{07}\nnext") == "ok [31mred  next")
    }
}
