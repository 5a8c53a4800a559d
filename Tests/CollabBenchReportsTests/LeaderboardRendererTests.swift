import CollabBenchReports
import Testing

struct TerminalTextTests {
    @Test func stripsControlSequences() {
        #expect(TerminalText.sanitize("ok\u{1B}[31mred\u{07}\nnext") == "ok [31mred  next")
    }
}
