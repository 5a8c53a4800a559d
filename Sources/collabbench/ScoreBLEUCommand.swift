import ArgumentParser
import CollabBenchMetrics
import Foundation

/// `collabbench score bleu`: BLEU of a hypothesis against a reference, one pair from two files or
/// many pairs from a JSON Lines batch.
struct ScoreBLEUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bleu",
        abstract: "Score a hypothesis against a reference with BLEU (0-100).",
        discussion: """
            Modes:
              char       the CollabLLM paper's metric: NLTK sentence_bleu([reference], hypothesis)
                         on raw strings, so every Unicode code point is a token (times 100).
              sacrebleu  word-level sacreBLEU 2.6.0 defaults (13a tokenizer, exp smoothing);
                         sentence scores use the effective order, like sacrebleu.sentence_bleu.

            Files are read verbatim as UTF-8 (a trailing newline is part of the text).

            --batch FILE reads JSON Lines {"reference": ..., "hypothesis": ...} (blank lines are
            skipped) and writes one line {"line": N, "score": S} per pair, N being the input line
            number. In sacrebleu mode a last line {"corpus_score": S, "count": N} follows: the
            corpus BLEU of all pairs, like sacrebleu.corpus_bleu(hypotheses, [references]) (the
            statistics of all pairs summed, no effective order), which is not the mean of the
            sentence scores.
            """)

    /// Which BLEU to compute.
    enum Mode: String, ExpressibleByArgument, CaseIterable, Sendable {
        case char
        case sacrebleu
    }

    @Option(help: "File holding the reference text.")
    var reference: String?

    @Option(help: "File holding the hypothesis text.")
    var hypothesis: String?

    @Option(help: "JSON Lines file of {\"reference\", \"hypothesis\"} pairs to score one by one.")
    var batch: String?

    @Option(help: "Which BLEU: char (the paper's, NLTK on characters) or sacrebleu (13a words).")
    var mode: Mode = .char

    @Flag(help: "Print a JSON object instead of a human-readable line (single pair only).")
    var json = false

    func validate() throws {
        if batch != nil {
            guard reference == nil, hypothesis == nil else {
                throw ValidationError("Use either --batch or --reference/--hypothesis, not both.")
            }
        } else {
            guard reference != nil, hypothesis != nil else {
                throw ValidationError("Give --reference and --hypothesis files, or --batch.")
            }
        }
    }

    func run() async throws {
        if let batch {
            try scoreBatch(path: batch)
            return
        }
        guard let reference, let hypothesis else { return }
        let referenceText = try Input.readText(path: reference)
        let hypothesisText = try Input.readText(path: hypothesis)
        let score = Self.score(mode: mode, reference: referenceText, hypothesis: hypothesisText)
        if json {
            print(#"{"mode":"\#(mode.rawValue)","score":\#(score)}"#)
        } else {
            let name = mode == .char ? "character BLEU (NLTK, paper)" : "sacreBLEU (13a)"
            print("\(name): \(String(format: "%.2f", score))")
        }
    }

    /// The 0-100 score of one pair.
    static func score(mode: Mode, reference: String, hypothesis: String) -> Double {
        switch mode {
        case .char: CharacterBLEU.score(reference: reference, hypothesis: hypothesis) * 100
        case .sacrebleu: SacreBLEU.sentenceScore(reference: reference, hypothesis: hypothesis)
        }
    }

    private func scoreBatch(path: String) throws {
        let text = try Input.readText(path: path)
        var corpus = SacreBLEU.Statistics()
        var count = 0
        var output = ""
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let pair = try Input.decodePair(line, path: path, line: lineNumber)
            let score: Double
            switch mode {
            case .char:
                score =
                    CharacterBLEU.score(reference: pair.reference, hypothesis: pair.hypothesis)
                    * 100
            case .sacrebleu:
                let statistics = SacreBLEU.Statistics(
                    reference: pair.reference, hypothesis: pair.hypothesis)
                score = statistics.score(effectiveOrder: true)
                corpus += statistics
            }
            count += 1
            output += #"{"line":\#(lineNumber),"score":\#(score)}"# + "\n"
            if output.utf8.count > 1 << 16 {
                print(output, terminator: "")
                output = ""
            }
        }
        if mode == .sacrebleu {
            output +=
                #"{"corpus_score":\#(corpus.score(effectiveOrder: false)),"count":\#(count)}"#
                + "\n"
        }
        print(output, terminator: "")
    }
}

// MARK: - Input

extension ScoreBLEUCommand {
    /// Reading the command's inputs, with errors that name the file and line.
    enum Input {
        /// A reference/hypothesis pair from a batch line.
        struct Pair: Decodable {
            var reference: String
            var hypothesis: String
        }

        /// What went wrong with an input file.
        struct Failure: Error, CustomStringConvertible {
            /// One line naming the file (and line) and the cause.
            var description: String
        }

        /// The whole file as UTF-8 text.
        static func readText(path: String) throws -> String {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                let reason =
                    FileManager.default.fileExists(atPath: path)
                    ? "cannot be read" : "does not exist"
                throw Failure(description: "file \(path) \(reason)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw Failure(description: "file \(path) is not valid UTF-8")
            }
            return text
        }

        /// Decodes one batch line.
        static func decodePair(_ line: Substring, path: String, line number: Int) throws -> Pair {
            do {
                return try JSONDecoder().decode(Pair.self, from: Data(line.utf8))
            } catch let DecodingError.keyNotFound(key, _) {
                throw Failure(
                    description: "\(path):\(number): missing string field \"\(key.stringValue)\"")
            } catch let DecodingError.typeMismatch(_, context) {
                let field = context.codingPath.last?.stringValue ?? "value"
                throw Failure(description: "\(path):\(number): field \"\(field)\" is not a string")
            } catch {
                throw Failure(
                    description:
                        "\(path):\(number): not a JSON object with \"reference\" and \"hypothesis\""
                )
            }
        }
    }
}
