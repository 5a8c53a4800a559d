import Foundation

/// Removes a Python program's `if __name__ == "__main__":` blocks: the one stripper used for the
/// deterministic extractor's programs, the LLM extractor's programs and the assistant's code
/// blocks that the LLM extractor compares them with.
///
/// A header is a top-level line (no leading white space) that reads `if __name__ == "__main__":`
/// or `if "__main__" == __name__:` once spaces and tabs are removed, with either quote style. The
/// header and every following line that is blank or indented are dropped; the next top-level
/// line ends the block and is kept. Blank lines (empty, or only spaces, tabs and other space separators) at
/// the end of the result are dropped too.
///
/// ```swift
/// MainBlockStripper.strip("def f():\n    pass\n\nif __name__ == '__main__':\n    f()\n")
/// // "def f():\n    pass"
/// ```
public enum MainBlockStripper {
    /// `code` without its top-level `__main__` blocks and without trailing blank lines.
    public static func strip(_ code: String) -> String {
        var out: [Substring] = []
        var skipping = false
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            let topLevel = !(line.first?.isWhitespace ?? true)
            if skipping {
                if topLevel { skipping = false } else { continue }
            }
            if topLevel && isHeader(line) {
                skipping = true
                continue
            }
            out.append(line)
        }
        while let last = out.last, last.trimmingCharacters(in: .whitespaces).isEmpty { out.removeLast() }
        return out.joined(separator: "\n")
    }

    /// Whether `line` is an `if __name__ == "__main__":` header (either order, any spacing, either quote).
    static func isHeader(_ line: Substring) -> Bool {
        let compact = String(
            String.UnicodeScalarView(
                line.unicodeScalars.compactMap { scalar -> Unicode.Scalar? in
                    switch scalar {
                    case " ", "\t": nil
                    case "'": "\""
                    default: scalar
                    }
                }))
        return compact.hasPrefix("if__name__==\"__main__\":") || compact.hasPrefix("if\"__main__\"==__name__:")
    }
}
