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
        hex(SHA256.hash(data: data))
    }

    /// Lower-case hex of `bytes` (runs on every model call: no `String(format:)`).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An ISO 8601 timestamp with milliseconds in UTC, e.g. `2026-11-22T22:46:03.123Z`.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
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
