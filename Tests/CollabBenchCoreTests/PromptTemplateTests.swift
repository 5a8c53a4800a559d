import CollabBenchCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct PromptTemplateTests {
    @Test func fillsPlaceholders() throws {
        let t = PromptTemplate(name: "t", text: "Goal: {{ goal }}. Again: {{goal}}")
        #expect(try t.render(["goal": "x{{y}}"]) == "Goal: x{{y}}. Again: x{{y}}")
    }

    @Test func missingValueIsAnError() {
        let t = PromptTemplate(name: "t", text: "{{a}} {{b}}")
        #expect(throws: CollabBenchError.self) { try t.render(["a": "1"]) }
    }

    @Test func bundledLibraryHasEveryRequiredTemplateAndStableHashes() throws {
        let library = try PromptLibrary.load()
        for name in PromptLibrary.requiredNames {
            let template = try library.template(name)
            #expect(template.hash.count == 64)
        }
        #expect(try PromptLibrary.load().hashes == library.hashes)
    }
}
