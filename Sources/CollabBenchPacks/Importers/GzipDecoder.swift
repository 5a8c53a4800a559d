import CompressNIO
import NIOCore

/// Decompresses gzip data (RFC 1952) with zlib, through CompressNIO.
///
/// Files of several concatenated gzip members decode to the concatenation of their contents, as
/// Python's `gzip.open` reads them. A file cut short is an error, not a silently shorter text.
enum GzipDecoder {
    /// True when `bytes` start with the gzip magic number `1f 8b`.
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Why gzip data could not be decoded.
    enum Failure: Error {
        /// The data is not valid deflate/gzip (bad header, bad checksum, …).
        case corrupt
        /// The data ends before the end of a gzip member.
        case truncated
    }

    /// The decompressed contents of gzip `bytes`.
    /// - Throws: ``Failure`` when the data is corrupt or cut short.
    static func decompress(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        var output = ByteBufferAllocator().buffer(capacity: max(bytes.count * 4, 1 << 16))
        while input.readableBytes > 0 {
            let memberStart = output.writerIndex
            let decompressor: ZlibDecompressor
            do {
                decompressor = try ZlibDecompressor(algorithm: .gzip)
            } catch {
                throw .corrupt
            }
            inflating: while true {
                do {
                    try decompressor.inflate(from: &input, to: &output)
                    break inflating
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    output.reserveCapacity(minimumWritableBytes: max(output.capacity, 1 << 16))
                } catch let error as CompressNIOError where error == .inputBufferOverflow {
                    throw .truncated
                } catch {
                    throw .corrupt
                }
            }
            // zlib returns without error both at the end of a member (having checked its CRC-32
            // and length) and when the input ran out mid-member. Tell them apart by the member's
            // trailer: its last four bytes are the decoded length modulo 2^32.
            let end = input.readerIndex
            guard end >= 4 else { throw .truncated }
            var trailer = UInt32(0)
            for k in 0..<4 { trailer |= UInt32(bytes[end - 4 + k]) << (8 * UInt32(k)) }
            if trailer != UInt32(truncatingIfNeeded: output.writerIndex - memberStart) { throw .truncated }
            // Zero padding after the last member (some tools write it) is not another member.
            if input.readableBytesView.allSatisfy({ $0 == 0 }) { break }
        }
        return Array(output.readableBytesView)
    }
}
