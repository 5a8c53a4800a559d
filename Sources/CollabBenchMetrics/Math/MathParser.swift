// A small recursive-descent parser from normalised LaTeX to `MathNode`.

/// Why an answer did not parse (the caller then compares the normalised strings).
struct MathParseError: Error {
    let position: Int
}

/// One lexical unit of a normalised answer.
enum MathToken: Equatable {
    case number(String)
    case letter(UInt8)
    /// `\name`, or a one-character escape such as `\{` (name `{`).
    case command(String)
    case char(UInt8)
    case text(String)
    case end
}

/// Parses normalised LaTeX into an expression tree.
struct MathParser {
    private var tokens: [MathToken]
    private var pos = 0
    private var absDepth = 0
    /// Current recursion depth; answers nested deeper than `maxDepth` are rejected, not crashed on.
    private var depth = 0
    private static let maxDepth = 150

    init(_ normalized: String) {
        tokens = MathParser.tokenize(Array(normalized.utf8))
    }

    /// Parses a whole answer: one expression, or a comma list of them.
    static func parse(_ normalized: String) -> MathNode? {
        var p = MathParser(normalized)
        do {
            let node = try p.parseTop()
            return node
        } catch {
            return nil
        }
    }

    // MARK: - Tokens

    static func tokenize(_ b: [UInt8]) -> [MathToken] {
        var out: [MathToken] = []
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if MathAnswer.isSpace(c) {
                i += 1
                continue
            }
            if LatexNormalizer.isDigit(c) || (c == UInt8(ascii: ".") && i + 1 < n && LatexNormalizer.isDigit(b[i + 1]))
            {
                var j = i
                while j < n, LatexNormalizer.isDigit(b[j]) { j += 1 }
                if j + 1 < n, b[j] == UInt8(ascii: "."), LatexNormalizer.isDigit(b[j + 1]) {
                    j += 1
                    while j < n, LatexNormalizer.isDigit(b[j]) { j += 1 }
                } else if j == i, b[j] == UInt8(ascii: ".") {
                    j += 1
                    while j < n, LatexNormalizer.isDigit(b[j]) { j += 1 }
                }
                out.append(.number(String(decoding: b[i..<j], as: UTF8.self)))
                i = j
                continue
            }
            if MathAnswer.isLetter(c) {
                out.append(.letter(c))
                i += 1
                continue
            }
            if c == UInt8(ascii: "\\"), i + 1 < n {
                if MathAnswer.isLetter(b[i + 1]) {
                    var j = i + 1
                    while j < n, MathAnswer.isLetter(b[j]) { j += 1 }
                    let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                    if name == "text" {
                        var k = j
                        while k < n, b[k] == UInt8(ascii: " ") { k += 1 }
                        if k < n, b[k] == UInt8(ascii: "{"), let close = MathAnswer.closingBrace(in: b, openingAt: k) {
                            out.append(.text(String(decoding: b[(k + 1)..<close], as: UTF8.self)))
                            i = close + 1
                            continue
                        }
                    }
                    out.append(.command(name))
                    i = j
                    continue
                }
                out.append(.command(String(decoding: [b[i + 1]], as: UTF8.self)))
                i += 2
                continue
            }
            out.append(.char(c))
            i += 1
        }
        out.append(.end)
        return out
    }

    // MARK: - Cursor

    private var peek: MathToken { tokens[pos] }

    private func peek(_ k: Int) -> MathToken {
        pos + k < tokens.count ? tokens[pos + k] : .end
    }

    private mutating func advance() { if pos < tokens.count - 1 { pos += 1 } }

    private func fail() -> MathParseError { MathParseError(position: pos) }

    private mutating func expectChar(_ c: Character) throws {
        guard case .char(let x) = peek, x == c.asciiValue else { throw fail() }
        advance()
    }

    private func isChar(_ c: Character) -> Bool {
        if case .char(let x) = peek { return x == c.asciiValue }
        return false
    }

    private func isCommand(_ name: String) -> Bool {
        if case .command(let x) = peek { return x == name }
        return false
    }

    // MARK: - Grammar

    mutating func parseTop() throws -> MathNode {
        let items = try parseList()
        guard peek == .end else { throw fail() }
        return items.count == 1 ? items[0] : .list(items)
    }

    /// `item (, item)*`; an empty list when the next token closes a bracket.
    private mutating func parseList() throws -> [MathNode] {
        var items: [MathNode] = []
        if isClosing { return items }
        items.append(try parseRelation())
        while isChar(",") || isChar(";") {
            advance()
            while isChar(",") { advance() }  // `2, 3, \text{ and } 4`
            if isClosing { break }
            items.append(try parseRelation())
        }
        return items
    }

    private var isClosing: Bool {
        switch peek {
        case .end: return true
        case .char(let c): return c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")
        case .command(let n): return n == "}"
        default: return false
        }
    }

    private mutating func relationOperator() -> RelationOperator? {
        switch peek {
        case .char(let c):
            if c == UInt8(ascii: "=") { return .equal }
            if c == UInt8(ascii: "<") {
                if case .char(let d) = peek(1), d == UInt8(ascii: "=") {
                    advance()
                    return .lessEqual
                }
                return .less
            }
            if c == UInt8(ascii: ">") {
                if case .char(let d) = peek(1), d == UInt8(ascii: "=") {
                    advance()
                    return .greaterEqual
                }
                return .greater
            }
        case .command(let n):
            switch n {
            case "le": return .lessEqual
            case "ge": return .greaterEqual
            case "ne": return .notEqual
            case "in": return .equal  // `x \in [a, b]` reads as `x = [a, b]`
            default: return nil
            }
        default: break
        }
        return nil
    }

    private mutating func parseRelation() throws -> MathNode {
        var lhs = try parseSetExpression()
        while true {
            if isCommand("approx") {
                // `\frac23 \approx 0.67`: math-verify keeps the exact left side.
                advance()
                _ = try parseSetExpression()
                continue
            }
            guard let op = relationOperator() else { break }
            advance()
            let rhs = try parseSetExpression()
            lhs = .relation(op, lhs, rhs)
        }
        return lhs
    }

    private mutating func parseSetExpression() throws -> MathNode {
        let first = try parseAdditive()
        guard isCommand("cup") else { return first }
        var parts = [first]
        while isCommand("cup") {
            advance()
            parts.append(try parseAdditive())
        }
        return .union(parts)
    }

    private mutating func parseAdditive() throws -> MathNode {
        var terms: [MathNode] = [try parseTerm()]
        var pm: MathNode?
        while true {
            if isChar("+") {
                advance()
                terms.append(try parseTerm())
            } else if isChar("-") {
                advance()
                terms.append(.neg(try parseTerm()))
            } else if isCommand("pm") || isCommand("mp") {
                advance()
                let rhs = try parseTerm()
                let lhs = terms.count == 1 ? terms[0] : .add(terms)
                pm = .plusMinus(lhs, rhs)
                terms = []
                if isChar("+") || isChar("-") || isCommand("pm") { throw fail() }
                break
            } else {
                break
            }
        }
        if let pm { return pm }
        return terms.count == 1 ? terms[0] : .add(terms)
    }

    private mutating func parseTerm() throws -> MathNode {
        var factors: [MathNode] = [try parseUnary()]
        while true {
            if isChar("*") || isCommand("cdot") || isCommand("times") {
                advance()
                factors.append(try parseUnary())
            } else if isChar(":") {
                // A ratio `3:5` is the fraction 3/5.
                advance()
                factors.append(.pow(try parseUnary(), .number(MathParser.minusOne)))
            } else if isChar("/") || isCommand("div") {
                // math-verify (like SymPy's parser) lets juxtaposition bind tighter: a/bc = a/(bc).
                advance()
                var divisor = [try parseUnary()]
                while startsPrimary { divisor.append(try parsePower()) }
                let d = divisor.count == 1 ? divisor[0] : .mul(divisor)
                factors.append(.pow(d, .number(MathParser.minusOne)))
            } else if startsPrimary {
                if factors.count == 1, let mixed = try parseMixedNumber(after: factors[0]) {
                    factors[0] = mixed
                    continue
                }
                factors.append(try parsePower())
            } else {
                break
            }
        }
        return factors.count == 1 ? factors[0] : .mul(factors)
    }

    /// `2\frac{1}{2}` is the mixed number 5/2 (and `-2\frac{1}{2}` is -5/2), as in math-verify.
    private mutating func parseMixedNumber(after first: MathNode) throws -> MathNode? {
        var whole = first
        var negative = false
        if case .neg(let inner) = first {
            whole = inner
            negative = true
        }
        guard case .number(let w) = whole, !w.isDecimal, isCommand("frac") else { return nil }
        let save = pos
        advance()
        let a = try parseArgument(allowSign: false)
        let b = try parseArgument(allowSign: false)
        guard case .number(let n) = a, case .number(let d) = b, !n.isDecimal, !d.isDecimal else {
            pos = save
            return nil
        }
        let sum = MathNode.add([whole, .mul([a, .pow(b, .number(MathParser.minusOne))])])
        return negative ? .neg(sum) : sum
    }

    static let minusOne = NumberLiteral(text: "-1", exact: Rational(integer: -1), approx: -1, isDecimal: false)

    private var startsPrimary: Bool {
        switch peek {
        case .number, .letter: return true
        case .text: return false
        case .char(let c):
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "{") { return true }
            if c == UInt8(ascii: "|") { return absDepth == 0 }
            return false
        case .command(let n):
            return !MathParser.operatorCommands.contains(n)
        case .end: return false
        }
    }

    private var startsFunction: Bool {
        if case .command(let n) = peek { return MathParser.functions.contains(n) }
        return false
    }

    private static let operatorCommands: Set<String> = [
        "cdot", "times", "div", "pm", "mp", "cup", "cap", "setminus", "le", "ge", "ne", "to", "rightarrow",
        "approx", "end", "\\", "}", "%", "in", "quad", "qquad", "&", ",", ";", "implies", "iff", "Rightarrow",
        "wedge", "vee", "equiv", "sim", "cong", "mid", "colon", "circ",
    ]

    private mutating func parseUnary() throws -> MathNode {
        depth += 1
        defer { depth -= 1 }
        if depth > MathParser.maxDepth { throw fail() }
        if isChar("-") {
            advance()
            return .neg(try parseUnary())
        }
        if isChar("+") {
            advance()
            return try parseUnary()
        }
        if isCommand("pm") || isCommand("mp") {
            advance()
            return .plusMinus(nil, try parseUnary())
        }
        return try parsePower()
    }

    private mutating func parsePower() throws -> MathNode {
        let base = try parsePostfix()
        if isChar("^") {
            advance()
            let exponent = try parseArgument(allowSign: true)
            return try parsePostfixOperators(.pow(base, exponent))
        }
        return base
    }

    private mutating func parsePostfix() throws -> MathNode {
        try parsePostfixOperators(try parsePrimary())
    }

    private mutating func parsePostfixOperators(_ start: MathNode) throws -> MathNode {
        var node = start
        while true {
            if isChar("!") {
                advance()
                node = .function("factorial", [node])
            } else if isChar("_") {
                advance()
                let sub = try parseArgument(allowSign: false)
                switch node {
                case .number:
                    break  // `141_{13}`: math-verify drops the base
                case .symbol(let s):
                    node = .symbol(s + "_" + MathParser.describe(sub))
                default:
                    break
                }
            } else if isCommand("%") {
                advance()
                node = .percent(node)
            } else if isChar("'") {
                advance()
            } else {
                return node
            }
        }
    }

    /// A TeX argument: a braced group, or a single token (one digit of a number).
    private mutating func parseArgument(allowSign: Bool) throws -> MathNode {
        switch peek {
        case .char(let c) where c == UInt8(ascii: "{"):
            advance()
            let items = try parseList()
            guard isChar("}") else { throw fail() }
            advance()
            if items.isEmpty { throw fail() }
            return items.count == 1 ? items[0] : .list(items)
        case .number(let s):
            if s.utf8.count > 1, !s.contains(".") {
                let first = String(s.prefix(1))
                tokens[pos] = .number(String(s.dropFirst()))
                return MathParser.numberNode(first)
            }
            advance()
            return MathParser.numberNode(s)
        case .char(let c) where allowSign && c == UInt8(ascii: "-"):
            advance()
            return .neg(try parseArgument(allowSign: false))
        case .letter, .command:
            return try parsePrimary()
        case .char(let c) where c == UInt8(ascii: "("):
            return try parsePrimary()
        default:
            throw fail()
        }
    }

    static func numberNode(_ s: String) -> MathNode {
        let sub = Substring(s)
        let exact = Rational.parseDecimal(sub)
        return .number(
            NumberLiteral(text: s, exact: exact, approx: Double(s) ?? .nan, isDecimal: s.contains(".")))
    }

    private static let functions: Set<String> = [
        "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "log",
        "ln", "exp", "lg", "det", "gcd", "lcm", "max", "min", "arccot", "operatorname",
    ]

    private mutating func parsePrimary() throws -> MathNode {
        depth += 1
        defer { depth -= 1 }
        if depth > MathParser.maxDepth { throw fail() }
        switch peek {
        case .number(let s):
            advance()
            return MathParser.numberNode(s)
        case .letter(let c):
            advance()
            if c == UInt8(ascii: "s"), matchesWord("qrt"), case .char(let p) = peek(3), p == UInt8(ascii: "(") {
                pos += 3
                return .function("sqrt", [try parsePrimary()])
            }
            if c == UInt8(ascii: "e") { return .euler }
            let lower = c >= 65 && c <= 90 ? c + 32 : c
            return .symbol(String(decoding: [lower], as: UTF8.self))
        case .text(let t):
            advance()
            return .text(t)
        case .char(let c):
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") {
                return try parseBracket(open: c)
            }
            if c == UInt8(ascii: "{") {
                advance()
                let items = try parseList()
                guard isChar("}") else { throw fail() }
                advance()
                if items.isEmpty { throw fail() }
                return items.count == 1 ? items[0] : .list(items)
            }
            if c == UInt8(ascii: "|") {
                advance()
                absDepth += 1
                let inner = try parseSetExpression()
                absDepth -= 1
                guard isChar("|") else { throw fail() }
                advance()
                return .function("abs", [inner])
            }
            throw fail()
        case .command(let name):
            advance()
            return try parseCommand(name)
        case .end:
            throw fail()
        }
    }

    private func matchesWord(_ w: String) -> Bool {
        var k = 0
        for ch in w.utf8 {
            guard case .letter(let c) = peek(k), c == ch else { return false }
            k += 1
        }
        return true
    }

    private mutating func parseBracket(open: UInt8) throws -> MathNode {
        advance()
        let items = try parseList()
        guard case .char(let close) = peek, close == UInt8(ascii: ")") || close == UInt8(ascii: "]") else {
            throw fail()
        }
        advance()
        let leftClosed = open == UInt8(ascii: "[")
        let rightClosed = close == UInt8(ascii: "]")
        switch items.count {
        case 0:
            throw fail()
        case 1:
            if leftClosed || rightClosed {
                if leftClosed && rightClosed { return items[0] }
                throw fail()
            }
            return items[0]
        case 2:
            if !leftClosed && !rightClosed { return .openPair(items[0], items[1]) }
            return .interval(items[0], items[1], leftClosed: leftClosed, rightClosed: rightClosed)
        default:
            if leftClosed != rightClosed { throw fail() }
            return .tuple(items)
        }
    }

    private mutating func parseCommand(_ name: String) throws -> MathNode {
        switch name {
        case "frac":
            let a = try parseArgument(allowSign: false)
            let b = try parseArgument(allowSign: false)
            return .mul([a, .pow(b, .number(MathParser.minusOne))])
        case "sqrt":
            if isChar("[") {
                advance()
                let index = try parseAdditive()
                try expectChar("]")
                let radicand = try parseArgument(allowSign: false)
                return .function("root", [radicand, index])
            }
            return .function("sqrt", [try parseArgument(allowSign: false)])
        case "binom", "choose":
            let a = try parseArgument(allowSign: false)
            let b = try parseArgument(allowSign: false)
            return .function("binom", [a, b])
        case "pi": return .pi
        case "infty": return .infinity
        case "emptyset": return .emptySet
        case "{":
            let items = try parseList()
            guard isCommand("}") else { throw fail() }
            advance()
            return items.isEmpty ? .emptySet : .set(items)
        case "begin":
            return try parseEnvironment()
        case "mathbb":
            let arg = try parseArgument(allowSign: false)
            if arg == .symbol("r") {
                return .interval(.neg(.infinity), .infinity, leftClosed: false, rightClosed: false)
            }
            return arg
        case "mathbf", "boldsymbol", "vec", "overline", "bar", "hat", "mathcal", "widehat", "overrightarrow", "tilde",
            "bm", "underline", "mathit", "mathsf":
            return try parseArgument(allowSign: false)
        case "dots":
            return .symbol("...")
        case "%":
            throw fail()
        default:
            if MathParser.functions.contains(name) {
                return try parseFunction(name)
            }
            if name.utf8.count == 1, let c = name.utf8.first, !MathAnswer.isLetter(c) { throw fail() }
            return .symbol(name.lowercased())
        }
    }

    private mutating func parseFunction(_ name: String) throws -> MathNode {
        var power: MathNode?
        var base: MathNode?
        for _ in 0..<2 {
            if isChar("^") {
                advance()
                power = try parseArgument(allowSign: true)
            } else if isChar("_") {
                advance()
                base = try parseArgument(allowSign: false)
            }
        }
        let arg: MathNode
        if isChar("(") {
            arg = try parsePrimary()
        } else {
            // `\sin 2x` is sin(2x) and `\tan x/2` is tan(x/2): the argument runs over a product.
            var factors = [try parsePower()]
            while true {
                if isChar("/") {
                    advance()
                    var divisor = [try parsePower()]
                    while startsPrimary, !startsFunction { divisor.append(try parsePower()) }
                    let d = divisor.count == 1 ? divisor[0] : .mul(divisor)
                    factors.append(.pow(d, .number(MathParser.minusOne)))
                } else if startsPrimary, !startsFunction {
                    factors.append(try parsePower())
                } else if isChar("*") || isCommand("cdot") || isCommand("times") {
                    // `\sin 3 \cdot x` is sin(3x) to math-verify.
                    advance()
                    factors.append(try parsePower())
                } else {
                    break
                }
            }
            arg = factors.count == 1 ? factors[0] : .mul(factors)
        }
        var node: MathNode
        if name == "log", let base {
            node = .function("log", [arg, base])
        } else {
            node = .function(name, [arg])
        }
        if let power {
            if power == .neg(.number(NumberLiteral(text: "1", exact: .one, approx: 1, isDecimal: false))) {
                node = .function("arc" + name, [arg])
            } else {
                node = .pow(node, power)
            }
        }
        return node
    }

    /// `\begin{pmatrix} a & b \\ c & d \end{pmatrix}` and friends.
    private mutating func parseEnvironment() throws -> MathNode {
        let envName = try readBracedWord()
        if envName == "array" || envName == "tabular" {
            _ = try readBracedWord()  // column specification
        }
        var rows: [[MathNode]] = []
        var row: [MathNode] = []
        while true {
            if isCommand("end") {
                advance()
                guard try readBracedWord() == envName else { throw fail() }
                break
            }
            if isChar("&") {
                throw fail()
            }
            row.append(try parseRelation())
            if isChar("&") {
                advance()
                continue
            }
            if isCommand("\\") {
                advance()
                rows.append(row)
                row = []
                continue
            }
            if isCommand("end") { continue }
            throw fail()
        }
        if !row.isEmpty { rows.append(row) }
        guard let width = rows.first?.count, rows.allSatisfy({ $0.count == width }) else { throw fail() }
        if envName.hasSuffix("matrix") || envName == "array" {
            return .matrix(rows)
        }
        if envName == "cases" || envName == "aligned" || envName == "align" {
            return rows.count == 1 && width == 1 ? rows[0][0] : .list(rows.flatMap { $0 })
        }
        return .matrix(rows)
    }

    private mutating func readBracedWord() throws -> String {
        try expectChar("{")
        var name: [UInt8] = []
        while true {
            switch peek {
            case .letter(let c): name.append(c)
            case .char(let c) where c == UInt8(ascii: "*"): name.append(c)
            case .char(let c) where c == UInt8(ascii: "}"):
                advance()
                return String(decoding: name, as: UTF8.self)
            case .number(let s): name.append(contentsOf: s.utf8)
            default: throw fail()
            }
            advance()
        }
    }

    /// Short textual form of a subscript, for symbol names like `x_1`.
    static func describe(_ node: MathNode) -> String {
        switch node {
        case .number(let n): return n.text
        case .symbol(let s): return s
        default: return "?"
        }
    }
}
