/// The name of a tiktoken byte-level BPE encoding that ``BPETokenizer`` reproduces.
///
/// The raw value is tiktoken's own name, which is also the stem of the rank file
/// (`<rawValue>.tiktoken`).
public enum TokenizerEncodingName: String, Sendable, CaseIterable, Codable {
    /// `cl100k_base`: GPT-4, GPT-3.5-turbo and the text-embedding-3 models.
    case cl100kBase = "cl100k_base"
    /// `o200k_base`: GPT-4o, GPT-4o-mini and the o1/o3 families.
    case o200kBase = "o200k_base"

    /// The rank file name tiktoken uses for this encoding, e.g. `cl100k_base.tiktoken`.
    public var rankFileName: String { "\(rawValue).tiktoken" }
}
