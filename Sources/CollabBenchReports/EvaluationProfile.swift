import CollabBenchCore
import CollabBenchStore
import Foundation

/// Everything that must be equal for two runs' scores to be ranked together: the task pack (name,
/// version, content hash) and the task ids, the simulated user (model, prompts, sampling), the
/// judge (model, prompts, settings), the protocol and the metric settings.
///
/// It is read from the pinned configuration stored with each run (`runs.config_json`). Every
/// setting there is part of the profile except what describes the agent under test (any key
/// starting with `agent`, and the `agent.*` prompts), what does not change results (`name`,
/// `seed`, `limit`, `trials`, `concurrency`, `shard`, `collabbenchVersion`), the guidance prompts
/// of other task kinds, and the base URLs of model specs (a server address says where a model
/// runs, not which model it is; the local demo uses a new port every time). Settings added to the
/// configuration later join the profile by themselves.
///
/// A *human run* (its user role is a person: `human/study`, `human/simulatorarena`) has no
/// simulated user, so the user role does not count when it is matched with the profile of
/// simulated runs: ``admitsHumanRun(_:)`` lets a study join the board of simulated runs of the same
/// pack, tasks, judge, protocol and metric settings. Prompts used only by `calibrate judge`
/// (``calibrationOnlyPrompts``) are never part of a profile: no run's scores depend on them.
public struct EvaluationProfile: Sendable, Hashable, Codable {
    /// Pack name, version, kind and content hash.
    public var packName: String
    public var packVersion: String
    public var packKind: TaskKind
    public var packHash: String
    /// The tasks the runs hold conversations for, sorted.
    public var taskIDs: [String]
    /// The other settings, flattened: dotted path → canonical JSON text of the value.
    public var settings: [String: String]
    /// A short stable id: the first 12 hex digits of the SHA-256 of the canonical profile.
    public var id: String

    /// Creates a profile; ``id`` is computed.
    public init(packName: String, packVersion: String, packKind: TaskKind, packHash: String, taskIDs: [String], settings: [String: String]) {
        self.packName = packName
        self.packVersion = packVersion
        self.packKind = packKind
        self.packHash = packHash
        self.taskIDs = taskIDs.sorted()
        self.settings = settings
        var canonical = "pack=\(packName)\u{1F}\(packVersion)\u{1F}\(packKind.rawValue)\u{1F}\(packHash)\n"
        canonical += "tasks=" + self.taskIDs.joined(separator: "\u{1F}") + "\n"
        for key in settings.keys.sorted() { canonical += "\(key)=\(settings[key] ?? "")\n" }
        id = String(StableHash.sha256(canonical).prefix(12))
    }

    /// The profile of `run`, whose conversations cover `taskIDs`.
    public init(run: RunRecord, taskIDs: some Sequence<String>) {
        let unique = Array(Set(taskIDs))
        self.init(
            packName: run.packName, packVersion: run.packVersion, packKind: run.packKind, packHash: run.packHash,
            taskIDs: unique, settings: Self.settings(configJSON: run.configJSON, run: run))
    }

    // MARK: - Reading the configuration

    private static let excludedTopLevel: Set<String> = [
        "name", "seed", "limit", "trials", "concurrency", "shard", "collabbenchVersion", "packName", "packVersion", "packHash",
    ]

    /// The profile's settings from a stored configuration; falls back to the run's columns when
    /// the JSON cannot be read.
    static func settings(configJSON: String, run: RunRecord) -> [String: String] {
        guard case .object(let root)? = try? JSONValue.parse(configJSON) else {
            return [
                "userSimulator": JSONValue.string(Self.specWithoutURL(run.userSimulator)).canonicalText,
                "judge": JSONValue.string(Self.specWithoutURL(run.judge)).canonicalText,
            ]
        }
        var out: [String: String] = [:]
        for (key, value) in root where !excludedTopLevel.contains(key) && !key.lowercased().hasPrefix("agent") {
            if key == "promptHashes", case .object(let prompts) = value {
                for (name, hash) in prompts where includesPrompt(name, kind: run.packKind) {
                    out["promptHashes.\(name)"] = hash.canonicalText
                }
            } else {
                out.merge(flattened(value, path: key)) { $1 }
            }
        }
        return out
    }

    /// Prompt templates only `calibrate judge` uses (a run records every template's hash).
    public static let calibrationOnlyPrompts: Set<String> = ["judge.document-quality"]

    private static func includesPrompt(_ name: String, kind: TaskKind) -> Bool {
        if name.hasPrefix("agent.") || calibrationOnlyPrompts.contains(name) { return false }
        let guidance = "user-simulator.guidance."
        if name.hasPrefix(guidance) { return name == guidance + kind.rawValue }
        return true
    }

    /// The leaves of a setting by dotted path, as canonical JSON: members describing the agent are
    /// left out, and a model spec is one value, written without its base URL.
    private static func flattened(_ value: JSONValue, path: String) -> [String: String] {
        value.flattened(prefix: path, skipping: { $0.lowercased().hasPrefix("agent") }) { object in
            guard case .string(let provider)? = object["provider"], case .string(let model)? = object["model"] else { return nil }
            return .string("\(provider)/\(model)")
        }.mapValues(\.canonicalText)
    }

    private static func specWithoutURL(_ spec: String) -> String {
        spec.split(separator: "@", maxSplits: 1).first.map(String.init) ?? spec
    }

    // MARK: - Human runs

    /// Whether a user role is a person (`human/…`) rather than a simulated user.
    public static func isHumanUser(_ userSimulator: String) -> Bool { userSimulator.hasPrefix("human/") }

    /// Whether a flattened setting describes the user role: the simulated user's model, sampling,
    /// prompts, personas and re-runs. A human run's profile is matched without them.
    public static func isUserRoleSetting(_ key: String) -> Bool {
        key == "userSimulator" || key.hasPrefix("conversation.simulatorSampling.") || key.hasPrefix("promptHashes.user-simulator.")
            || key.hasPrefix("personas") || key.hasPrefix("simulatorReruns")
    }

    /// Whether the profile `human` of a human run belongs on this profile's board: same pack
    /// (name, version, kind, content hash), its tasks among this profile's tasks, and every
    /// setting equal once the user role is left out on both sides.
    public func admitsHumanRun(_ human: EvaluationProfile) -> Bool {
        guard packName == human.packName, packVersion == human.packVersion, packKind == human.packKind, packHash == human.packHash else {
            return false
        }
        guard Set(human.taskIDs).isSubset(of: taskIDs) else { return false }
        return settings.filter { !Self.isUserRoleSetting($0.key) } == human.settings.filter { !Self.isUserRoleSetting($0.key) }
    }

    /// What identifies the judge's interactivity scoring in this profile: its model (without base
    /// URL), its rubric and that rubric's prompt hash. A judge calibration applies to a board when
    /// the keys are equal.
    /// - Parameter judge: Another judge of the same settings (a calibration's additional judge),
    ///   as a spec; nil for the profile's judge.
    public func judgeCalibrationKey(judge: String? = nil) -> String {
        let scale = plain(settings["itrScale"]) ?? "three-level"
        let template = scale == "unit" ? "judge.interactivity.unit" : "judge.interactivity"
        let model = judge.map(Self.specWithoutURL) ?? judgeModel
        return [model, scale, plain(settings["promptHashes.\(template)"]) ?? ""].joined(separator: "\u{1F}")
    }

    // MARK: - Reading the profile

    /// The simulated user's model (`provider/model`), or `?`.
    public var simulatorModel: String { plain(settings["userSimulator"]) ?? "?" }

    /// The judge's model (`provider/model`), or `?`.
    public var judgeModel: String { plain(settings["judge"]) ?? "?" }

    /// One line a person can read: pack, tasks, simulator, judge, protocol, profile id.
    public var summary: String {
        var parts = ["\(packName) v\(packVersion) (pack \(packHash.prefix(8)))", "\(taskIDs.count) task\(taskIDs.count == 1 ? "" : "s")"]
        var user = "user \(simulatorModel)"
        let userSampling = samplingText(prefix: "conversation.simulatorSampling.")
        if !userSampling.isEmpty { user += " (\(userSampling))" }
        parts.append(user)
        var judge = "judge \(judgeModel)"
        let judgeSampling = samplingText(prefix: "judgeSampling.")
        if !judgeSampling.isEmpty { judge += " (\(judgeSampling))" }
        parts.append(judge)
        if let exchanges = plain(settings["conversation.maxExchanges"]) { parts.append("≤\(exchanges) exchanges") }
        parts.append("profile \(id)")
        return parts.joined(separator: " · ")
    }

    /// The profile as labelled lines (component, value) for exports, in a stable order.
    public var details: [(label: String, value: String)] {
        var lines: [(String, String)] = [
            ("pack", "\(packName) v\(packVersion) (\(packKind.rawValue), sha256 \(packHash))"),
            ("tasks", "\(taskIDs.count): \(Self.abbreviatedList(taskIDs))"),
        ]
        for key in settings.keys.sorted() {
            lines.append((key, plain(settings[key]) ?? ""))
        }
        return lines
    }

    /// What differs between this profile and `other`, one line per component, e.g.
    /// `judge differs: openai/a vs openai/b` (this profile's value first).
    public func differences(from other: EvaluationProfile) -> [String] {
        var lines: [String] = []
        if packName != other.packName || packVersion != other.packVersion || packHash != other.packHash {
            lines.append("pack differs: \(packName) v\(packVersion) (\(packHash.prefix(8))) vs \(other.packName) v\(other.packVersion) (\(other.packHash.prefix(8)))")
        }
        if taskIDs != other.taskIDs {
            let mine = Set(taskIDs)
            let theirs = Set(other.taskIDs)
            let onlyHere = mine.subtracting(theirs).count
            let onlyThere = theirs.subtracting(mine).count
            lines.append("tasks differ: \(taskIDs.count) vs \(other.taskIDs.count) (\(onlyHere) only here, \(onlyThere) only there)")
        }
        var byComponent: [String: [String]] = [:]
        var order: [String] = []
        for key in Set(settings.keys).union(other.settings.keys).sorted() {
            let mine = settings[key]
            let theirs = other.settings[key]
            guard mine != theirs else { continue }
            let (component, detail) = Self.component(of: key)
            let a = plain(mine) ?? "(none)"
            let b = plain(theirs) ?? "(none)"
            let shownA = key.hasPrefix("promptHashes.") ? String(a.prefix(8)) : a
            let shownB = key.hasPrefix("promptHashes.") ? String(b.prefix(8)) : b
            if byComponent[component] == nil { order.append(component) }
            byComponent[component, default: []].append(detail.isEmpty ? "\(shownA) vs \(shownB)" : "\(detail) \(shownA) vs \(shownB)")
        }
        for component in order {
            let verb = component.hasSuffix("settings") ? "differ" : "differs"
            lines.append("\(component) \(verb): " + (byComponent[component] ?? []).joined(separator: "; "))
        }
        return lines
    }

    /// The component a flattened setting belongs to, and the detail naming it within that component.
    static func component(of key: String) -> (String, String) {
        let prompt = "promptHashes."
        if key.hasPrefix(prompt) {
            let name = String(key.dropFirst(prompt.count))
            if name.hasPrefix("user-simulator.") { return ("simulator prompt", name) }
            if name.hasPrefix("judge.") || name.hasPrefix("extractor.") { return ("judge prompt", name) }
            return ("prompt", name)
        }
        let table: [(String, String)] = [
            ("conversation.simulatorSampling.", "simulator sampling"),
            ("conversation.structuredOutput", "simulator settings"),
            ("conversation.", "protocol"),
            ("userSimulator", "simulator"),
            ("judgeSampling.", "judge sampling"),
            ("judge.", "judge"),
            ("metric.", "metric settings"),
        ]
        if key == "judge" { return ("judge", "") }
        for (prefix, component) in table where key.hasPrefix(prefix) {
            if key == prefix || key == "userSimulator" { return (component, "") }
            return (component, String(key.dropFirst(prefix.count)))
        }
        if key.hasPrefix("judge") { return ("judge settings", key) }
        return ("setting", key)
    }

    private func samplingText(prefix: String) -> String {
        [("temperature", "T"), ("top_p", "top_p"), ("max_tokens", "max")].compactMap { key, label in
            plain(settings[prefix + key]).map { "\(label) \($0)" }
        }.joined(separator: ", ")
    }

    /// A canonical JSON value as a person reads it: strings without quotes.
    private func plain(_ canonical: String?) -> String? {
        guard let canonical else { return nil }
        if case .string(let s)? = try? JSONValue.parse(canonical) { return s }
        return canonical
    }

    static func abbreviatedList(_ items: [String], limit: Int = 8) -> String {
        items.count <= limit ? items.joined(separator: ", ") : items.prefix(limit).joined(separator: ", ") + ", … (\(items.count - limit) more)"
    }
}
