import CollabBenchMetrics
import Foundation

/// Deterministic extraction of the final artefact from the agent's messages: the last
/// `\boxed{}` answer, the last fenced code block, or the last full document. Fences are read by
/// ``CodeFence`` and `__main__` blocks removed by ``MainBlockStripper``; the LLM extraction is
/// ``ArtifactLLMExtractor``.
public enum ArtifactExtractor {
    /// The last `\boxed{}` answer the agent gave, searching its messages from the newest.
    public static func finalAnswer(assistantTexts: [String]) -> String? {
        for text in assistantTexts.reversed() {
            if let boxed = MathAnswer.lastBoxed(in: text) { return boxed }
        }
        return nil
    }

    /// The last fenced code block the agent wrote (a ```python block preferred within a message),
    /// searching from the newest message.
    public static func finalCode(assistantTexts: [String]) -> String? {
        for text in assistantTexts.reversed() {
            let blocks = CodeFence.blocks(in: text)
            if let python = blocks.last(where: { $0.language == "python" || $0.language == "py" }) { return python.code }
            if let any = blocks.last(where: { $0.language.isEmpty }) { return any.code }
        }
        return nil
    }

    /// The program to test: `code` without any `if __name__ == "__main__":` block and without
    /// trailing blank lines (``MainBlockStripper``), completed with the task's code prompt when it
    /// lacks the entry point, or with the prompt's imports when it lacks some of them.
    public static func assembleProgram(code: String, codePrompt: String?, entryPoint: String?) -> String {
        let body = MainBlockStripper.strip(code)
        guard let codePrompt, !codePrompt.isEmpty else { return body }
        if let entryPoint, !body.contains("def \(entryPoint)(") {
            return codePrompt + "\n" + body
        }
        let imports = codePrompt.split(separator: "\n", omittingEmptySubsequences: false).filter {
            let t = $0.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix("import ") || t.hasPrefix("from ")
        }
        let missing = imports.filter { !body.contains($0) }
        return missing.isEmpty ? body : missing.joined(separator: "\n") + "\n" + body
    }

    /// The agent's final document: its last message at least half as long as its longest one
    /// (so a closing "Glad I could help!" is not taken for the document).
    public static func finalDocument(assistantTexts: [String]) -> String? {
        let nonEmpty = assistantTexts.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        guard let longest = nonEmpty.map({ $0.unicodeScalars.count }).max() else { return nil }
        return nonEmpty.last { $0.unicodeScalars.count * 2 >= longest }
    }
}
