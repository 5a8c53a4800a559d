import Foundation
/// Escaping for HTML text and attribute values.
public enum HTMLText {
    /// `text` with `& < > " '` as character references and control characters (other than tab,
    /// newline and carriage return) as U+FFFD, safe inside elements and quoted attributes.
    public static func escape(_ text: String) -> String {
        MarkupText.escape(text, apostrophe: "&#39;", forbidsC1Controls: true)
    }
}

/// Escaping for XML 1.0 text and attribute values.
public enum XMLText {
    /// `text` with `& < > " '` escaped, characters XML 1.0 forbids replaced by U+FFFD, and newlines
    /// kept.
    public static func escape(_ text: String) -> String {
        MarkupText.escape(text, apostrophe: "&apos;", forbidsC1Controls: false)
    }
}

/// The escaping HTML and XML share.
enum MarkupText {
    static func escape(_ text: String, apostrophe: String, forbidsC1Controls: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += apostrophe
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let forbidden = scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF
                    || (forbidsC1Controls && (0x7F...0x9F).contains(scalar.value))
                if forbidden {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

/// Escaping for Markdown (GitHub-flavoured), so untrusted text shows as written: no links,
/// emphasis, HTML or table breaks.
public enum MarkdownText {
    /// `text` on one line with `< > &` as character references and backslash escapes before
    /// what would start emphasis, code, links, table cells, strikethrough, mentions (`@`) or issue
    /// references (`#`), and before a leading `-` or `+` (a list).
    public static func escape(_ text: String) -> String {
        var out = ""
        for (index, scalar) in TerminalText.sanitize(text).unicodeScalars.enumerated() {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "|", "~", "@", "#":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "-" where index == 0, "+" where index == 0:
                out += "\\"
                out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Escaping for LaTeX text mode.
public enum LaTeXText {
    /// `text` with LaTeX's special characters written as commands, so it typesets as written and
    /// runs nothing; control characters become spaces; the few non-ASCII characters CollabBench
    /// writes itself (`≤ · → − × … —`) become LaTeX commands. Other non-ASCII text is kept (UTF-8).
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in TerminalText.sanitize(text).unicodeScalars {
            switch scalar {
            case "\\": out += "\\textbackslash{}"
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "$": out += "\\$"
            case "&": out += "\\&"
            case "#": out += "\\#"
            case "%": out += "\\%"
            case "_": out += "\\_"
            case "^": out += "\\textasciicircum{}"
            case "~": out += "\\textasciitilde{}"
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "|": out += "\\textbar{}"
            // Characters CollabBench itself writes, in forms pdfLaTeX knows without extra packages.
            case "≤": out += "$\\leq$"
            case "≥": out += "$\\geq$"
            case "·": out += "\\textperiodcentered{}"
            case "→": out += "$\\rightarrow$"
            case "−": out += "$-$"
            case "×": out += "$\\times$"
            case "…": out += "\\ldots{}"
            case "—": out += "---"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Fields of RFC 4180 CSV.
public enum CSVField {
    /// `text` as a field: quoted (with quotes doubled) when it holds a comma, a quote, CR or LF,
    /// or starts or ends with a space.
    public static func escape(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record: fields joined by commas, ended by CRLF.
    public static func record(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }
}
