import CollabBenchCore
import Foundation
import Yams

/// One agent of an evaluation config: a model, a service URL, or a program.
public struct AgentEntry: Sendable, Hashable {
    /// `provider/model[@base_url]`, or nil.
    public var model: String?
    /// Base URL of a service speaking OpenAI Chat Completions, or nil.
    public var url: String?
    /// A command speaking the JSON-lines agent protocol, or nil.
    public var command: String?
    /// Display name (for URLs and commands).
    public var name: String?
    /// `base` or `proactive`.
    public var preset: String?
    /// Sampling overrides.
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?

    /// Creates an entry.
    public init(model: String? = nil, url: String? = nil, command: String? = nil, name: String? = nil, preset: String? = nil) {
        self.model = model
        self.url = url
        self.command = command
        self.name = name
        self.preset = preset
    }
}

/// An evaluation described in a YAML file (`collabbench run --config eval.yaml`): models and roles,
/// packs, protocol, trials, seeds, concurrency. Every agent runs every pack with the same
/// simulated user and judges, so they share an evaluation profile.
///
/// ```yaml
/// packs: [math, code]
/// agents:
///   - model: openai/gpt-4o-mini
///     preset: proactive
///   - url: http://localhost:8000/v1
///     name: team-service
///   - command: python3 examples/agents/echo_agent.py
///     name: echo
/// user: openai/gpt-4o-mini
/// judges: [openai/gpt-4o]
/// protocol: collabllm
/// trials: 1
/// seed: 42
/// concurrency: 8
/// limit: 20
/// db: Results/eval.sqlite
/// ```
public struct EvaluationConfig: Sendable, Hashable {
    public var packs: [String] = []
    public var agents: [AgentEntry] = []
    public var user: String?
    public var judges: [String] = []
    public var protocolName: String?
    public var extractor: String?
    public var trials: Int?
    public var seed: Int?
    public var concurrency: Int?
    public var limit: Int?
    public var maxExchanges: Int?
    public var judgeRepeats: Int?
    public var db: String?
    public var cache: String?

    /// An empty config: no packs, no agents, no settings.
    public init() {}

    /// A problem in a config file, with its line.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var file: String
        public var line: Int?
        public var message: String
        public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }

        /// Creates a problem.
        public init(file: String, line: Int?, message: String) {
            self.file = file
            self.line = line
            self.message = message
        }
    }

    /// Reads and checks a config file: every problem is reported with file and line.
    /// - Returns: The config (nil when it could not be read) and the problems found.
    public static func load(path: String) -> (EvaluationConfig?, [Problem]) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return (nil, [Problem(file: path, line: nil, message: "cannot read the config file")])
        }
        return parse(text, file: path)
    }

    /// Parses config text.
    public static func parse(_ text: String, file: String) -> (EvaluationConfig?, [Problem]) {
        var problems: [Problem] = []
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return (nil, [Problem(file: file, line: Self.line(of: error), message: "not valid YAML: \(Self.oneLine(error))")])
        } catch {
            return (nil, [Problem(file: file, line: nil, message: "not valid YAML: \(error)")])
        }
        guard let mapping = root?.mapping else {
            return (nil, [Problem(file: file, line: root?.mark?.line, message: "the config must be a mapping of settings")])
        }
        var config = EvaluationConfig()
        func problem(_ node: Node, _ message: String) { problems.append(Problem(file: file, line: node.mark?.line, message: message)) }
        func string(_ node: Node, _ key: String) -> String? {
            guard case .scalar = node, let s = node.string, !s.isEmpty else { problem(node, "'\(key)' must be a string"); return nil }
            return s
        }
        func int(_ node: Node, _ key: String, min: Int) -> Int? {
            guard let v = node.int, v >= min else { problem(node, "'\(key)' must be a whole number of at least \(min)"); return nil }
            return v
        }
        func strings(_ node: Node, _ key: String) -> [String] {
            if let seq = node.sequence { return seq.compactMap { string($0, key) } }
            return string(node, key).map { [$0] } ?? []
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { problem(keyNode, "setting names must be strings"); continue }
            switch key {
            case "pack", "packs": config.packs += strings(value, key)
            case "agent", "agents":
                let items = value.sequence.map(Array.init) ?? [value]
                for item in items { if let agent = Self.agent(item, problem: problem) { config.agents.append(agent) } }
            case "user": config.user = string(value, key)
            case "judge", "judges": config.judges += strings(value, key)
            case "protocol":
                config.protocolName = string(value, key)
                if let p = config.protocolName, !["default", "collabllm"].contains(p) { problem(value, "'protocol' must be default or collabllm") }
            case "extractor":
                config.extractor = string(value, key)
                if let e = config.extractor, ExtractorChoice(rawValue: e) == nil { problem(value, "'extractor' must be deterministic, llm or llm-paper") }
            case "trials": config.trials = int(value, key, min: 1)
            case "seed": config.seed = int(value, key, min: 0)
            case "concurrency": config.concurrency = int(value, key, min: 1)
            case "limit": config.limit = int(value, key, min: 1)
            case "max_exchanges": config.maxExchanges = int(value, key, min: 1)
            case "judge_repeats": config.judgeRepeats = int(value, key, min: 1)
            case "db": config.db = string(value, key)
            case "cache":
                config.cache = string(value, key)
                if let c = config.cache, CacheMode(rawValue: c) == nil { problem(value, "'cache' must be read-write, read-only or off") }
            default:
                problem(keyNode, "unknown setting '\(key)' (known: packs, agents, user, judges, protocol, extractor, trials, seed, concurrency, limit, max_exchanges, judge_repeats, db, cache)")
            }
        }
        if config.packs.isEmpty { problems.append(Problem(file: file, line: root?.mark?.line, message: "no 'packs' given")) }
        if config.agents.isEmpty { problems.append(Problem(file: file, line: root?.mark?.line, message: "no 'agents' given")) }
        for spec in [config.user].compactMap({ $0 }) + config.judges {
            if (try? ModelSpec(parsing: spec)) == nil {
                problems.append(Problem(file: file, line: Self.lineOf(spec, in: text), message: "'\(spec)' is not a model spec (provider/model[@base_url])"))
            }
        }
        if config.agents.contains(where: { $0.command != nil }) && config.user == nil {
            problems.append(Problem(file: file, line: nil, message: "an agent given as a command needs 'user' (the simulated user must be a model)"))
        }
        return (config, problems)
    }

    private static func agent(_ node: Node, problem: (Node, String) -> Void) -> AgentEntry? {
        if case .scalar = node, let s = node.string {
            guard (try? ModelSpec.agentSpec(parsing: s)) != nil else { problem(node, "'\(s)' is neither a model spec nor an http(s) URL"); return nil }
            return s.hasPrefix("http") ? AgentEntry(url: s) : AgentEntry(model: s)
        }
        guard let m = node.mapping else { problem(node, "an agent is a model spec or a mapping with model, url or command"); return nil }
        var entry = AgentEntry()
        for (k, v) in m {
            switch k.string ?? "" {
            case "model": entry.model = v.string
            case "url": entry.url = v.string
            case "command": entry.command = v.string
            case "name": entry.name = v.string
            case "preset":
                entry.preset = v.string
                if !["base", "proactive"].contains(entry.preset ?? "") { problem(v, "'preset' must be base or proactive") }
            case "temperature": entry.temperature = v.float ?? v.int.map(Double.init)
            case "top_p": entry.topP = v.float ?? v.int.map(Double.init)
            case "max_tokens": entry.maxTokens = v.int
            default: problem(k, "unknown agent setting '\(k.string ?? "?")' (known: model, url, command, name, preset, temperature, top_p, max_tokens)")
            }
        }
        let kinds = [entry.model, entry.url, entry.command].compactMap { $0 }.count
        if kinds != 1 { problem(node, "an agent needs exactly one of model, url or command"); return nil }
        if let model = entry.model, (try? ModelSpec(parsing: model)) == nil { problem(node, "'\(model)' is not a model spec (provider/model[@base_url])"); return nil }
        if let url = entry.url, (try? ModelSpec.agentSpec(parsing: url, name: entry.name)) == nil { problem(node, "'\(url)' is not a usable agent URL"); return nil }
        return entry
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func oneLine(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }

    private static func lineOf(_ needle: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }
}
