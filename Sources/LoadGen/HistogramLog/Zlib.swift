import CZlib
import Foundation

/// zlib streams (RFC 1950), the compression HdrHistogram's compressed encoding uses. The only code that calls zlib.
enum Zlib {
    static func compress(_ data: Data) -> Data {
        var length = compressBound(uLong(data.count))
        var output = Data(count: Int(length))
        let status = output.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                CZlib.compress(
                    target.bindMemory(to: Bytef.self).baseAddress, &length,
                    source.bindMemory(to: Bytef.self).baseAddress, uLong(data.count))
            }
        }
        // compressBound sizes the buffer for the worst case, so only memory exhaustion could fail here.
        precondition(status == Z_OK, "zlib compress failed with status \(status)")
        output.count = Int(length)
        return output
    }

    /// Inflates a zlib stream, refusing to produce more than `limit` bytes (a hostile or corrupt input could
    /// otherwise claim gigabytes).
    static func decompress(_ data: Data, limit: Int) throws(LoadGenError) -> Data {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LoadGenError("zlib could not start inflating", code: .invalidData)
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = [UInt8](data)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(target.baseAddress!, count: target.count - Int(stream.avail_out))
                }
            } while status == Z_OK && output.count <= limit
        }
        guard output.count <= limit else { throw LoadGenError("compressed data inflates beyond \(limit) bytes", code: .invalidData) }
        guard status == Z_STREAM_END else { throw LoadGenError("compressed data is truncated or corrupt (zlib status \(status))", code: .invalidData) }
        return output
    }
}
