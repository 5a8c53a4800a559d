import CollabBenchCore
import Foundation

/// Checks of the simulated user's behaviour that need only the transcript, and the fidelity score
/// entries of a conversation (``entries(transcript:kind:reference:leakThreshold:)``).
///
/// It lives in CollabBenchScoring, beside the scorer, so the early-stop rule reads code blocks
/// with the extractor's own fence reader (``CodeFence``); CollabBenchMetrics (dependency-free)
/// holds the text kernel for the leak check, `LeakMeasure`.
public enum SimulatorFidelity {
    /// Words an assistant message must have to count as a document draft (documents task).
    public static let minimumDraftWords = 100

    /// True when the simulated user ended the conversation before the agent produced any answer
    /// or artefact: a premature stop by the simulator, not a failure of the agent.
    ///
    /// Rules, simple on purpose:
    /// - Only a conversation the user ended (`endedByUser`, the termination marker) can be an early
    ///   stop; one that ran out of exchanges or that the agent ended is not.
    /// - It is an early stop when no assistant message holds an answer or artefact:
    ///   - math: no assistant message contains `\boxed` (or `\fbox`);
    ///   - code: no assistant message contains a fenced code block with at least one non-blank
    ///     line (``CodeFence/containsCode(_:)``);
    ///   - docs: no assistant message has at least ``minimumDraftWords`` words (whitespace-separated).
    /// - Parameters:
    ///   - turns: The conversation's messages with roles, in order (system messages are ignored).
    ///   - endedByUser: Whether the simulated user's termination marker ended the conversation.
    ///   - kind: The task kind.
    public static func isEarlyStop(turns: [ChatMessage], endedByUser: Bool, kind: TaskKind) -> Bool {
        guard endedByUser else { return false }
        return !turns.contains { $0.role == .assistant && holdsAnswer($0.content, kind: kind) }
    }

    /// ``isEarlyStop(turns:endedByUser:kind:)`` for a transcript: ended by the user when its end
    /// reason is ``EndReason/userTerminated``.
    public static func isEarlyStop(_ transcript: Transcript, kind: TaskKind) -> Bool {
        isEarlyStop(
            turns: transcript.turns.map { ChatMessage(role: $0.role, content: $0.text) },
            endedByUser: transcript.endReason == .userTerminated, kind: kind)
    }

    /// Whether one assistant message holds an answer (math), a program (code) or a draft (docs),
    /// by the rules of ``isEarlyStop(turns:endedByUser:kind:)``.
    public static func holdsAnswer(_ text: String, kind: TaskKind) -> Bool {
        switch kind {
        case .math: text.contains("\\boxed") || text.contains("\\fbox")
        case .code: CodeFence.containsCode(text)
        case .docs: wordCount(text, atLeast: minimumDraftWords)
        }
    }

    private static func wordCount(_ text: String, atLeast limit: Int) -> Bool {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
                if count >= limit { return true }
            }
        }
        return false
    }
}
