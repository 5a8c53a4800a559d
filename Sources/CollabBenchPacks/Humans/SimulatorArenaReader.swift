import CollabBenchCore
import Foundation

/// Reads the SimulatorArena release (microsoft/SimulatorArena, MIT): the document-creation and
/// math-tutoring conversations with the users' own ratings, as ``HumanConversation``s.
///
/// The math problems are redacted in the release; each is restored from a MATH file (JSON Lines,
/// e.g. `math_all.jsonl.gz`) by its `question_location` id. A user message that is not text but a
/// list of uploaded image paths becomes the marker text `[image: <path>]` and is counted
/// (``HumanConversation/imageMessages``). Every problem in the input is collected, one line each,
/// and reported together; nothing is returned unless all records read cleanly.
public enum SimulatorArenaReader {
    /// One reference set as read.
    public struct Source: Sendable, Hashable {
        /// The set.
        public var set: HumanReferenceSet
        /// The annotations file.
        public var path: String
        /// SHA-256 of the annotations file (and, for math, of the MATH file after it).
        public var contentHash: String
        /// Its conversations, in file order.
        public var conversations: [HumanConversation]
    }

    /// The MATH file next to the SimulatorArena folder in the shared data layout.
    public static func defaultMathFile(directory: String) -> String {
        URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent("math/math_all.jsonl.gz").path
    }

    /// Reads both reference sets from `directory`.
    /// - Parameters:
    ///   - directory: The folder holding the two annotation files.
    ///   - mathFile: The MATH file the math problems are restored from (nil: ``defaultMathFile(directory:)``).
    /// - Returns: The document-creation set, then the math-tutoring set.
    /// - Throws: ``HumanImportError`` listing every problem found.
    public static func read(directory: String, mathFile: String? = nil) throws(HumanImportError) -> [Source] {
        var problems: [String] = []
        var sources: [Source] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HumanImportError(problems: ["\(directory): no such folder (expected the SimulatorArena files)"])
        }
        let docsPath = (directory as NSString).appendingPathComponent(HumanReferenceSet.documentCreation.fileName)
        if let (records, hash) = loadArray(docsPath, &problems) {
            let conversations = records.enumerated().compactMap {
                documentCreation($0.element, index: $0.offset, file: docsPath, &problems)
            }
            sources.append(Source(set: .documentCreation, path: docsPath, contentHash: hash, conversations: conversations))
        }
        let mathPath = (directory as NSString).appendingPathComponent(HumanReferenceSet.mathTutoring.fileName)
        if let (records, hash) = loadArray(mathPath, &problems) {
            let problemFile = mathFile ?? defaultMathFile(directory: directory)
            if let (texts, mathHash) = mathProblems(problemFile, &problems) {
                let conversations = records.enumerated().compactMap {
                    mathTutoring($0.element, index: $0.offset, file: mathPath, problems: texts, problemFile: problemFile, &problems)
                }
                sources.append(
                    Source(
                        set: .mathTutoring, path: mathPath, contentHash: StableHash.sha256(hash + mathHash), conversations: conversations))
            }
        }
        guard problems.isEmpty else { throw HumanImportError(problems: problems) }
        return sources
    }

    // MARK: - Files

    private static func loadArray(_ path: String, _ problems: inout [String]) -> (records: [Any], hash: String)? {
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.append("\(path): no such file")
            return nil
        }
        var bytes = [UInt8](data)
        if GzipDecoder.isGzip(bytes) {
            do { bytes = try GzipDecoder.decompress(bytes) } catch {
                problems.append("\(path): not valid gzip data (corrupt or truncated file)")
                return nil
            }
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            problems.append("\(path): not valid JSON")
            return nil
        }
        guard let records = object as? [Any] else {
            problems.append("\(path): expected a JSON list of conversations")
            return nil
        }
        return (records, StableHash.sha256(data))
    }

    /// MATH id → problem text.
    private static func mathProblems(_ path: String, _ problems: inout [String]) -> (texts: [String: String], hash: String)? {
        do {
            let file = try DatasetFile(path: path)
            var texts: [String: String] = [:]
            for record in file.records {
                if case .string(let id)? = record.fields["id"], case .string(let problem)? = record.fields["problem"] {
                    texts[id] = problem
                }
            }
            return (texts, file.sha256)
        } catch {
            problems.append("\(error.description) (the MATH file the math problems are restored from)")
            return nil
        }
    }

    // MARK: - Records

    /// Reads the fields of one record, noting each problem.
    private struct Fields {
        let object: [String: Any]
        let place: String
        var problems: [String] = []

        func value(_ name: String) -> Any? {
            guard let v = object[name], !(v is NSNull) else { return nil }
            return v
        }

        mutating func string(_ name: String) -> String {
            guard let v = value(name) else {
                problems.append("\(place): '\(name)' is missing")
                return ""
            }
            guard let s = v as? String, !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                problems.append("\(place): '\(name)' must be non-empty text")
                return ""
            }
            return s
        }

        func optionalString(_ name: String) -> String? {
            (value(name) as? String).flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        }

        mutating func rating(_ name: String) -> Double? {
            guard let v = value(name) else {
                problems.append("\(place): '\(name)' is missing")
                return nil
            }
            guard !(v is Bool), let number = (v as? NSNumber)?.doubleValue, number.isFinite, (1...10).contains(number) else {
                problems.append("\(place): '\(name)' must be a rating from 1 to 10, found \(v)")
                return nil
            }
            return number
        }

        mutating func strings(_ name: String, required: Bool) -> [String] {
            guard let v = value(name) else {
                if required { problems.append("\(place): '\(name)' is missing") }
                return []
            }
            guard let list = v as? [Any], let texts = list as? [String] else {
                problems.append("\(place): '\(name)' must be a list of texts")
                return []
            }
            return texts
        }

        /// The aligned user/assistant messages; image uploads become marker texts.
        mutating func messages() -> (messages: [HumanConversation.Message], images: Int) {
            guard let queries = value("user_queries") as? [Any] else {
                problems.append("\(place): 'user_queries' is missing or not a list")
                return ([], 0)
            }
            // A reply the release recorded as null (the assistant gave none) is kept as a marker text.
            var replies: [String] = []
            if let list = value("ai_responses") as? [Any] {
                for (k, reply) in list.enumerated() {
                    if let text = reply as? String {
                        replies.append(text)
                    } else if reply is NSNull {
                        replies.append(HumanConversation.missingReplyMarker)
                    } else {
                        problems.append("\(place): ai_responses[\(k)] is not text")
                    }
                }
            } else {
                problems.append("\(place): 'ai_responses' is missing or not a list")
            }
            var images = 0
            var messages: [HumanConversation.Message] = []
            for (k, query) in queries.enumerated() {
                if let text = query as? String {
                    messages.append(.init(fromUser: true, text: text))
                } else if let paths = query as? [String], !paths.isEmpty {
                    images += 1
                    messages.append(.init(fromUser: true, text: paths.map { "[image: \($0)]" }.joined(separator: " ")))
                } else {
                    problems.append("\(place): user_queries[\(k)] is neither text nor a list of image paths")
                }
                if k < replies.count { messages.append(.init(fromUser: false, text: replies[k])) }
            }
            if queries.isEmpty { problems.append("\(place): 'user_queries' is empty") }
            if replies.count != queries.count && replies.count != queries.count - 1 {
                problems.append("\(place): \(queries.count) user messages but \(replies.count) assistant replies (they must alternate)")
            }
            return (messages, images)
        }
    }

    private static func recordFields(_ record: Any, index: Int, file: String, _ problems: inout [String]) -> Fields? {
        guard let object = record as? [String: Any] else {
            problems.append("\(file): record \(index + 1): not a JSON object")
            return nil
        }
        return Fields(object: object, place: "\(file): record \(index + 1)")
    }

    private static func conversationID(_ prefix: String, index: Int, worker: String?) -> String {
        let number = String(format: "%02d", index + 1)
        guard let worker, !worker.isEmpty else { return "\(prefix)-\(number)" }
        return "\(prefix)-\(number)-\(worker.prefix(8))"
    }

    static func documentCreation(_ record: Any, index: Int, file: String, _ problems: inout [String]) -> HumanConversation? {
        guard var f = recordFields(record, index: index, file: file, &problems) else { return nil }
        let model = f.string("model")
        let intent = f.string("intent")
        let (messages, images) = f.messages()
        let questions = f.strings("bullet_points", required: false)
        let answers = f.strings("bullet_points_responses", required: false)
        if questions.count != answers.count {
            f.problems.append("\(f.place): \(questions.count) 'bullet_points' but \(answers.count) 'bullet_points_responses'")
        }
        let interaction = f.rating("overall_interaction_rating")
        let document = f.rating("overall_document_rating")
        problems += f.problems
        guard f.problems.isEmpty, let interaction, let document else { return nil }
        var intentText = "Task: \(intent)"
        if let type = f.optionalString("document_type") { intentText += "\nDocument type: \(type)" }
        if !questions.isEmpty {
            intentText += "\nYour own answers about what you want:"
            for (q, a) in zip(questions, answers) { intentText += "\n- \(q) \(a)" }
        }
        var comments: [String: String] = [:]
        for key in ["strength", "weakness"] { if let text = f.optionalString(key) { comments[key] = text } }
        var metadata: [String: String] = [:]
        for key in ["workerId", "document_type", "selected_intent_index"] { if let text = f.optionalString(key) { metadata[key] = text } }
        return HumanConversation(
            id: conversationID("doc", index: index, worker: f.optionalString("workerId")), set: .documentCreation, model: model,
            hiddenIntent: intentText, messages: messages, ratings: [.interaction: interaction, .document: document],
            whyStop: f.optionalString("why_stop"), comments: comments, imageMessages: images, metadata: metadata)
    }

    static func mathTutoring(
        _ record: Any, index: Int, file: String, problems texts: [String: String], problemFile: String, _ problems: inout [String]
    ) -> HumanConversation? {
        guard var f = recordFields(record, index: index, file: file, &problems) else { return nil }
        let model = f.string("model")
        let location = f.string("question_location")
        let (messages, images) = f.messages()
        let rating = f.rating("overall_rating")
        let problem = texts[location]
        if !location.isEmpty, problem == nil {
            f.problems.append("\(f.place): question_location '\(location)' is not in \(problemFile)")
        }
        problems += f.problems
        guard f.problems.isEmpty, let rating, let problem else { return nil }
        var intentText = "Problem: \(problem)"
        if (f.value("moved_to_problem_2") as? Bool) == true, let similar = f.optionalString("similar_question_location"),
            let second = texts[similar]
        {
            intentText += "\nThen a similar problem: \(second)"
        }
        if let expertise = f.optionalString("math_expertise") { intentText += "\nYour own math background: \(expertise)" }
        var comments: [String: String] = [:]
        for key in ["strength_weakness", "why_ask_tutor"] { if let text = f.optionalString(key) { comments[key] = text } }
        var metadata: [String: String] = ["question_location": location]
        for key in ["workerId", "user_id", "level", "type", "math_expertise", "problem_1_correctness", "similar_question_location"] {
            if let text = f.optionalString(key) { metadata[key] = text }
        }
        return HumanConversation(
            id: conversationID("math", index: index, worker: f.optionalString("workerId")), set: .mathTutoring, model: model,
            hiddenIntent: intentText, messages: messages, ratings: [.overall: rating], whyStop: f.optionalString("why_stop"),
            comments: comments, imageMessages: images, metadata: metadata)
    }
}
