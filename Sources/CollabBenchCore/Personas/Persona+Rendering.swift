import Foundation

extension Persona {
    /// The persona as a block of the simulated user's hidden intent: who they are, in their own
    /// answers, preferences, knowledge and traits. Empty sections are left out.
    public var promptBlock: String {
        var lines = ["Who you are (play this person; the assistant cannot see this either):"]
        if !background.isEmpty {
            lines.append("Your own answers about what you want:")
            for fact in background { lines.append("- Q: \(fact.question)\n  A: \(fact.answer)") }
        }
        if !preferences.isEmpty {
            lines.append("Your preferences:")
            for fact in preferences { lines.append("- \(fact.name.map { "\($0): " } ?? "")\(fact.answer)") }
        }
        if !knowledge.isEmpty {
            lines.append("What you understand of the concepts involved (act accordingly):")
            for concept in knowledge { lines.append("- \(concept.concept): \(concept.status)") }
        }
        let shown = traits.keys.sorted().filter { !Self.bookkeepingTraits.contains($0) }
        if !shown.isEmpty {
            lines.append("Your traits:")
            for name in shown { lines.append("- \(name.replacingOccurrences(of: "_", with: " ")): \(traits[name] ?? "")") }
        }
        return lines.joined(separator: "\n")
    }

    /// Traits that describe where a persona came from, not how the person behaves (not shown to
    /// the simulated user, kept for `leaderboard --by`).
    static let bookkeepingTraits: Set<String> = ["source_model", "document_type", "problem"]

    /// `task` with this persona appended to its hidden intent (what the simulated user sees).
    public func applied(to task: BenchmarkTask) -> BenchmarkTask {
        var copy = task
        copy.hiddenIntent = task.hiddenIntent + "\n\n" + promptBlock
        return copy
    }
}
