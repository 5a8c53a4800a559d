import ArgumentParser
import CollabBenchMetrics
import CollabBenchScoring
import Foundation

/// `collabbench tokens`: counts tokens exactly as tiktoken does, for a file, standard input, or
/// each line of a JSON Lines file of string literals.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Count the tokens of a text with a tiktoken encoding (cl100k_base or o200k_base).",
        discussion: """
            Counts match tiktoken's encode_ordinary: special tokens such as <|endoftext|> count \
            as plain text. The rank file is looked for in --tokenizer-dir, then \
            $COLLABBENCH_TOKENIZER_DIR, then ~/.cache/collabbench/tokenizers, and otherwise \
            downloaded once into that cache.
            """)

    @Option(
        help: "The encoding: \(TokenizerEncodingName.allCases.map(\.rawValue).joined(separator: " or ")).",
        transform: { value in
            guard let encoding = TokenizerEncodingName(rawValue: value) else {
                throw ValidationError(
                    "unknown encoding '\(value)'; use "
                        + TokenizerEncodingName.allCases.map(\.rawValue).joined(separator: " or "))
            }
            return encoding
        })
    var encoding: TokenizerEncodingName = .cl100kBase

    @Option(help: "A directory holding <encoding>.tiktoken rank files.")
    var tokenizerDir: String?

    @Flag(help: "Treat each input line as a JSON string literal and print one count per line.")
    var lines = false

    @Flag(help: "Print JSON objects instead of bare numbers.")
    var json = false

    @Argument(help: "The input file (default: standard input; '-' also means standard input).")
    var file: String?

    mutating func run() async throws {
        try await reportingErrors {
            let tokenizer = try await TokenizerLocator(explicitDirectory: tokenizerDir).load(encoding)
            let (data, name) = try readInput()
            if lines {
                try countLines(data, name: name, tokenizer: tokenizer)
            } else {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw TokensCommandError(message: "\(name): the input is not valid UTF-8")
                }
                let count = tokenizer.count(text)
                print(json ? #"{"encoding":"\#(encoding.rawValue)","tokens":\#(count)}"# : "\(count)")
            }
        }
    }

    /// Reads the input file or standard input; returns the bytes and a name for messages.
    private func readInput() throws -> (Data, String) {
        guard let file, file != "-" else {
            return (FileHandle.standardInput.readDataToEndOfFile(), "<stdin>")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TokensCommandError(message: "\(file): cannot read the file")
        }
        return (data, file)
    }

    /// Prints one count (or JSON object) per input line, each line a JSON string literal.
    private func countLines(_ data: Data, name: String, tokenizer: BPETokenizer) throws {
        let decoder = JSONDecoder()
        var output = ""
        var lineNumber = 0
        let rows = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, row) in rows.enumerated() {
            lineNumber += 1
            var line = row
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty && index == rows.count - 1 { break }  // after the final newline
            let text: String
            do {
                text = try decoder.decode(String.self, from: Data(line))
            } catch {
                print(output, terminator: "")
                throw TokensCommandError(
                    message: "\(name) line \(lineNumber): expected a JSON string literal such as \"some text\"")
            }
            let count = tokenizer.count(text)
            output += json ? #"{"line":\#(lineNumber),"tokens":\#(count)}"# : "\(count)"
            output += "\n"
            if output.utf8.count >= 1 << 16 {
                print(output, terminator: "")
                output = ""
            }
        }
        print(output, terminator: "")
    }
}

/// A `tokens` command failure, printed as one line.
struct TokensCommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
