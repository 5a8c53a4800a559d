import CollabBenchCore
import Foundation

/// Reads persona populations: the SimulatorArena writers (background answers and preferences of
/// 459 real document-creation users) and students (knowledge states of 427 real math students),
/// or a persona file (a JSON list of ``Persona`` objects, optionally gzipped).
///
/// Writers get the traits `document_type` and `source_model` (the assistant the person talked
/// to); students get `source_model`, `problem` and `understanding` (their most frequent concept
/// status, ties broken by the order "Not introduced", "Struggling", "Partial understanding",
/// "Good understanding"). The files are read from the data folder, never copied.
public enum PersonaReader {
    /// The built-in populations.
    public enum BuiltIn: String, Sendable, CaseIterable {
        /// SimulatorArena document-creation users.
        case writers = "simulatorarena-writers"
        /// SimulatorArena math students.
        case students = "simulatorarena-students"
    }

    static let backgroundFile = "document_creation_user_simulator_background.json.gz"
    static let preferencesFile = "user_simulator_profiles_document_creation_preferences.json.gz"
    static let knowledgeFile = "user_simulator_profiles_math_tutoring_knowledge_state.json.gz"

    /// The SimulatorArena folder: `COLLABBENCH_SIMULATORARENA`, else
    /// `$COLLABBENCH_SHARED_DATA/simulatorarena`, else `<workingDirectory>/../shared/data/simulatorarena`.
    public static func defaultDirectory(environment: [String: String], workingDirectory: String) -> String {
        if let dir = environment["COLLABBENCH_SIMULATORARENA"], !dir.isEmpty { return dir }
        if let shared = environment["COLLABBENCH_SHARED_DATA"], !shared.isEmpty { return shared + "/simulatorarena" }
        return URL(fileURLWithPath: workingDirectory).appendingPathComponent("../shared/data/simulatorarena").standardizedFileURL.path
    }

    /// The personas `spec` names: a built-in name (optionally `name:<folder>`) or a persona file.
    /// - Parameters:
    ///   - spec: `simulatorarena-writers`, `simulatorarena-students`, `simulatorarena-writers:/data/sa`, or a path.
    ///   - directory: The SimulatorArena folder for a built-in name without a folder.
    /// - Returns: The population's name and its personas, in a stable order.
    /// - Throws: ``CollabBenchError`` (`.missingFile` or `.malformedTask`) naming the file.
    public static func read(_ spec: String, directory: String) throws -> (name: String, personas: [Persona]) {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        if let builtIn = BuiltIn(rawValue: parts[0]) {
            let folder = parts.count == 2 ? parts[1] : directory
            switch builtIn {
            case .writers: return (builtIn.rawValue, try writers(directory: folder))
            case .students: return (builtIn.rawValue, try students(directory: folder))
            }
        }
        return ((spec as NSString).lastPathComponent, try file(spec))
    }

    /// The SimulatorArena writers in `directory`, by record key.
    /// - Throws: ``CollabBenchError`` when a file is missing or not the expected shape.
    public static func writers(directory: String) throws -> [Persona] {
        let background = try object(directory + "/" + backgroundFile)
        let preferences = try object(directory + "/" + preferencesFile)
        return Set(background.keys).union(preferences.keys).sorted().map { key in
            let facts = (background[key] as? [[String: Any]] ?? []).compactMap { item -> PersonaFact? in
                guard let q = item["question"] as? String, let a = item["answer"] as? String else { return nil }
                return PersonaFact(question: q, answer: a)
            }
            let prefs = (preferences[key] as? [[String: Any]] ?? []).compactMap { item -> PersonaFact? in
                guard let a = item["Preference Question Answer"] as? String else { return nil }
                return PersonaFact(
                    name: item["Preference Name"] as? String, question: item["Preference Question"] as? String ?? "", answer: a)
            }
            // "<model>_<workerId>_<document type>_<intent>"
            let fields = key.split(separator: "_", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            var traits: [String: String] = [:]
            if fields.count == 4 {
                traits["source_model"] = fields[0]
                traits["document_type"] = fields[2]
            }
            let worker = fields.count == 4 ? fields[1] : key
            return Persona(
                id: "\(worker.prefix(8))-\(StableHash.sha256(key).prefix(8))", background: facts, preferences: prefs, traits: traits)
        }
    }

    /// The SimulatorArena students in `directory`, by record key.
    /// - Throws: ``CollabBenchError`` when the file is missing or not the expected shape.
    public static func students(directory: String) throws -> [Persona] {
        let states = try object(directory + "/" + knowledgeFile)
        return states.keys.sorted().map { key in
            let concepts = ((states[key] as? [String: Any])?["concepts"] as? [[String: Any]] ?? []).compactMap { item -> PersonaConcept? in
                guard let c = item["Concept Name"] as? String, let s = item["Status"] as? String else { return nil }
                return PersonaConcept(concept: c, status: s)
            }
            // "(<problem_id>, '<user_id>', '<model>')"
            let fields = key.trimmingCharacters(in: CharacterSet(charactersIn: "()")).components(separatedBy: ", ")
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            var traits: [String: String] = [:]
            if fields.count == 3 {
                traits["problem"] = fields[0]
                traits["source_model"] = fields[2]
            }
            if let modal = modalStatus(concepts) { traits["understanding"] = modal }
            let user = fields.count == 3 ? fields[1] : key
            return Persona(id: "\(user.prefix(8))-\(StableHash.sha256(key).prefix(8))", knowledge: concepts, traits: traits)
        }
    }

    /// A persona file: a JSON list of ``Persona`` objects (gzip allowed).
    /// - Throws: ``CollabBenchError`` naming the file and what is wrong.
    public static func file(_ path: String) throws -> [Persona] {
        let bytes = try contents(path)
        do {
            return try JSONDecoder().decode([Persona].self, from: Data(bytes))
        } catch {
            throw CollabBenchError(
                .malformedTask, "not a JSON list of personas (each needs an \"id\"): \(error)", file: path)
        }
    }

    // MARK: - Files

    private static let statusOrder = ["Not introduced", "Struggling", "Partial understanding", "Good understanding"]

    static func modalStatus(_ concepts: [PersonaConcept]) -> String? {
        var counts: [String: Int] = [:]
        for c in concepts { counts[c.status, default: 0] += 1 }
        let rank = { (s: String) in statusOrder.firstIndex(of: s) ?? statusOrder.count }
        return counts.keys.sorted { (counts[$0]!, -rank($0), $1) > (counts[$1]!, -rank($1), $0) }.first
    }

    private static func contents(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CollabBenchError(.missingFile, "no such persona file", file: path)
        }
        var bytes = [UInt8](data)
        if GzipDecoder.isGzip(bytes) {
            do { bytes = try GzipDecoder.decompress(bytes) } catch {
                throw CollabBenchError(.malformedTask, "not valid gzip data (corrupt or truncated file)", file: path)
            }
        }
        return bytes
    }

    private static func object(_ path: String) throws -> [String: Any] {
        let bytes = try contents(path)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw CollabBenchError(.malformedTask, "expected a JSON object of profiles by record key", file: path)
        }
        return object
    }
}
