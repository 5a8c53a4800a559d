import CollabBenchScoring
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ArtifactExtractorTests {
    @Test func finalAnswerIsTheNewestBoxed() {
        let texts = ["Maybe \\boxed{3}?", "Let me fix that: \\boxed{\\frac{1}{2}}", "Glad to help!"]
        #expect(ArtifactExtractor.finalAnswer(assistantTexts: texts) == "\\frac{1}{2}")
        #expect(ArtifactExtractor.finalAnswer(assistantTexts: ["no answer"]) == nil)
    }

    @Test func finalCodeIsTheLastPythonBlockOfTheNewestMessageWithOne() {
        let texts = [
            "```python\ndef old(): pass\n```",
            "Here:\n```bash\npip install x\n```\n```python\ndef task_func(x):\n    return x\n```\nand\n```\nprint(1)\n```",
            "Anything else?",
        ]
        #expect(ArtifactExtractor.finalCode(assistantTexts: texts) == "def task_func(x):\n    return x")
    }

    @Test func unclosedFenceRunsToTheEnd() {
        #expect(CodeFence.blocks(in: "```py\nx = 1\ny = 2").map(\.code) == ["x = 1\ny = 2"])
    }

    @Test func assemblyAddsThePromptWhenTheEntryPointIsMissingAndDropsMain() {
        let prompt = "import os\nfrom math import sqrt\ndef task_func(a):\n"
        #expect(ArtifactExtractor.assembleProgram(code: "    return a", codePrompt: prompt, entryPoint: "task_func") == prompt + "\n    return a")
        let code = "def task_func(a):\n    return sqrt(a)\n\nif __name__ == '__main__':\n    print(task_func(4))\nx = 1"
        #expect(ArtifactExtractor.assembleProgram(code: code, codePrompt: prompt, entryPoint: "task_func")
            == "import os\nfrom math import sqrt\ndef task_func(a):\n    return sqrt(a)\n\nx = 1")
    }

    @Test func finalDocumentSkipsAShortClosingMessage() {
        let article = String(repeating: "Sentence. ", count: 50)
        #expect(ArtifactExtractor.finalDocument(assistantTexts: ["What topic?", article, "Glad I could help!"]) == article)
        #expect(ArtifactExtractor.finalDocument(assistantTexts: []) == nil)
    }
}
