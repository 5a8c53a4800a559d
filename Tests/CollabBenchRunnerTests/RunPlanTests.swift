import CollabBenchCore
import CollabBenchRunner
import Foundation
import Testing

/// The typed run plan: its validation names the wrong setting, a config expands into plans, and
/// the assembler resolves a plan into the configuration a run stores.
@Suite(.timeLimit(.minutes(5)))
struct RunPlanTests {
    static let agent = RunPlan.AgentSource.model("openai/m@http://127.0.0.1:9/v1")

    func setting(of plan: RunPlan) -> String? {
        do {
            try plan.validate()
            return nil
        } catch let error as CollabBenchError {
            return error.setting
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func defaultsAreValidAndThePapersWhereItMatters() throws {
        var plan = RunPlan(pack: "math", agent: Self.agent)
        try plan.validate()
        #expect(plan.concurrency == 4 && plan.seed == 42 && plan.judgeAttempts == 3 && plan.agentTopP == 0.9)
        #expect(plan.effectiveExtractor == .deterministic && !plan.judgesMathAccuracy)
        plan.protocolPreset = .collabllm
        #expect(plan.effectiveExtractor == .llmPaper && plan.judgesMathAccuracy)
        plan.extractor = .llm
        #expect(plan.effectiveExtractor == .llm)
    }

    @Test func eachWrongSettingIsNamed() {
        let base = RunPlan(pack: "math", agent: Self.agent)
        let cases: [(String, (inout RunPlan) -> Void)] = [
            ("concurrency", { $0.concurrency = -1 }),
            ("agentConcurrency", { $0.agentConcurrency = 0 }),
            ("agentTemperature", { $0.agentTemperature = .nan }),
            ("agentTemperature", { $0.agentTemperature = -1 }),
            ("agentTopP", { $0.agentTopP = 2 }),
            ("agentMaxTokens", { $0.agentMaxTokens = 0 }),
            ("judgeAttempts", { $0.judgeAttempts = 0 }),
            ("requestTimeoutSeconds", { $0.requestTimeoutSeconds = 0 }),
            ("budgetUSD", { $0.budgetUSD = -3 }),
            ("trials", { $0.trials = 0 }),
            ("pack", { $0.pack = " " }),
            ("user", { $0.agent = .command("python3 agent.py") }),
        ]
        for (name, change) in cases {
            var plan = base
            change(&plan)
            #expect(setting(of: plan) == name, "\(name)")
        }
    }

    @Test func aConfigExpandsIntoOnePlanPerPackAndAgentWithAgentSettingsWinning() throws {
        let (config, problems) = EvaluationConfig.parse(
            """
            packs: [math, docs]
            agents:
              - model: openai/a
                preset: proactive
                temperature: 0.1
              - command: python3 agent.py
                name: prog
            user: openai/u
            judges: [openai/j1, openai/j2]
            protocol: collabllm
            seed: 7
            cache: off
            """, file: "eval.yaml")
        #expect(problems.isEmpty, "\(problems)")
        var base = RunPlan.defaults
        try #require(config).apply(to: &base)
        base.concurrency = 9  // an explicit setting applied after the config
        let plans = try #require(config).plans(from: base)
        #expect(plans.map(\.pack) == ["math", "math", "docs", "docs"])
        #expect(plans.map(\.agent) == [.model("openai/a"), .command("python3 agent.py"), .model("openai/a"), .command("python3 agent.py")])
        #expect(plans[0].agentPreset == .proactive && plans[0].agentTemperature == 0.1)
        #expect(plans[1].agentPreset == .base && plans[1].agentName == "prog")
        for plan in plans {
            #expect(plan.user == "openai/u" && plan.judges == ["openai/j1", "openai/j2"])
            #expect(plan.protocolPreset == .collabllm && plan.seed == 7 && plan.cache == .off && plan.concurrency == 9)
            try plan.validate()
        }
        // Packs and agents given explicitly replace the config's.
        let only = try #require(config).plans(from: base, packs: ["code"], agents: [AgentEntry(model: "openai/b")])
        #expect(only.map(\.pack) == ["code"] && only.map(\.agent) == [.model("openai/b")])
    }

    @Test func preparingResolvesTheStoredConfigurationWithoutCallingAnything() throws {
        var plan = RunPlan(pack: "math", agent: Self.agent)
        plan.protocolPreset = .collabllm
        plan.judges = ["openai/j1@http://127.0.0.1:9/v1", "openai/j2@http://127.0.0.1:9/v1"]
        plan.limit = 2
        let prepared = try RunAssembler(plan: plan, workingDirectory: Self.root).prepare()
        let c = prepared.configuration
        #expect(c.protocolName == "collabllm" && c.extractor == .llmPaper && c.judgedAccuracy)
        #expect(c.judge.model == "j1" && c.additionalJudges.map(\.model) == ["j2"] && c.userSimulator == c.agent)
        #expect(c.conversation.agentSampling.temperature == 0.6 && c.conversation.maxExchanges == prepared.pack.maxExchanges)
        #expect(prepared.calledSpecs.map(\.model) == ["m", "j1", "j2"])
        #expect(!prepared.usesLLMExtractor)  // math takes no extraction
        #expect(prepared.dryRunEstimate().conversations == 2)
        // The same plan prepared twice is the same run (it would be resumed, not duplicated).
        #expect(try RunAssembler(plan: plan, workingDirectory: Self.root).prepare().configuration.identityHash() == c.identityHash())
    }

    @Test func preparingRefusesWhatCannotRun() throws {
        var budget = RunPlan(pack: "math", agent: .model("openai/unknown-model"))
        budget.budgetUSD = 5
        let error = try #require(throws: CollabBenchError.self) { try RunAssembler(plan: budget, workingDirectory: Self.root).prepare() }
        #expect(error.setting == "budgetUSD" && error.model == "openai/unknown-model")
        #expect(error.worded(setting: "--budget") == "--budget 5.0: no price for openai/unknown-model; add it in a pricing file")

        var prompt = RunPlan(pack: "math", agent: Self.agent)
        prompt.agentSystemPromptFile = "/nonexistent/system.txt"
        let missing = try #require(throws: CollabBenchError.self) { try RunAssembler(plan: prompt, workingDirectory: Self.root).prepare() }
        #expect(missing.code == .missingFile && missing.file == "/nonexistent/system.txt")
    }

    /// The checkout's root (its `Tasks/` holds the built-in packs).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
