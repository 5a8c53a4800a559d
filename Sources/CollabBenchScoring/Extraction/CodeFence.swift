import Foundation

/// A Markdown fenced code block, and the one reader of fences in CollabBench: the deterministic
/// extractor, the LLM extractor's faithful-mode check and the simulator's early-stop rule all
/// read blocks through ``blocks(in:)``.
///
/// A fence line is a line whose text, after leading spaces, tabs and other Unicode space
/// separators, starts with three backticks. Fence lines alternate between opening and closing a
/// block; the opening line's first word after the backticks is the block's language.
///
/// ```swift
/// let blocks = CodeFence.blocks(in: "Here:\n```python\nx = 1\n```")
/// // [CodeFence(language: "python", code: "x = 1")]
/// ```
public struct CodeFence: Sendable, Hashable {
    /// The info string's first word, lower-cased (`python`, or empty).
    public var language: String
    /// The lines between the fences, joined by line breaks.
    public var code: String

    /// Creates a block.
    public init(language: String, code: String) {
        self.language = language
        self.code = code
    }

    /// Every fenced block in `text`, in order. An unclosed final fence runs to the end of the text
    /// when at least one line follows it.
    public static func blocks(in text: String) -> [CodeFence] {
        var blocks: [CodeFence] = []
        var current: (language: String, lines: [Substring])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if isFenceLine(line) {
                if let open = current {
                    blocks.append(CodeFence(language: open.language, code: open.lines.joined(separator: "\n")))
                    current = nil
                } else {
                    let info = line.trimmingCharacters(in: .whitespaces).dropFirst(3).trimmingCharacters(in: .whitespaces)
                    current = (String(info.split(separator: " ").first ?? "").lowercased(), [])
                }
            } else if current != nil {
                current!.lines.append(line)
            }
        }
        if let open = current, !open.lines.isEmpty {
            blocks.append(CodeFence(language: open.language, code: open.lines.joined(separator: "\n")))
        }
        return blocks
    }

    /// Whether `text` holds a fenced block with at least one non-blank line (closed or not).
    public static func containsCode(_ text: String) -> Bool {
        blocks(in: text).contains { block in block.code.contains { !$0.isWhitespace } }
    }

    /// The inside of the fence when the whole of `text` (surrounding blank space aside) is one
    /// fenced block: it opens with a fence line, ends with three backticks and holds no other fence
    /// line. Otherwise `text` unchanged.
    public static func unwrapped(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("```"), trimmed.hasSuffix("```"), trimmed.count >= 6 else { return text }
        var lines = trimmed.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2 else { return text }
        lines.removeFirst()
        lines.removeLast()
        if lines.contains(where: isFenceLine) { return text }
        return lines.joined(separator: "\n")
    }

    /// Whether `line` opens or closes a fence.
    static func isFenceLine(_ line: Substring) -> Bool {
        line.trimmingCharacters(in: .whitespaces).hasPrefix("```")
    }
}
