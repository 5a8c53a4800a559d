import Crypto
import Foundation

/// Stable hashes used to identify prompts, packs, configurations and derived seeds.
public enum StableHash {
    /// Lower-case hex SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// A non-negative seed derived from a run seed and the parts naming one model call, stable
    /// across platforms and releases (first 31 bits of a SHA-256).
    public static func derivedSeed(_ base: Int, _ parts: String...) -> Int {
        let digest = SHA256.hash(data: Data(([String(base)] + parts).joined(separator: "\u{1F}").utf8))
        var value = 0
        for byte in digest.prefix(4) { value = (value << 8) | Int(byte) }
        return value & 0x7FFF_FFFF
    }
}
