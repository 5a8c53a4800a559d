import CollabBenchCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct JSONValueFlattenedTests {
    @Test func leavesAreNamedByTheirDottedPath() throws {
        let value = try JSONValue.parse(#"{"a":{"b":1,"c":[2,{"d":3}],"e":{}},"f":"x","g":null,"h":false}"#)
        #expect(
            value.flattened() == [
                "a.b": .number(1), "a.c": .array([.number(2), .object(["d": .number(3)])]), "f": .string("x"), "g": .null,
                "h": .bool(false),
            ])
        #expect(value.flattened(prefix: "root")["root.a.b"] == .number(1))
    }

    @Test func aValueThatIsNoObjectIsOneLeaf() {
        #expect(JSONValue.number(4).flattened() == ["": .number(4)])
        #expect(JSONValue.string("s").flattened(prefix: "p") == ["p": .string("s")])
        #expect(JSONValue.object([:]).flattened().isEmpty)
    }

    @Test func skippedKeysAndWholeObjects() throws {
        let value = try JSONValue.parse(#"{"agent":{"x":1},"judge":{"provider":"openai","model":"m","url":"u"},"n":{"agentKnob":2,"k":3}}"#)
        let flat = value.flattened(
            skipping: { $0.hasPrefix("agent") },
            leaf: { object in object["provider"] != nil ? object["model"] : nil })
        #expect(flat == ["judge": .string("m"), "n.k": .number(3)])
    }

    @Test func flatteningAFlatObjectChangesNothing() throws {
        // Law: an object whose members are all leaves flattens to itself.
        let object: [String: JSONValue] = ["a": .number(1), "b": .string("x"), "c": .array([.null])]
        #expect(JSONValue.object(object).flattened() == object)
    }
}
