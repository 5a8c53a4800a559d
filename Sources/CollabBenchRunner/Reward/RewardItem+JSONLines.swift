import CollabBenchCore
import Foundation

extension RewardItem {
    /// The items of a JSON-lines text, one per non-blank line, in order.
    /// - Parameters:
    ///   - text: The text.
    ///   - file: The name errors give the input (e.g. `items.jsonl`).
    /// - Throws: ``CollabBenchError`` (`.malformedTask`) naming the file and line of the first
    ///   line that is not an item (not JSON, a missing field, no candidates, a role other than
    ///   user or assistant).
    public static func parseJSONLines(_ text: String, file: String) throws -> [RewardItem] {
        var items: [RewardItem] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            items.append(try parse(line: trimmed, file: file, number: index + 1))
        }
        return items
    }

    /// One item from one line of JSON.
    /// - Throws: ``CollabBenchError`` (`.malformedTask`) naming `file` and `number`.
    public static func parse(line: String, file: String, number: Int) throws -> RewardItem {
        func bad(_ message: String) -> CollabBenchError { CollabBenchError(.malformedTask, message, file: file, line: number) }
        let item: RewardItem
        do {
            item = try JSONDecoder().decode(RewardItem.self, from: Data(line.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            throw bad("missing \"\(Self.path(context.codingPath + [key]))\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw bad("wrong type at \"\(Self.path(context.codingPath))\"")
        } catch let DecodingError.dataCorrupted(context) {
            throw bad(context.codingPath.isEmpty ? "not a JSON object" : "invalid value at \"\(Self.path(context.codingPath))\"")
        } catch {
            throw bad("not a reward item: \(error)")
        }
        try item.check(bad)
        return item
    }

    /// Checks what decoding does not: candidates, roles, a task named one way.
    func check(_ bad: (String) -> CollabBenchError) throws {
        guard !id.isEmpty else { throw bad("\"id\" is empty") }
        guard !candidates.isEmpty else { throw bad("item '\(id)': \"candidates\" is empty") }
        if let message = history.firstIndex(where: { $0.role == .system }) {
            throw bad("item '\(id)': history[\(message)] has role system (use user or assistant)")
        }
        switch (taskID, task) {
        case (nil, nil): throw bad("item '\(id)': give \"task_id\" or an inline \"task\"")
        case (.some, .some): throw bad("item '\(id)': give \"task_id\" or \"task\", not both")
        default: break
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
