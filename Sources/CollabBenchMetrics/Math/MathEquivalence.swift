// Structural and numeric comparison of parsed answers, following math-verify's conventions
// (reference first): sets ignore order, tuples don't, `x = 5` matches `5`, decimals are compared
// after rounding to six places, expressions with variables are compared at fixed sample points.

/// Decides whether a parsed answer matches a parsed reference.
enum MathEquivalence {
    /// Number of sample points for expressions with variables.
    static let samplePoints = 6

    /// True when `answer` is mathematically the same as `gold`.
    ///
    /// - Parameters:
    ///   - gold: the parsed reference.
    ///   - answer: the parsed answer.
    ///   - unwrapEquations: whether `x = 5` may stand for `5` (not inside a relation).
    static func equal(_ gold: MathNode, _ answer: MathNode, unwrapEquations: Bool = true) -> Bool {
        let g = unwrapSingleton(expandPlusMinus(gold))
        let a = unwrapSingleton(expandPlusMinus(answer))
        if g == a { return true }
        if let verdict = compareRelations(g, a, unwrapEquations: unwrapEquations) { return verdict }
        if let verdict = comparePercentages(g, a) { return verdict }
        if let verdict = compareCollections(g, a) { return verdict }
        if let verdict = compareSetLike(g, a) { return verdict }
        if isCollection(g) || isCollection(a) { return false }
        return equalScalar(g, a)
    }

    // MARK: - Relations

    /// Equations and inequalities; nil when neither side is a relation.
    private static func compareRelations(_ g: MathNode, _ a: MathNode, unwrapEquations: Bool) -> Bool? {
        if case .relation(let gop, let gl, let gr) = g {
            if case .relation(let aop, let al, let ar) = a {
                func same(_ x: MathNode, _ y: MathNode) -> Bool { equal(x, y, unwrapEquations: false) }
                if gop == aop {
                    if same(gl, al) && same(gr, ar) { return true }
                    if gop == .equal || gop == .notEqual { return same(gl, ar) && same(gr, al) }
                    return false
                }
                if flipped(gop) == aop { return same(gl, ar) && same(gr, al) }
                return false
            }
            // `x = 5` against `5`: the right side counts.
            if gop == .equal && unwrapEquations { return equal(gr, a) }
            if let set = inequalitySet(g), let other = realSet(a) { return sameRealSet(set, other) }
            return false
        }
        if case .relation(let aop, let al, let ar) = a {
            if !unwrapEquations { return false }
            if aop == .equal {
                if equal(g, ar) { return true }
                if case .symbol = ar { return equal(g, al) }  // `5 = x`
                return false
            }
            if let set = inequalitySet(a), let other = realSet(g) { return sameRealSet(other, set) }
            return false
        }
        return nil
    }

    // MARK: - Percentages

    /// `x\%` is x/100; math-verify also accepts the bare number when x is an integer literal.
    private static func comparePercentages(_ g: MathNode, _ a: MathNode) -> Bool? {
        if case .percent(let x) = g {
            if case .percent(let y) = a { return equal(x, y) }
            if isIntegerLiteral(x), equal(x, a) { return true }
            return !isCollection(a) && equalScalar(g, a)
        }
        if case .percent(let y) = a {
            if isIntegerLiteral(y), equal(g, y) { return true }
            return !isCollection(g) && equalScalar(g, a)
        }
        return nil
    }

    // MARK: - Lists, sets, tuples, matrices, text

    private static func compareCollections(_ g: MathNode, _ a: MathNode) -> Bool? {
        switch (g, a) {
        case (.list(let xs), .list(let ys)), (.set(let xs), .set(let ys)), (.list(let xs), .set(let ys)),
            (.set(let xs), .list(let ys)):
            return sameElements(xs, ys)
        case (.tuple(let xs), .tuple(let ys)), (.tuple(let xs), .list(let ys)), (.tuple(let xs), .set(let ys)),
            (.list(let xs), .tuple(let ys)), (.set(let xs), .tuple(let ys)):
            // A written list keeps its order against a tuple, as in math-verify.
            return sameSequence(xs, ys)
        case (.list(let xs), _) where !isCollection(a), (.set(let xs), _) where !isCollection(a):
            return sameElements(xs, [a])  // `5, 5` is the set {5}
        case (_, .list(let ys)) where !isCollection(g), (_, .set(let ys)) where !isCollection(g):
            return sameElements([g], ys)
        case (.matrix(let xs), .matrix(let ys)):
            guard xs.count == ys.count else { return false }
            for (r1, r2) in zip(xs, ys) where !sameSequence(r1, r2) { return false }
            return true
        case (.text, _), (_, .text):
            return sameText(g, a)
        default:
            return nil
        }
    }

    // MARK: - Pairs, intervals, unions

    private static func compareSetLike(_ g: MathNode, _ a: MathNode) -> Bool? {
        guard isSetLike(g) || isSetLike(a) else { return nil }
        let gPair = pairKind(g)
        let aPair = pairKind(a)
        if case .tuple(let xs)? = gPair {
            switch (aPair, a) {
            case (.tuple(let ys)?, _), (_, .list(let ys)), (_, .set(let ys)): return sameSequence(xs, ys)
            default: return false
            }
        }
        if case .tuple(let ys)? = aPair {
            switch g {
            case .list(let xs), .set(let xs): return sameSequence(xs, ys)
            default: return false
            }
        }
        // An open interval `(1, 2)` against a written list `1, 2`: compared in order.
        if case .openPair(let x1, let x2) = g {
            switch a {
            case .list(let ys), .set(let ys): return sameSequence([x1, x2], ys)
            default: break
            }
        }
        if case .openPair(let y1, let y2) = a {
            switch g {
            case .list(let xs), .set(let xs): return sameSequence(xs, [y1, y2])
            default: break
            }
        }
        if let s1 = realSet(g), let s2 = realSet(a) { return sameRealSet(s1, s2) }
        return structuralIntervalEqual(g, a)
    }

    // MARK: - Scalars

    /// Numeric comparison of two scalar expressions.
    static func equalScalar(_ g: MathNode, _ a: MathNode) -> Bool {
        let symbolic = containsSymbol(g) || containsSymbol(a)
        if !symbolic {
            let ev = MathEvaluator(point: nil)
            guard let gv = ev.evaluate(g), let av = ev.evaluate(a) else { return false }
            let explicitInfinity = containsInfinity(g) && containsInfinity(a)
            if !explicitInfinity, !gv.value.isFinite || !av.value.isFinite, !gv.value.isNaN, !av.value.isNaN {
                return sameResidue(g, a, point: nil) ?? false
            }
            return sameValue(gv, av, explicitInfinity: explicitInfinity)
        }
        // Variables: compare at fixed sample points, skipping points outside either domain.
        var decided = 0
        for k in 0..<samplePoints {
            let ev = MathEvaluator(point: k)
            guard let gv = ev.evaluate(g), let av = ev.evaluate(a) else { return false }
            if gv.value.isNaN || av.value.isNaN { continue }
            if !gv.value.isFinite || !av.value.isFinite {
                if let same = sameResidue(g, a, point: k) {
                    if !same { return false }
                    decided += 1
                    continue
                }
                if gv.value == av.value { continue }
                return false
            }
            let tolerance = gv.hasDecimal || av.hasDecimal ? 1e-6 : 1e-9
            if !close(gv.value, av.value, relative: tolerance) { return false }
            decided += 1
        }
        return decided >= 2
    }

    /// Exact comparison modulo a large prime, when both sides are rational expressions.
    private static func sameResidue(_ g: MathNode, _ a: MathNode, point: Int?) -> Bool? {
        let ev = ModularEvaluator(point: point)
        guard let x = ev.evaluate(g), let y = ev.evaluate(a) else { return nil }
        return x == y
    }

    /// math-verify's number comparison: exact for rationals, exact against an integer reference,
    /// rounded to six decimals when a decimal is involved, near-exact otherwise.
    static func sameValue(_ g: NumericValue, _ a: NumericValue, explicitInfinity: Bool) -> Bool {
        if g.value.isNaN || a.value.isNaN { return false }
        if !g.value.isFinite || !a.value.isFinite {
            return explicitInfinity && g.value == a.value
        }
        if !g.hasDecimal, !a.hasDecimal, let ge = g.exact, let ae = a.exact { return ge == ae }
        if g.hasDecimal || a.hasDecimal {
            if let ge = g.exact, ge.isInteger, !g.hasDecimal { return g.value == a.value }
            if let ae = a.exact, ae.isInteger, !a.hasDecimal { return g.value == a.value }
            return scaledRound6(g) == scaledRound6(a)
        }
        return close(g.value, a.value, relative: 1e-9)
    }

    /// The value times 10^6, rounded half to even; exact for rationals (decimal literals round
    /// as written, like math-verify), through doubles otherwise.
    static func scaledRound6(_ v: NumericValue) -> Double {
        if let r = v.exact, r.numerator.magnitude < 9_000_000_000_000 {
            let scaled = r.numerator * 1_000_000
            var q = scaled / r.denominator
            let rem = scaled % r.denominator
            let twice = rem.magnitude * 2
            let den = UInt64(r.denominator)
            if twice > den || (twice == den && q % 2 != 0) {
                q += scaled < 0 ? -1 : 1
            }
            return Double(q)
        }
        guard Swift.abs(v.value) < 1e15 else { return v.value * 1e6 }
        return (v.value * 1e6).rounded(.toNearestOrEven)
    }

    static func round6(_ x: Double) -> Double {
        guard Swift.abs(x) < 1e15 else { return x }
        return (x * 1e6).rounded(.toNearestOrEven) / 1e6
    }

    static func close(_ x: Double, _ y: Double, relative: Double) -> Bool {
        if x == y { return true }
        return Swift.abs(x - y) <= relative * max(1.0, max(Swift.abs(x), Swift.abs(y)))
    }

    // MARK: - Collections

    static func sameSequence(_ xs: [MathNode], _ ys: [MathNode]) -> Bool {
        guard xs.count == ys.count else { return false }
        for (x, y) in zip(xs, ys) where !equal(x, y) { return false }
        return true
    }

    /// Set equality: every element has an equal partner on the other side.
    static func sameElements(_ xs: [MathNode], _ ys: [MathNode]) -> Bool {
        if xs.count * ys.count <= 400 {
            for x in xs where !ys.contains(where: { equal(x, $0) }) { return false }
            for y in ys where !xs.contains(where: { equal($0, y) }) { return false }
            return true
        }
        if xs.count > 2_000 || ys.count > 2_000 {
            return Set(xs) == Set(ys)  // keeps pathological inputs fast; no answer is that long
        }
        return covered(xs, by: ys, goldFirst: true) && covered(ys, by: xs, goldFirst: false)
    }

    /// Whether every element of `xs` equals some element of `ys`; long lists of numbers are
    /// matched through a sorted index of their values instead of pair by pair.
    private static func covered(_ xs: [MathNode], by ys: [MathNode], goldFirst: Bool) -> Bool {
        func same(_ x: MathNode, _ y: MathNode) -> Bool { goldFirst ? equal(x, y) : equal(y, x) }
        var index: [(value: Double, position: Int)] = []
        var others: [Int] = []
        for (k, y) in ys.enumerated() {
            if let v = numericKey(y) { index.append((v, k)) } else { others.append(k) }
        }
        index.sort { $0.value < $1.value }
        for x in xs {
            guard let v = numericKey(x) else {
                if !ys.contains(where: { same(x, $0) }) { return false }
                continue
            }
            let window = 1e-5 * max(1, Swift.abs(v))
            var lo = 0
            var hi = index.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if index[mid].value < v - window { lo = mid + 1 } else { hi = mid }
            }
            var found = false
            while lo < index.count, index[lo].value <= v + window {
                if same(x, ys[index[lo].position]) {
                    found = true
                    break
                }
                lo += 1
            }
            if !found, !others.contains(where: { same(x, ys[$0]) }) { return false }
        }
        return true
    }

    /// The value of a plain number-valued element (no variables, no percent), for indexing.
    private static func numericKey(_ n: MathNode) -> Double? {
        switch n {
        case .percent, .relation, .text: return nil
        default: break
        }
        if isCollection(n) || containsSymbol(n) || containsPercent(n) { return nil }
        guard let v = MathEvaluator(point: nil).evaluate(n)?.value, v.isFinite else { return nil }
        return v
    }

    private static func containsPercent(_ n: MathNode) -> Bool {
        switch n {
        case .percent: return true
        case .neg(let x): return containsPercent(x)
        case .add(let xs), .mul(let xs): return xs.contains(where: containsPercent)
        case .pow(let x, let y): return containsPercent(x) || containsPercent(y)
        default: return false
        }
    }

    static func isCollection(_ n: MathNode) -> Bool {
        switch n {
        case .list, .set, .tuple, .matrix, .openPair, .interval, .union, .emptySet: return true
        default: return false
        }
    }

    private static func isSetLike(_ n: MathNode) -> Bool {
        switch n {
        case .openPair, .interval, .union, .emptySet: return true
        default: return false
        }
    }

    /// For `(a, b)`: `.openPair` kept as an interval when a < b numerically, else a `.tuple`.
    private static func pairKind(_ n: MathNode) -> MathNode? {
        guard case .openPair(let x, let y) = n else { return nil }
        let ev = MathEvaluator(point: nil)
        if let xv = ev.evaluate(x), let yv = ev.evaluate(y), !xv.value.isNaN, !yv.value.isNaN {
            return xv.value < yv.value ? n : .tuple([x, y])
        }
        return containsInfinity(x) || containsInfinity(y) ? n : .tuple([x, y])
    }

    // MARK: - Real sets (intervals, unions, finite sets of numbers)

    struct Span: Equatable {
        var lo: Double
        var hi: Double
        var loClosed: Bool
        var hiClosed: Bool
    }

    /// The real set an interval-like node denotes, merged and sorted; nil if not numeric.
    static func realSet(_ n: MathNode) -> [Span]? {
        var spans: [Span] = []
        guard collectSpans(n, into: &spans) else { return nil }
        return canonical(spans)
    }

    private static func collectSpans(_ n: MathNode, into spans: inout [Span]) -> Bool {
        let ev = MathEvaluator(point: nil)
        switch n {
        case .emptySet:
            return true
        case .union(let parts):
            for p in parts where !collectSpans(p, into: &spans) { return false }
            return true
        case .openPair(let x, let y), .interval(let x, let y, _, _):
            guard let xv = ev.evaluate(x), let yv = ev.evaluate(y), !xv.value.isNaN, !yv.value.isNaN,
                xv.value <= yv.value
            else { return false }
            var lc = false
            var rc = false
            if case .interval(_, _, let l, let r) = n {
                lc = l
                rc = r
            }
            if xv.value == yv.value && !(lc && rc) { return true }
            spans.append(
                Span(lo: xv.value, hi: yv.value, loClosed: lc && xv.value.isFinite, hiClosed: rc && yv.value.isFinite))
            return true
        case .set(let xs), .list(let xs):
            for x in xs {
                guard let v = ev.evaluate(x), v.value.isFinite else { return false }
                spans.append(Span(lo: v.value, hi: v.value, loClosed: true, hiClosed: true))
            }
            return true
        default:
            return false
        }
    }

    private static func canonical(_ input: [Span]) -> [Span] {
        let sorted = input.sorted { ($0.lo, $0.loClosed ? 0 : 1) < ($1.lo, $1.loClosed ? 0 : 1) }
        var out: [Span] = []
        for s in sorted {
            if var last = out.last, s.lo < last.hi || (s.lo == last.hi && (s.loClosed || last.hiClosed)) {
                if s.hi > last.hi {
                    last.hi = s.hi
                    last.hiClosed = s.hiClosed
                } else if s.hi == last.hi {
                    last.hiClosed = last.hiClosed || s.hiClosed
                }
                out[out.count - 1] = last
                continue
            }
            out.append(s)
        }
        return out
    }

    static func sameRealSet(_ a: [Span], _ b: [Span]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            if x.loClosed != y.loClosed || x.hiClosed != y.hiClosed { return false }
            if !endpointEqual(x.lo, y.lo) || !endpointEqual(x.hi, y.hi) { return false }
        }
        return true
    }

    private static func endpointEqual(_ x: Double, _ y: Double) -> Bool {
        if !x.isFinite || !y.isFinite { return x == y }
        return close(x, y, relative: 1e-9) || round6(x) == round6(y)
    }

    /// `x > 2` → (2, ∞); `-1 \le x < 3` → [-1, 3).
    static func inequalitySet(_ n: MathNode) -> [Span]? {
        guard case .relation(let op, let l, let r) = n, op != .equal, op != .notEqual else { return nil }
        let ev = MathEvaluator(point: nil)
        if case .relation(let op1, let lo, let mid) = l, containsSymbol(mid), !containsSymbol(lo), !containsSymbol(r),
            let lv = ev.evaluate(lo), let hv = ev.evaluate(r)
        {
            // lo op1 x op hi
            switch (op1, op) {
            case (.less, .less), (.lessEqual, .less), (.less, .lessEqual), (.lessEqual, .lessEqual):
                return [Span(lo: lv.value, hi: hv.value, loClosed: op1 == .lessEqual, hiClosed: op == .lessEqual)]
            default: return nil
            }
        }
        let variableLeft = containsSymbol(l) && !containsSymbol(r)
        let variableRight = containsSymbol(r) && !containsSymbol(l)
        guard variableLeft || variableRight else { return nil }
        guard let v = ev.evaluate(variableLeft ? r : l)?.value, v.isFinite else { return nil }
        let o = variableLeft ? op : flipped(op)
        switch o {
        case .less: return [Span(lo: -.infinity, hi: v, loClosed: false, hiClosed: false)]
        case .lessEqual: return [Span(lo: -.infinity, hi: v, loClosed: false, hiClosed: true)]
        case .greater: return [Span(lo: v, hi: .infinity, loClosed: false, hiClosed: false)]
        case .greaterEqual: return [Span(lo: v, hi: .infinity, loClosed: true, hiClosed: false)]
        default: return nil
        }
    }

    private static func flipped(_ op: RelationOperator) -> RelationOperator {
        switch op {
        case .less: return .greater
        case .greater: return .less
        case .lessEqual: return .greaterEqual
        case .greaterEqual: return .lessEqual
        default: return op
        }
    }

    /// Interval-like nodes with symbolic endpoints: same brackets, equal endpoints.
    private static func structuralIntervalEqual(_ g: MathNode, _ a: MathNode) -> Bool {
        switch (g, a) {
        case (.openPair(let x1, let y1), .openPair(let x2, let y2)):
            return equal(x1, x2) && equal(y1, y2)
        case (.interval(let x1, let y1, let l1, let r1), .interval(let x2, let y2, let l2, let r2)):
            return l1 == l2 && r1 == r2 && equal(x1, x2) && equal(y1, y2)
        case (.union(let xs), .union(let ys)):
            return sameElements(xs, ys)
        default:
            return false
        }
    }

    // MARK: - Text

    /// `\text{(C)}` matches `C`, `(C)` and `\text{c}`; `\text{Friday}` matches `Friday`.
    static func sameText(_ g: MathNode, _ a: MathNode) -> Bool {
        guard let x = textKey(g), let y = textKey(a) else { return false }
        return x == y
    }

    static func textKey(_ n: MathNode) -> String? {
        switch n {
        case .text(let t):
            var s = t.lowercased().filter { $0 != " " }
            if s.hasPrefix("("), s.hasSuffix(")"), s.count > 2 { s = String(s.dropFirst().dropLast()) }
            return s
        case .symbol(let s):
            return s
        case .euler:
            return "e"
        case .mul(let fs):
            var out = ""
            for f in fs {
                guard let k = textKey(f), !k.isEmpty, k.allSatisfy({ $0.isLetter }) else { return nil }
                out += k
            }
            return out
        default:
            return nil
        }
    }

    // MARK: - Tree helpers

    static func isIntegerLiteral(_ n: MathNode) -> Bool {
        switch n {
        case .number(let lit): return !lit.isDecimal
        case .neg(let x): return isIntegerLiteral(x)
        default: return false
        }
    }

    static func containsSymbol(_ n: MathNode) -> Bool {
        switch n {
        case .symbol: return true
        case .number, .pi, .euler, .infinity, .emptySet, .text: return false
        case .add(let xs), .mul(let xs), .list(let xs), .set(let xs), .tuple(let xs), .union(let xs):
            return xs.contains(where: containsSymbol)
        case .function(_, let xs): return xs.contains(where: containsSymbol)
        case .pow(let x, let y), .relation(_, let x, let y), .openPair(let x, let y), .interval(let x, let y, _, _):
            return containsSymbol(x) || containsSymbol(y)
        case .neg(let x), .percent(let x): return containsSymbol(x)
        case .plusMinus(let x, let y): return (x.map(containsSymbol) ?? false) || containsSymbol(y)
        case .matrix(let rows): return rows.contains { $0.contains(where: containsSymbol) }
        }
    }

    static func containsInfinity(_ n: MathNode) -> Bool {
        switch n {
        case .infinity: return true
        case .neg(let x): return containsInfinity(x)
        case .add(let xs), .mul(let xs): return xs.contains(where: containsInfinity)
        default: return false
        }
    }

    /// `a ± b` becomes the list `a + b, a - b`.
    static func expandPlusMinus(_ n: MathNode) -> MathNode {
        switch n {
        case .plusMinus(let l, let r):
            if let l { return .list([.add([l, r]), .add([l, .neg(r)])]) }
            return .list([r, .neg(r)])
        case .list(let xs):
            guard xs.contains(where: { if case .plusMinus = $0 { return true } else { return false } }) else {
                return n
            }
            var out: [MathNode] = []
            for x in xs {
                if case .list(let ys) = expandPlusMinus(x) { out.append(contentsOf: ys) } else { out.append(x) }
            }
            return .list(out)
        default:
            return n
        }
    }

    static func unwrapSingleton(_ n: MathNode) -> MathNode {
        switch n {
        case .list(let xs) where xs.count == 1: return unwrapSingleton(xs[0])
        case .set(let xs) where xs.count == 1: return unwrapSingleton(xs[0])
        default: return n
        }
    }
}
