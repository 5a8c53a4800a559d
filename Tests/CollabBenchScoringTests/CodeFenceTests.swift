import CollabBenchCore
import CollabBenchScoring
import Testing

/// The one fence reader, including the inputs where the three readers it replaces disagreed.
@Suite(.timeLimit(.minutes(5)))
struct CodeFenceTests {
    @Test func blocksKeepTheirLanguageAndOrder() {
        let text = "Intro\n```Python extra words\na = 1\n```\nmiddle\n  ```\nb = 2\n\n  ```\n```bash\nls\n```"
        #expect(
            CodeFence.blocks(in: text) == [
                CodeFence(language: "python", code: "a = 1"),
                CodeFence(language: "", code: "b = 2\n"),
                CodeFence(language: "bash", code: "ls"),
            ])
    }

    @Test func unclosedFinalFenceRunsToTheEndOnlyWithALineAfterIt() {
        #expect(CodeFence.blocks(in: "```py\nx = 1\ny = 2") == [CodeFence(language: "py", code: "x = 1\ny = 2")])
        #expect(CodeFence.blocks(in: "text\n```python").isEmpty)
        // A blank line after the fence is a line: the block exists but holds no code.
        #expect(CodeFence.blocks(in: "```python\n") == [CodeFence(language: "python", code: "")])
        #expect(!CodeFence.containsCode("```python\n"))
    }

    @Test func containsCodeNeedsANonBlankLineInsideAFence() {
        #expect(CodeFence.containsCode("Try this:\n```python\ndef f():\n    return 1\n```"))
        #expect(CodeFence.containsCode("```\nx = 1"))
        #expect(!CodeFence.containsCode("```python\n\n   \n```"))
        #expect(!CodeFence.containsCode("Use `def f()` to define it."))
        #expect(!CodeFence.containsCode("no fences at all\n\nx = 1"))
    }

    /// The early-stop rule used to trim only spaces and tabs before a fence; the extractors trimmed
    /// every Unicode space separator. All three now read a fence after a no-break space alike.
    @Test func aFenceAfterANoBreakSpaceIsAFenceForEveryReader() {
        let text = "\u{00A0}```python\nx = 1\n\u{00A0}```"
        #expect(CodeFence.blocks(in: text) == [CodeFence(language: "python", code: "x = 1")])
        #expect(CodeFence.containsCode(text))
        #expect(SimulatorFidelity.holdsAnswer(text, kind: .code))
        #expect(ArtifactExtractor.finalCode(assistantTexts: [text]) == "x = 1")
    }

    @Test func unwrappedTakesTheInsideOfOneWholeFence() {
        #expect(CodeFence.unwrapped("  ```python\ndef f():\n    return 1\n```\n") == "def f():\n    return 1")
        // Not one whole fence: unchanged.
        #expect(CodeFence.unwrapped("Here:\n```\nx\n```") == "Here:\n```\nx\n```")
        #expect(CodeFence.unwrapped("```\na\n```\n```\nb\n```") == "```\na\n```\n```\nb\n```")
        #expect(CodeFence.unwrapped("```") == "```")
        #expect(CodeFence.unwrapped("``````") == "``````")
        #expect(CodeFence.unwrapped("plain text") == "plain text")
    }
}
