import Foundation

extension ArtifactLLMExtractor {
    /// Undoes quote-style rewriting of `artifact` using the assistant's own code blocks.
    ///
    /// Lines are compared with trailing whitespace removed and leading/trailing blank lines ignored.
    /// 1. If the artefact equals a block, nothing changes.
    /// 2. Else, if it equals a block once every `"` is read as `'`, the newest such block is returned.
    /// 3. Else every artefact line that is in no block as written, but equals a block line once
    ///    quotes are folded, is replaced by that line (the newest block's, when several match).
    public static func restoreQuotes(in artifact: String, assistantBlocks: [String]) -> (String, QuoteRestoration) {
        guard artifact.contains("'") || artifact.contains("\"") else { return (artifact, .none) }
        let target = normalizedLines(artifact)
        let blocks = assistantBlocks.map(normalizedLines)
        if blocks.contains(target) { return (artifact, .none) }
        let foldedTarget = target.map(foldQuotes)
        for (index, block) in blocks.enumerated().reversed() where block.map(foldQuotes) == foldedTarget {
            return (blocks[index].joined(separator: "\n"), .verbatimBlock)
        }
        var verbatim = Set<String>()
        var byFolded: [String: String] = [:]
        for block in blocks {  // oldest first, so the newest block's line wins
            for line in block where line.contains("'") || line.contains("\"") {
                verbatim.insert(line)
                byFolded[foldQuotes(line)] = line
            }
        }
        var restored = 0
        let lines = target.map { line -> String in
            guard line.contains("'") || line.contains("\""), !verbatim.contains(line),
                let original = byFolded[foldQuotes(line)], original != line
            else { return line }
            restored += 1
            return original
        }
        return restored == 0 ? (artifact, .none) : (lines.joined(separator: "\n"), .lines(restored))
    }

    private static func normalizedLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var s = Substring(line)
            while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
            return String(s)
        }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines
    }

    private static func foldQuotes(_ line: String) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.map { $0 == "\"" ? "'" : $0 }))
    }
}
