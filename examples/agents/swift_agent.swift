// A tiny CollabBench subprocess agent in Swift: asks one clarifying question, then answers.
//
// Run it as a script (the first turn waits for the compiler, so give it a generous turn timeout):
//
//     swift examples/agents/swift_agent.swift
//
// or compile it once and run the binary:
//
//     swiftc -O -o /tmp/swift_agent examples/agents/swift_agent.swift && /tmp/swift_agent
//
// Protocol (see README.md next to this file): one JSON object per line on stdin; answer every
// "turn" with exactly one line {"content": ..., "usage": {...}} on stdout; "end" needs no answer;
// end of file on stdin means stop. Logs go to stderr, never to stdout.

import Foundation

/// Conversations this process has asked its question in.
var asked = Set<String>()

func log(_ text: String) {
    FileHandle.standardError.write(Data("swift_agent: \(text)\n".utf8))
}

func wordCount(_ text: String) -> Int {
    text.split(whereSeparator: { $0.isWhitespace }).count
}

/// The reply to one turn message.
func answer(_ message: [String: Any]) -> [String: Any] {
    let conversation = message["conversation"] as? String ?? ""
    let history = message["messages"] as? [[String: Any]] ?? []
    let userTurns = history.filter { $0["role"] as? String == "user" }.compactMap { $0["content"] as? String }
    let content: String
    if !asked.contains(conversation) {
        asked.insert(conversation)
        content = "Before I start: what matters most to you here, and is there a format or length you want the answer in?"
    } else {
        let request = userTurns.first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let last = userTurns.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        content = "Thanks, that helps. You asked: \(request) You added: \(last) Here is my answer, following what you told me."
    }
    let promptTokens = history.compactMap { $0["content"] as? String }.map(wordCount).reduce(0, +)
    return ["content": content, "usage": ["prompt_tokens": promptTokens, "completion_tokens": wordCount(content)]]
}

while let line = readLine(strippingNewline: true) {
    guard !line.allSatisfy(\.isWhitespace) else { continue }
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
        log("ignoring a line that is not a JSON object")
        continue
    }
    switch object["type"] as? String {
    case "turn":
        let reply = try JSONSerialization.data(withJSONObject: answer(object))
        FileHandle.standardOutput.write(reply + Data("\n".utf8))  // unbuffered: reaches CollabBench at once
    case "end":
        asked.remove(object["conversation"] as? String ?? "")
    case let other:
        log("ignoring message of type \(other ?? "none")")
    }
}
