// String-level clean-up of LaTeX answers: the canonical form `MathAnswer.normalize` returns and
// the input of the expression parser. Works on UTF-8 bytes; no regular expressions.

/// Rewrites a LaTeX answer into CollabBench's canonical spelling.
///
/// Every pass maps canonical text to itself, and `normalize` repeats the passes until nothing
/// changes, so the result is idempotent.
enum LatexNormalizer {
    static func normalize(_ text: String) -> String {
        var bytes = mapUnicode(text)
        for _ in 0..<6 {
            let next = pass(bytes)
            if next == bytes { break }
            bytes = next
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One round of every clean-up step.
    static func pass(_ input: [UInt8]) -> [UInt8] {
        var b = rewriteCommands(input)
        b = collapseSpaces(b)
        b = trimPunctuation(b)
        b = stripVariablePrefixes(b)
        b = joinThousands(b)
        b = tidyDecimals(b)
        b = stripOuterBraces(b)
        return b
    }

    // MARK: - Unicode

    /// Replaces the Unicode math symbols models write with their LaTeX spelling.
    static func mapUnicode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                out.append(UInt8(scalar.value))
                continue
            }
            let replacement: String
            switch scalar.value {
            case 0x2212, 0x2013, 0x2014: replacement = "-"  // minus, dashes
            case 0x00D7: replacement = "\\times "
            case 0x00B7, 0x22C5, 0x2219: replacement = "\\cdot "
            case 0x00F7: replacement = "\\div "
            case 0x03C0: replacement = "\\pi "
            case 0x221A: replacement = "\\sqrt"
            case 0x2264: replacement = "\\le "
            case 0x2265: replacement = "\\ge "
            case 0x2260: replacement = "\\ne "
            case 0x00B0: replacement = "^\\circ "
            case 0x221E: replacement = "\\infty "
            case 0x222A: replacement = "\\cup "
            case 0x2229: replacement = "\\cap "
            case 0x00B1: replacement = "\\pm "
            case 0x2205: replacement = "\\emptyset "
            case 0x00A0, 0x2009, 0x202F, 0x2002, 0x2003: replacement = " "
            case 0x00B2: replacement = "^2"
            case 0x00B3: replacement = "^3"
            default: replacement = String(Character(scalar))
            }
            out.append(contentsOf: replacement.utf8)
        }
        return out
    }

    // MARK: - Commands

    private static let textCommands: Set<String> = [
        "text", "textbf", "textit", "textrm", "textnormal", "textsf", "texttt", "mbox", "mathrm",
        "mathit", "mathsf", "mathtt", "hbox", "operatorname", "textup", "emph",
    ]
    private static let dropped: Set<String> = [
        "left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "bigg", "Bigg", "biggl", "biggr",
        "Biggl", "Biggr", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "middle", "boxed",
        "fbox", "noindent",
    ]
    private static let renamed: [String: String] = [
        "dfrac": "frac", "tfrac": "frac", "cfrac": "frac", "dbinom": "binom", "tbinom": "binom",
        "leq": "le", "leqslant": "le", "geq": "ge", "geqslant": "ge", "neq": "ne", "lbrace": "{",
        "rbrace": "}", "varnothing": "emptyset", "ldots": "dots", "cdots": "dots", "dotsc": "dots",
        "dotsb": "dots", "lt": "<", "gt": ">", "ast": "*", "varpi": "pi", "lvert": "|", "rvert": "|",
        "vert": "|", "mid": "|", "lparen": "(", "rparen": ")", "lbrack": "[", "rbrack": "]",
        "Leftrightarrow": "iff", "infin": "infty", "land": "wedge", "lor": "vee",
    ]
    private static let spaceCommands: Set<String> = ["quad", "qquad", "enspace", "thinspace", "medspace"]

    /// Rewrites command spellings, removes sizing, spacing, `$` delimiters, degree marks, `\$`,
    /// and unit words after a quantity.
    static func rewriteCommands(_ b: [UInt8], depth: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "$") {
                i += 1
                continue
            }
            if c == UInt8(ascii: "%") {
                out.append(contentsOf: "\\%".utf8)
                i += 1
                continue
            }
            if c == UInt8(ascii: "^"), let end = degreeEnd(b, from: i + 1) {
                i = end
                // `45^\circ,135^\circ` is a list: keep the comma from reading as a separator.
                if i < n, b[i] == UInt8(ascii: ",") {
                    out.append(contentsOf: ", ".utf8)
                    i += 1
                }
                continue
            }
            if c == UInt8(ascii: ","), let end = explicitSeparatorEnd(b, comma: i), let p = out.last, isDigit(p) {
                // `5,\!460` and `5{,}460`: explicit thousands separators.
                i = end
                continue
            }
            if c == UInt8(ascii: "{"), i + 2 < n, b[i + 1] == UInt8(ascii: ","), b[i + 2] == UInt8(ascii: "}"),
                let p = out.last, isDigit(p), startsDigitGroup(b, at: i + 3)
            {
                i += 3
                continue
            }
            if depth == 0, MathAnswer.isLetter(c), let end = listWordEnd(b, at: i), lastNonSpace(out) != nil {
                // `1 and 2`, `1 or 2` in plain text list two answers.
                out.append(UInt8(ascii: ","))
                i = end
                continue
            }
            guard c == UInt8(ascii: "\\"), i + 1 < n else {
                out.append(c)
                i += 1
                continue
            }
            let next = b[i + 1]
            if !MathAnswer.isLetter(next) {
                switch next {
                case UInt8(ascii: "!"):
                    i += 2
                    while i < n, b[i] == UInt8(ascii: " ") { i += 1 }
                    continue
                case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: ">"):
                    // Spacing. A thin space between digit groups (`1\,000`) thus joins them, where
                    // math-verify reads a product.
                    out.append(UInt8(ascii: " "))
                    out.append(UInt8(ascii: " "))
                case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"):
                    out.append(UInt8(ascii: " "))
                case UInt8(ascii: "$"):
                    break
                case UInt8(ascii: "\\"):
                    out.append(contentsOf: [c, next])
                default:
                    out.append(contentsOf: [c, next])
                }
                i += 2
                continue
            }
            var j = i + 1
            while j < n, MathAnswer.isLetter(b[j]) { j += 1 }
            let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
            if dropped.contains(name) {
                i = j
                if i < n, b[i] == UInt8(ascii: ".") { i += 1 }
                continue
            }
            if name == "phantom" || name == "hphantom" || name == "vphantom" {
                var k = j
                while k < n, b[k] == UInt8(ascii: " ") { k += 1 }
                if k < n, b[k] == UInt8(ascii: "{"), let close = MathAnswer.closingBrace(in: b, openingAt: k) {
                    i = close + 1
                } else {
                    i = min(n, k + 1)
                }
                continue
            }
            if spaceCommands.contains(name) {
                out.append(UInt8(ascii: " "))
                i = j
                continue
            }
            if name == "circ" || name == "degree" || name == "degrees" {
                i = j
                continue
            }
            if textCommands.contains(name) {
                var k = j
                while k < n, b[k] == UInt8(ascii: " ") { k += 1 }
                if k < n, b[k] == UInt8(ascii: "{"), let close = MathAnswer.closingBrace(in: b, openingAt: k) {
                    i = emitText(Array(b[(k + 1)..<close]), after: close + 1, in: b, into: &out, depth: depth)
                    continue
                }
                i = j
                continue
            }
            if let r = renamed[name] {
                if r.utf8.count == 1 {
                    if r == "{" || r == "}" {
                        out.append(UInt8(ascii: "\\"))
                    }
                    out.append(contentsOf: r.utf8)
                } else {
                    out.append(UInt8(ascii: "\\"))
                    out.append(contentsOf: r.utf8)
                }
                i = j
                continue
            }
            out.append(contentsOf: b[i..<j])
            i = j
        }
        return out
    }

    /// End of a plain ` and ` / ` or ` (space before and after) starting at `i`, or nil.
    private static func listWordEnd(_ b: [UInt8], at i: Int) -> Int? {
        guard i > 0, b[i - 1] == UInt8(ascii: " ") else { return nil }
        for word in ["and", "or"] {
            let w = Array(word.utf8)
            let end = i + w.count
            if end < b.count, b[i..<end].elementsEqual(w), b[end] == UInt8(ascii: " ") { return end }
        }
        return nil
    }

    /// For `,\!ddd` (spaces allowed after `\!`) at `comma`, the index of the first digit.
    private static func explicitSeparatorEnd(_ b: [UInt8], comma: Int) -> Int? {
        var i = comma + 1
        guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "!") else { return nil }
        i += 2
        while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
        return startsDigitGroup(b, at: i) ? i : nil
    }

    /// End of a degree mark (`\circ`, `{\circ}`, `{}^\circ`) starting after a `^`, or nil.
    private static func degreeEnd(_ b: [UInt8], from start: Int) -> Int? {
        var i = start
        while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
        var braced = false
        if i < b.count, b[i] == UInt8(ascii: "{") {
            braced = true
            i += 1
            while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
        }
        let names = ["\\circ", "\\degree"]
        var matched = false
        for name in names {
            let nb = Array(name.utf8)
            if i + nb.count <= b.count, b[i..<(i + nb.count)].elementsEqual(nb),
                i + nb.count == b.count || !MathAnswer.isLetter(b[i + nb.count])
            {
                i += nb.count
                matched = true
                break
            }
        }
        guard matched else { return nil }
        if braced {
            while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
            guard i < b.count, b[i] == UInt8(ascii: "}") else { return nil }
            i += 1
        }
        return i
    }

    /// Emits a `\text{...}` group: unit words after a quantity vanish, `and`/`or` become commas,
    /// `percent` becomes `\%`, anything else stays as `\text{content}`. Returns the next index.
    private static func emitText(
        _ content: [UInt8], after: Int, in b: [UInt8], into out: inout [UInt8], depth: Int
    ) -> Int {
        let inner = collapseInner(depth < 8 ? rewriteCommands(content, depth: depth + 1) : content)
        let next = after
        let lower = String(decoding: inner, as: UTF8.self).lowercased()
        let words = lower.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        let prev = lastNonSpace(out)
        if inner.isEmpty { return next }
        if words == ["and"] || words == ["or"] {
            out.append(UInt8(ascii: ","))
            return next
        }
        if words == ["percent"] || lower == "%" || lower == "\\%" {
            out.append(contentsOf: "\\%".utf8)
            return next
        }
        if words.first == "degree" || words.first == "degrees" {
            return skipUnitPower(b, from: next)
        }
        let quantityBefore =
            prev.map { p in
                (p >= 48 && p <= 57) || p == UInt8(ascii: "}") || p == UInt8(ascii: ")") || MathAnswer.isLetter(p)
                    || p == UInt8(ascii: ".") || p == UInt8(ascii: "%")
            } ?? false
        let numeric = inner.allSatisfy {
            isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "-")
        }
        if numeric {
            out.append(contentsOf: inner)  // `\text{13}` is 13
            return next
        }
        if quantityBefore, isUnitLike(inner) {
            return skipUnitPower(b, from: next)
        }
        out.append(contentsOf: "\\text{".utf8)
        out.append(contentsOf: inner)
        out.append(UInt8(ascii: "}"))
        return next
    }

    private static func skipUnitPower(_ b: [UInt8], from start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: "^") else { return start }
        i += 1
        if i < b.count, b[i] >= 48, b[i] <= 57 { return i + 1 }
        if i < b.count, b[i] == UInt8(ascii: "{"), let close = MathAnswer.closingBrace(in: b, openingAt: i) {
            return close + 1
        }
        return start
    }

    /// Words (letters, spaces, dots, hyphens) such as ` square feet` or ` p.m.`.
    private static func isUnitLike(_ s: [UInt8]) -> Bool {
        var letters = 0
        for c in s {
            if MathAnswer.isLetter(c) {
                letters += 1
            } else if c != UInt8(ascii: " ") && c != UInt8(ascii: ".") && c != UInt8(ascii: "-") {
                return false
            }
        }
        return letters > 0
    }

    private static func lastNonSpace(_ out: [UInt8]) -> UInt8? {
        var i = out.count - 1
        while i >= 0 {
            if out[i] != UInt8(ascii: " ") { return out[i] }
            i -= 1
        }
        return nil
    }

    /// Trims and collapses spaces inside a text group.
    private static func collapseInner(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var pendingSpace = false
        for c in s {
            if MathAnswer.isSpace(c) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(UInt8(ascii: " ")) }
            pendingSpace = false
            out.append(c)
        }
        return out
    }

    // MARK: - Numbers

    /// `12,345` → `12345`, but only when the whole answer is such a number (optionally signed, with
    /// decimals): elsewhere a plain comma separates list items, as in math-verify.
    static func joinThousands(_ b: [UInt8]) -> [UInt8] {
        var i = 0
        let n = b.count
        if i < n, b[i] == UInt8(ascii: "-") { i += 1 }
        let digitsStart = i
        while i < n, isDigit(b[i]) { i += 1 }
        let lead = i - digitsStart
        guard lead >= 1, lead <= 3, i < n, b[i] == UInt8(ascii: ","), b[digitsStart] != UInt8(ascii: "0") else {
            return b
        }
        var groups = 0
        while i < n, b[i] == UInt8(ascii: ",") {
            guard startsDigitGroup(b, at: i + 1) else { return b }
            i += 4
            groups += 1
        }
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < n, isDigit(b[i]) { i += 1 }
            if i == fracStart { return b }
        }
        guard i == n, groups > 0 else { return b }
        return b.filter { $0 != UInt8(ascii: ",") }
    }

    /// `5.00` → `5.0`, `2.50` → `2.5`, `.5` → `0.5`.
    static func tidyDecimals(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 2)
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            let prevOK =
                i == 0 || !(isDigit(b[i - 1]) || MathAnswer.isLetter(b[i - 1]) || b[i - 1] == UInt8(ascii: "."))
            if prevOK, isDigit(c) || (c == UInt8(ascii: ".") && i + 1 < n && isDigit(b[i + 1])) {
                var j = i
                while j < n, isDigit(b[j]) { j += 1 }
                if j < n, b[j] == UInt8(ascii: "."), j + 1 < n, isDigit(b[j + 1]) {
                    var k = j + 1
                    while k < n, isDigit(b[k]) { k += 1 }
                    if k < n, b[k] == UInt8(ascii: ".") || MathAnswer.isLetter(b[k]) && b[k - 1] == UInt8(ascii: ".") {
                        out.append(contentsOf: b[i..<k])
                        i = k
                        continue
                    }
                    var last = k
                    while last > j + 2, b[last - 1] == UInt8(ascii: "0") { last -= 1 }
                    if i == j { out.append(UInt8(ascii: "0")) }
                    out.append(contentsOf: b[i..<j])
                    // Keep one digit: `5.00` → `5.0` stays a decimal, which math-verify compares
                    // by rounding, unlike the integer 5.
                    out.append(contentsOf: b[j..<last])
                    i = k
                    continue
                }
                out.append(contentsOf: b[i..<j])
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    // MARK: - Spaces and punctuation

    /// Drops spaces, keeping one only where it separates a command name from a following letter
    /// and inside `\text{}` groups.
    static func collapseSpaces(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        let n = b.count
        let textOpen = Array("\\text{".utf8)
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "\\"), i + textOpen.count <= n, b[i..<(i + textOpen.count)].elementsEqual(textOpen),
                let close = MathAnswer.closingBrace(in: b, openingAt: i + textOpen.count - 1)
            {
                out.append(contentsOf: b[i...close])
                i = close + 1
                continue
            }
            if MathAnswer.isSpace(c) {
                var j = i
                while j < n, MathAnswer.isSpace(b[j]) { j += 1 }
                if j < n, MathAnswer.isLetter(b[j]), endsWithCommandName(out) {
                    out.append(UInt8(ascii: " "))
                } else if j < n, out.last == UInt8(ascii: ","), startsDigitGroup(b, at: j), out.count >= 2,
                    isDigit(out[out.count - 2])
                {
                    // `31, 250` is a list; without the space it would read as 31250.
                    out.append(UInt8(ascii: " "))
                }
                i = j
                continue
            }
            if c == UInt8(ascii: "\\"), i + 1 < n, !MathAnswer.isLetter(b[i + 1]) {
                out.append(contentsOf: [c, b[i + 1]])
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// True when exactly three digits start at `i` (and no fourth follows).
    static func startsDigitGroup(_ b: [UInt8], at i: Int) -> Bool {
        i + 3 <= b.count && isDigit(b[i]) && isDigit(b[i + 1]) && isDigit(b[i + 2])
            && (i + 3 == b.count || !isDigit(b[i + 3]))
    }

    private static func endsWithCommandName(_ out: [UInt8]) -> Bool {
        var i = out.count - 1
        while i >= 0, MathAnswer.isLetter(out[i]) { i -= 1 }
        return i >= 0 && i < out.count - 1 && out[i] == UInt8(ascii: "\\")
            && (i == 0 || out[i - 1] != UInt8(ascii: "\\"))
    }

    /// Removes a trailing sentence full stop, comma or semicolon.
    static func trimPunctuation(_ b: [UInt8]) -> [UInt8] {
        var hi = b.count
        while hi > 0 {
            let c = b[hi - 1]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || MathAnswer.isSpace(c) {
                if hi >= 2, b[hi - 2] == UInt8(ascii: "\\") { break }
                hi -= 1
            } else {
                break
            }
        }
        var lo = 0
        while lo < hi, MathAnswer.isSpace(b[lo]) { lo += 1 }
        return Array(b[lo..<hi])
    }

    // MARK: - Structure

    /// `x=5` → `5`; `x=1,x=2` → `1,2` (a single-letter variable, optionally subscripted).
    static func stripVariablePrefixes(_ b: [UInt8]) -> [UInt8] {
        let parts = splitTopLevel(b, on: UInt8(ascii: ","))
        var stripped: [[UInt8]] = []
        for part in parts {
            guard let eq = variablePrefixEnd(part) else {
                // `k=22,500`: one prefix before a number with separators.
                if let eq = variablePrefixEnd(b[...]), !b[eq...].contains(UInt8(ascii: "=")) {
                    return Array(b[eq...])
                }
                return b
            }
            stripped.append(Array(part[eq...]))
        }
        if stripped.contains(where: { $0.isEmpty }) { return b }
        var out: [UInt8] = []
        for (k, s) in stripped.enumerated() {
            if k > 0 {
                out.append(UInt8(ascii: ","))
                if let last = out.dropLast().last, isDigit(last), startsDigitGroup(s, at: 0) {
                    out.append(UInt8(ascii: " "))
                }
            }
            out.append(contentsOf: s)
        }
        return out
    }

    /// Index after `x=` when the part is `letter[_sub]=rest` with no other relation, else nil.
    private static func variablePrefixEnd(_ p: ArraySlice<UInt8>) -> Int? {
        var i = p.startIndex
        guard i < p.endIndex, MathAnswer.isLetter(p[i]) else { return nil }
        i += 1
        if i < p.endIndex, p[i] == UInt8(ascii: "_") {
            i += 1
            if i < p.endIndex, p[i] == UInt8(ascii: "{") {
                guard let close = p[i...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
                i = close + 1
            } else if i < p.endIndex {
                i += 1
            }
        }
        guard i < p.endIndex, p[i] == UInt8(ascii: "=") else { return nil }
        let rest = p[(i + 1)...]
        if rest.contains(UInt8(ascii: "=")) || rest.contains(UInt8(ascii: "<")) || rest.contains(UInt8(ascii: ">")) {
            return nil
        }
        if containsRelationCommand(rest) { return nil }
        return i + 1
    }

    private static let relationCommands: Set<String> = [
        "le", "ge", "ne", "in", "approx", "sim", "equiv", "to", "subset", "lt", "gt",
    ]

    /// True when the text holds a relation command such as `\le` (not `\infty`).
    private static func containsRelationCommand(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        while i < b.endIndex {
            if b[i] == UInt8(ascii: "\\") {
                var j = i + 1
                while j < b.endIndex, MathAnswer.isLetter(b[j]) { j += 1 }
                if relationCommands.contains(String(decoding: b[(i + 1)..<j], as: UTF8.self)) { return true }
                i = max(j, i + 2)
                continue
            }
            i += 1
        }
        return false
    }

    /// Splits on a separator at bracket depth 0.
    static func splitTopLevel(_ b: [UInt8], on sep: UInt8) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var depth = 0
        var start = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                depth += 1
            } else if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                depth -= 1
            } else if c == sep, depth == 0 {
                parts.append(b[start..<i])
                start = i + 1
            }
            i += 1
        }
        parts.append(b[start..<min(b.count, max(start, b.count))])
        return parts
    }

    /// `{5}` → `5` when the braces enclose the whole answer.
    static func stripOuterBraces(_ b: [UInt8]) -> [UInt8] {
        guard b.count >= 2, b[0] == UInt8(ascii: "{"), MathAnswer.closingBrace(in: b, openingAt: 0) == b.count - 1
        else {
            return b
        }
        return Array(b[1..<(b.count - 1)])
    }
}
