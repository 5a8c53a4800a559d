/// A suffix automaton over Unicode scalar values, in flat arrays: it recognises every substring
/// of the text it was built from and finds, in linear time, the longest substring of another text
/// that also occurs in it.
///
/// Transitions are kept as singly linked edge lists (symbol, target, next) so the automaton costs
/// O(n) memory whatever the alphabet (at most 2n states and 3n edges for a text of n scalars).
struct SuffixAutomaton: Sendable {
    private var length: [Int32] = []
    private var link: [Int32] = []
    private var head: [Int32] = []
    private var edgeSymbol: [UInt32] = []
    private var edgeTarget: [Int32] = []
    private var edgeNext: [Int32] = []
    private var last: Int32 = 0

    /// Builds the automaton of `text`.
    init(_ text: [UInt32]) {
        let capacity = max(2, 2 * text.count)
        length.reserveCapacity(capacity)
        link.reserveCapacity(capacity)
        head.reserveCapacity(capacity)
        edgeSymbol.reserveCapacity(3 * text.count)
        edgeTarget.reserveCapacity(3 * text.count)
        edgeNext.reserveCapacity(3 * text.count)
        _ = newState(length: 0, link: -1)
        for symbol in text { extend(symbol) }
    }

    /// The length of the longest substring of `text` that is also a substring of the built text.
    func longestMatch(in text: some Sequence<UInt32>) -> Int {
        var state: Int32 = 0
        var current: Int32 = 0
        var best: Int32 = 0
        for symbol in text {
            while state != 0, edge(from: state, on: symbol) < 0 {
                state = link[Int(state)]
                current = length[Int(state)]
            }
            let e = edge(from: state, on: symbol)
            if e >= 0 {
                state = edgeTarget[Int(e)]
                current += 1
                if current > best { best = current }
            } else {
                state = 0
                current = 0
            }
        }
        return Int(best)
    }

    // MARK: - Construction

    private mutating func newState(length len: Int32, link parent: Int32) -> Int32 {
        length.append(len)
        link.append(parent)
        head.append(-1)
        return Int32(length.count - 1)
    }

    private func edge(from state: Int32, on symbol: UInt32) -> Int32 {
        var e = head[Int(state)]
        while e >= 0 {
            if edgeSymbol[Int(e)] == symbol { return e }
            e = edgeNext[Int(e)]
        }
        return -1
    }

    private mutating func addEdge(from state: Int32, on symbol: UInt32, to target: Int32) {
        edgeSymbol.append(symbol)
        edgeTarget.append(target)
        edgeNext.append(head[Int(state)])
        head[Int(state)] = Int32(edgeSymbol.count - 1)
    }

    private mutating func extend(_ symbol: UInt32) {
        let current = newState(length: length[Int(last)] + 1, link: 0)
        var p = last
        while p >= 0, edge(from: p, on: symbol) < 0 {
            addEdge(from: p, on: symbol, to: current)
            p = link[Int(p)]
        }
        if p >= 0 {
            let q = edgeTarget[Int(edge(from: p, on: symbol))]
            if length[Int(p)] + 1 == length[Int(q)] {
                link[Int(current)] = q
            } else {
                let clone = newState(length: length[Int(p)] + 1, link: link[Int(q)])
                var e = head[Int(q)]
                while e >= 0 {
                    addEdge(from: clone, on: edgeSymbol[Int(e)], to: edgeTarget[Int(e)])
                    e = edgeNext[Int(e)]
                }
                while p >= 0 {
                    let pe = edge(from: p, on: symbol)
                    guard pe >= 0, edgeTarget[Int(pe)] == q else { break }
                    edgeTarget[Int(pe)] = clone
                    p = link[Int(p)]
                }
                link[Int(q)] = clone
                link[Int(current)] = clone
            }
        }
        last = current
    }
}
