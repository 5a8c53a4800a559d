import CollabBenchCore
import CollabBenchScoring
import CollabBenchTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ArtifactLLMExtractorTests {
    static func turn(_ role: ChatRole, _ text: String) -> Turn {
        Turn(role: role, text: text, call: CallRecord(model: role == .user ? "sim" : "agent", rawReply: text))
    }

    /// A reply as the extractor model would write it (JSON-encoded artefact).
    static func reply(_ artifact: String, thought: String = "from the last message") throws -> String {
        let object: JSONValue = .object(["thought": .string(thought), "final_artifact": .string(artifact)])
        return object.canonicalText
    }

    static let program = """
        import re

        def task_func(text):
            return re.findall(r"\\d+", text)
        """

    static let codeTranscript = Transcript(
        turns: [
            turn(.user, "need a func task_func(text) that grabs numbers"),
            turn(.assistant, "Here:\n```python\n\(program)\n\nif __name__ == \"__main__\":\n    print(task_func(\"a1b22\"))\n```\nAnything else?"),
            turn(.user, "thx [[TERMINATE CHAT]]"),
        ], endReason: .userTerminated)

    /// What a model following the paper's instruction returns: every double quote turned single.
    static let quirked = program.replacingOccurrences(of: "\"", with: "'")

    @Test func paperModeAsksForTheQuoteQuirkAndKeepsItsResult() async throws {
        let model = ScriptedChatModel(replies: [try Self.reply(Self.quirked)])
        let library = try PromptLibrary.load()
        let extraction = try await ArtifactLLMExtractor(model: model, prompts: library, mode: .paper)
            .extract(kind: .code, transcript: Self.codeTranscript, seed: 9)
        let prompt = model.requests[0].messages[0].content
        #expect(prompt.contains("Replace every double quotation mark"))
        #expect(prompt.contains("if __name__"))
        #expect(extraction.status == .scored)
        #expect(extraction.artifact == Self.quirked)
        #expect(extraction.quoteRestoration == .none)
        #expect(extraction.templateName == "extractor.code.paper")
        #expect(extraction.promptHash == (try library.template("extractor.code.paper")).hash)
        #expect(model.requests[0].sampling.temperature == 0)
    }

    @Test func faithfulModeNeverAsksForTheQuirkAndRestoresTheVerbatimBlock() async throws {
        let model = ScriptedChatModel(replies: [try Self.reply(Self.quirked)])
        let extraction = try await ArtifactLLMExtractor(model: model, prompts: try PromptLibrary.load())
            .extract(kind: .code, transcript: Self.codeTranscript, seed: 9)
        let prompt = model.requests[0].messages[0].content
        #expect(!prompt.contains("Replace every double quotation mark"))
        #expect(prompt.contains("verbatim"))
        #expect(extraction.mode == .faithful)
        #expect(extraction.status == .scored)
        #expect(extraction.artifact == Self.program)
        #expect(extraction.quoteRestoration == .verbatimBlock)
    }

    @Test func faithfulModeRestoresQuoteRewrittenLinesOfAMergedProgram() {
        let blocks = [
            "def f(x):\n    return \"it's \" + x",
            "def g(y):\n    return f(y) + \"!\"",
        ]
        let merged = "def f(x):\n    return 'it's ' + x\n\ndef g(y):\n    return f(y) + '!'"
        let (restored, how) = ArtifactLLMExtractor.restoreQuotes(in: merged, assistantBlocks: blocks)
        #expect(restored == "def f(x):\n    return \"it's \" + x\n\ndef g(y):\n    return f(y) + \"!\"")
        #expect(how == .lines(2))
    }

    @Test func faithfulModeLeavesAVerbatimProgramAlone() {
        let (same, how) = ArtifactLLMExtractor.restoreQuotes(in: Self.program, assistantBlocks: [Self.program])
        #expect(same == Self.program)
        #expect(how == .none)
        let changed = "def f():\n    return 2"
        #expect(ArtifactLLMExtractor.restoreQuotes(in: changed, assistantBlocks: ["def f():\n    return 1"]).1 == .none)
    }

    @Test func faithfulModeDropsTheMainBlock() async throws {
        let withMain = Self.program + "\n\nif __name__ == '__main__':\n    print(task_func('x'))\n"
        let model = ScriptedChatModel(replies: [try Self.reply(withMain)])
        let extraction = try await ArtifactLLMExtractor(model: model, prompts: try PromptLibrary.load())
            .extract(kind: .code, transcript: Self.codeTranscript, seed: 9)
        #expect(extraction.artifact == Self.program)
    }

    @Test func documentsInBothModes() async throws {
        let doc = "A \"quiet\" garden.\n\nSecond paragraph."
        let transcript = Transcript(
            turns: [Self.turn(.user, "write about gardens"), Self.turn(.assistant, "Draft:\n\n" + doc)], endReason: .maxExchanges)
        for mode in ArtifactLLMExtractor.Mode.allCases {
            let model = ScriptedChatModel(replies: [try Self.reply(doc)])
            let extraction = try await ArtifactLLMExtractor(model: model, prompts: try PromptLibrary.load(), mode: mode)
                .extract(kind: .docs, transcript: transcript, seed: 1)
            #expect(extraction.artifact == doc)
            #expect(extraction.templateName == "extractor.docs.\(mode.rawValue)")
            let prompt = model.requests[0].messages[0].content
            #expect(prompt.contains("Assistant: Draft:"))
            #expect(prompt.contains("Replace every double quotation mark") == (mode == .paper))
        }
    }

    @Test func unreadableRepliesBecomeUnscoredWithEveryCall() async throws {
        let replies = ["Sure! Here is the program.", #"{"thought": "cut off", "final_artifact": "def f(:"#, "no"]
        let model = ScriptedChatModel(replies: replies)
        let extraction = try await ArtifactLLMExtractor(model: model, prompts: try PromptLibrary.load(), maxAttempts: 3)
            .extract(kind: .code, transcript: Self.codeTranscript, seed: 9)
        #expect(extraction.status == .unscored)
        #expect(extraction.artifact == nil)
        #expect(extraction.calls.map(\.rawReply) == replies)
        #expect(extraction.calls.allSatisfy { $0.formatError })
        #expect(extraction.verdict.criterion == "extraction")
        #expect(extraction.verdict.status == .unscored)
        #expect(Set(model.requests.compactMap(\.seed)).count == 3)
    }

    @Test func noAssistantMessageNeedsNoCall() async throws {
        let model = ScriptedChatModel(replies: ["unused"])
        let transcript = Transcript(turns: [Self.turn(.user, "bye [[TERMINATE CHAT]]")], endReason: .userTerminated)
        let extraction = try await ArtifactLLMExtractor(model: model, prompts: try PromptLibrary.load())
            .extract(kind: .docs, transcript: transcript, seed: 1)
        #expect(extraction.artifact == "")
        #expect(extraction.status == .scored)
        #expect(extraction.calls.isEmpty)
        #expect(model.requests.isEmpty)
    }

    @Test func mathHasNoExtraction() async throws {
        let model = ScriptedChatModel(replies: ["unused"])
        await #expect(throws: CollabBenchError.self) {
            _ = try await ArtifactLLMExtractor(model: model, prompts: try PromptLibrary.load())
                .extract(kind: .math, transcript: Self.codeTranscript, seed: 1)
        }
    }

    @Test func repairsJSONWithRawNewlinesAndBadEscapes() {
        let raw = "{\"thought\": \"x\", \"final_artifact\": \"import re\ndef f(s):\n    return re.findall(r'\\d+', s)\"}"
        let parsed = ArtifactLLMExtractor.parseReply(raw)
        #expect(parsed?.artifact == "import re\ndef f(s):\n    return re.findall(r'\\d+', s)")
        #expect(parsed?.thought == "x")
    }

    @Test func unwrapsAFencedArtifact() async throws {
        let model = ScriptedChatModel(replies: [try Self.reply("```python\n" + Self.program + "\n```")])
        let extraction = try await ArtifactLLMExtractor(model: model, prompts: try PromptLibrary.load(), mode: .paper)
            .extract(kind: .code, transcript: Self.codeTranscript, seed: 9)
        #expect(extraction.artifact == Self.program)
    }

    @Test func dropMainBlockHandlesEitherQuoteAndKeepsLaterCode() {
        let code = "def f():\n    pass\nif __name__==\"__main__\":\n    f()\n\n    f()\nx = 1"
        #expect(MainBlockStripper.strip(code) == "def f():\n    pass\nx = 1")
    }
}
