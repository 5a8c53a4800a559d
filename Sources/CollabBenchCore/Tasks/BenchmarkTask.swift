/// One task of a pack: what the simulated user wants, and what a good outcome looks like.
///
/// The agent under test only ever sees what the simulated user chooses to say; ``hiddenIntent``
/// and ``reference`` stay with the simulator and the scorer.
public struct BenchmarkTask: Sendable, Codable, Hashable, Identifiable {
    /// The dataset's own id (MATH `id`, BigCodeBench `task_id`, the article's `id`).
    public var id: String
    /// The single-turn prompt: the full, clear request a user could have sent in one message.
    public var prompt: String
    /// Everything the simulated user is told about its goal. Never shown to the agent.
    public var hiddenIntent: String
    /// What the outcome is scored against.
    public var reference: TaskReference
    /// Free-form provenance (dataset, level, subject, …); shown in reports, never in prompts.
    public var metadata: [String: String]

    /// Creates a task.
    public init(
        id: String, prompt: String, hiddenIntent: String, reference: TaskReference,
        metadata: [String: String] = [:]
    ) {
        self.id = id
        self.prompt = prompt
        self.hiddenIntent = hiddenIntent
        self.reference = reference
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case id, prompt, hiddenIntent = "hidden_intent", reference, metadata
    }

    /// Decodes a task; `metadata` may be omitted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        prompt = try c.decode(String.self, forKey: .prompt)
        hiddenIntent = try c.decode(String.self, forKey: .hiddenIntent)
        reference = try c.decode(TaskReference.self, forKey: .reference)
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }
}

/// The reference a task's outcome is scored against. Which fields matter depends on the pack's kind.
public struct TaskReference: Sendable, Codable, Hashable {
    /// Math: the full reference solution. Code: `code_prompt + canonical_solution`. Docs: the article.
    public var text: String
    /// Math: the final answer (content of the solution's last `\boxed{}`).
    public var answer: String?
    /// Code: the unittest module defining `TestCases`.
    public var test: String?
    /// Code: the function the program must define.
    public var entryPoint: String?
    /// Code: the imports and signature the program starts from.
    public var codePrompt: String?

    /// Creates a reference.
    public init(
        text: String, answer: String? = nil, test: String? = nil, entryPoint: String? = nil,
        codePrompt: String? = nil
    ) {
        self.text = text
        self.answer = answer
        self.test = test
        self.entryPoint = entryPoint
        self.codePrompt = codePrompt
    }

    enum CodingKeys: String, CodingKey {
        case text, answer, test, entryPoint = "entry_point", codePrompt = "code_prompt"
    }
}
