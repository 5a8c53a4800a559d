extension JSONValue {
    /// The leaves of this value by dotted path: every member of an object, at any depth, becomes
    /// `path.key` → its value; anything else (strings, numbers, booleans, null, arrays) is a leaf.
    ///
    /// ```swift
    /// try JSONValue.parse(#"{"a":{"b":1,"c":[2]},"d":"x"}"#).flattened()
    /// // ["a.b": .number(1), "a.c": .array([.number(2)]), "d": .string("x")]
    /// ```
    ///
    /// An empty object has no leaves; a value that is not an object is one leaf at `prefix`.
    ///
    /// - Parameters:
    ///   - prefix: the path of this value (empty: members are named by their keys alone).
    ///   - skipping: members to leave out, by key, in every object (this one included).
    ///   - leaf: for an object to keep whole, the value to keep at its path (nil: flatten its
    ///     members); asked before `skipping`.
    /// - Returns: path → leaf value.
    public func flattened(
        prefix: String = "", skipping skip: (String) -> Bool = { _ in false },
        leaf: ([String: JSONValue]) -> JSONValue? = { _ in nil }
    ) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        flatten(into: &out, path: prefix, skip: skip, leaf: leaf)
        return out
    }

    private func flatten(
        into out: inout [String: JSONValue], path: String, skip: (String) -> Bool, leaf: ([String: JSONValue]) -> JSONValue?
    ) {
        guard case .object(let object) = self else {
            out[path] = self
            return
        }
        if let whole = leaf(object) {
            out[path] = whole
            return
        }
        for (key, member) in object where !skip(key) {
            member.flatten(into: &out, path: path.isEmpty ? key : "\(path).\(key)", skip: skip, leaf: leaf)
        }
    }
}
