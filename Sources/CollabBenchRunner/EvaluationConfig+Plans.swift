import CollabBenchCore

extension EvaluationConfig {
    /// Writes the config's run-wide settings (everything but packs and agents) into `plan`.
    ///
    /// A front end applies the config to the defaults first and its own explicit settings after,
    /// so that what the user gave explicitly wins.
    public func apply(to plan: inout RunPlan) {
        if let user { plan.user = user }
        if !judges.isEmpty { plan.judges = judges }
        if let p = protocolName.flatMap(RunPlan.ProtocolPreset.init(rawValue:)) { plan.protocolPreset = p }
        if let e = extractor.flatMap(ExtractorChoice.init(rawValue:)) { plan.extractor = e }
        if let trials { plan.trials = trials }
        if let seed { plan.seed = seed }
        if let concurrency { plan.concurrency = concurrency }
        if let limit { plan.limit = limit }
        if let maxExchanges { plan.maxExchanges = maxExchanges }
        if let judgeRepeats { plan.judgeRepeats = judgeRepeats }
        if let db { plan.store = db }
        if let c = cache.flatMap(CacheMode.init(rawValue:)) { plan.cache = c }
    }

    /// One plan per pack and agent, in that order (every agent of the first pack, then the next
    /// pack), each `base` with the pack and the agent's own settings.
    /// - Parameters:
    ///   - base: The settings every plan shares (the config applied, then explicit overrides).
    ///   - packs: Packs to run instead of the config's.
    ///   - agents: Agents to run instead of the config's.
    public func plans(from base: RunPlan, packs: [String]? = nil, agents: [AgentEntry]? = nil) -> [RunPlan] {
        let agentList = agents ?? self.agents
        return (packs ?? self.packs).flatMap { pack in
            agentList.map { entry in
                var plan = base
                plan.pack = pack
                entry.apply(to: &plan)
                return plan
            }
        }
    }
}

extension AgentEntry {
    /// Sets the plan's agent and this entry's own settings (name, preset, sampling).
    public func apply(to plan: inout RunPlan) {
        if let command {
            plan.agent = .command(command)
        } else if let spec = model ?? url {
            plan.agent = .model(spec)
        }
        if let name { plan.agentName = name }
        if let p = preset.flatMap(RunPlan.AgentPreset.init(rawValue:)) { plan.agentPreset = p }
        if let temperature { plan.agentTemperature = temperature }
        if let topP { plan.agentTopP = topP }
        if let maxTokens { plan.agentMaxTokens = maxTokens }
    }

    /// The entry's display label: its spec, URL or command.
    public var label: String { model ?? url ?? command ?? "?" }
}
