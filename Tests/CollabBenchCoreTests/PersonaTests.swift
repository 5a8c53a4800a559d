import CollabBenchCore
import Foundation
import Testing

/// Persona sampling (deterministic per run seed, task and trial) and rendering into the hidden intent.
@Suite(.timeLimit(.minutes(5)))
struct PersonaTests {
    static let people = (1...5).map { i in
        Persona(
            id: "p\(i)", background: [PersonaFact(question: "Q\(i)?", answer: "A\(i)")],
            traits: ["team": i.isMultiple(of: 2) ? "large" : "small"])
    }

    @Test func samplingIsDeterministicAndSpreadsOverThePopulation() throws {
        let population = try PersonaPopulation(
            name: "test", personas: Self.people, traitSpace: PersonaTraitSpace(traits: ["expertise": ["novice", "expert"], "empty": []]))
        let a = population.persona(runSeed: 42, taskID: "t1", trial: 1)
        #expect(population.persona(runSeed: 42, taskID: "t1", trial: 1) == a)
        #expect(a.traits["expertise"] != nil)
        #expect(a.traits["empty"] == nil)
        let drawn = Set((0..<40).map { population.persona(runSeed: 42, taskID: "t\($0)", trial: 1).id })
        #expect(drawn.count == 5)
        let otherSeed = (0..<40).map { population.persona(runSeed: 7, taskID: "t\($0)", trial: 1).id }
        #expect(otherSeed != (0..<40).map { population.persona(runSeed: 42, taskID: "t\($0)", trial: 1).id })
    }

    @Test func aSourcesOwnTraitWinsOverASyntheticOne() throws {
        let population = try PersonaPopulation(
            name: "t", personas: Self.people, traitSpace: PersonaTraitSpace(traits: ["team": ["medium"]]))
        let p = population.persona(runSeed: 1, taskID: "x", trial: 1)
        #expect(p.traits["team"] == "large" || p.traits["team"] == "small")
    }

    @Test func theSourceHashChangesWithThePeopleAndTheTraits() throws {
        let a = try PersonaPopulation(name: "t", personas: Self.people).source
        let b = try PersonaPopulation(name: "t", personas: Array(Self.people.dropLast())).source
        let c = try PersonaPopulation(name: "t", personas: Self.people, traitSpace: PersonaTraitSpace(traits: ["x": ["1"]])).source
        #expect(a.contentHash != b.contentHash)
        #expect(a.count == 5 && b.count == 4)
        #expect(a.traitsHash == nil && c.traitsHash != nil)
        #expect(try PersonaPopulation(name: "t", personas: Self.people).source == a)
    }

    @Test func emptyOrDuplicatePopulationsAreRefused() {
        #expect(throws: CollabBenchError.self) { try PersonaPopulation(name: "t", personas: []) }
        #expect(throws: CollabBenchError.self) { try PersonaPopulation(name: "t", personas: [Self.people[0], Self.people[0]]) }
    }

    @Test func theBlockHoldsAnswersPreferencesKnowledgeAndTraits() {
        let p = Persona(
            id: "w", background: [PersonaFact(question: "Who is it for?", answer: "My sister")],
            preferences: [PersonaFact(name: "Tone", question: "Formal?", answer: "Casual")],
            knowledge: [PersonaConcept(concept: "Factoring", status: "Struggling")],
            traits: ["expertise": "novice", "typo_rate": "0.05", "document_type": "email"])
        let task = BenchmarkTask(id: "t", prompt: "p", hiddenIntent: "Write an email.", reference: TaskReference(text: "r"))
        let applied = p.applied(to: task)
        #expect(applied.hiddenIntent.hasPrefix("Write an email.\n\nWho you are"))
        #expect(applied.hiddenIntent.contains("- Q: Who is it for?\n  A: My sister"))
        #expect(applied.hiddenIntent.contains("- Tone: Casual"))
        #expect(applied.hiddenIntent.contains("- Factoring: Struggling"))
        #expect(applied.hiddenIntent.contains("- typo rate: 0.05"))
        #expect(!applied.hiddenIntent.contains("document_type"), "bookkeeping traits are not shown")
        #expect(applied.prompt == task.prompt && applied.reference == task.reference)
        #expect(!Persona(id: "empty").promptBlock.contains("Your"))
    }

    @Test func personaFilesDecodeWithOnlyAnID() throws {
        let decoded = try JSONDecoder().decode([Persona].self, from: Data(#"[{"id":"a"}]"#.utf8))
        #expect(decoded == [Persona(id: "a")])
    }
}
