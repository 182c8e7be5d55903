import Foundation
import GentleCore

/// Reads a config file's bytes without surprises: a missing file, a directory, a FIFO or
/// device, an unreadable or oversized file each become one clear `ConfigError`, never a hang
/// or a crash.
struct ConfigFileReader {
    struct Contents {
        var bytes: [UInt8]
        /// Permission bits of the file as read (for the inline-password rule).
        var mode: mode_t
    }

    static func read(_ path: String, maxSize: Int = ConfigLoader.maxFileSize) throws(ConfigErrors) -> Contents {
        func fail(_ message: String) -> ConfigErrors { ConfigErrors(ConfigError(file: path, message: message)) }
        // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT:
                throw fail("no such file; create it (config.example.toml is a good start) or pass --config FILE")
            case EACCES:
                throw fail("cannot be read: permission denied; make it readable for your user (chmod 600 \(path))")
            case ENOTDIR:
                throw fail("a part of this path is not a directory; check the path")
            default:
                throw fail("cannot be opened: \(String(cString: strerror(code)))")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("cannot be read: \(String(cString: strerror(errno)))") }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR {
            throw fail("is a directory; pass the config file itself, like \(path.hasSuffix("/") ? path : path + "/")config.toml")
        }
        guard type == S_IFREG else { throw fail("is not a regular file; point --config at a TOML file") }
        guard Int(info.st_size) <= maxSize else {
            throw fail(ConfigLoader.tooLargeMessage(Int(info.st_size)))
        }
        // Sized from fstat (plus room for a file still growing), not from the limit: a reload must
        // not touch megabytes of memory for a config of a few kilobytes.
        var bytes = [UInt8](repeating: 0, count: min(maxSize + 1, Int(info.st_size) + 4096))
        var total = 0
        while total <= maxSize {
            if total == bytes.count {
                bytes += [UInt8](repeating: 0, count: min(maxSize + 1, bytes.count * 2) - bytes.count)
            }
            let n = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress.map { $0 + total }, buffer.count - total)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                throw fail(code == EISDIR ? "is a directory; pass the config file itself" : "cannot be read: \(String(cString: strerror(code)))")
            }
            if n == 0 { break }
            total += n
        }
        guard total <= maxSize else {
            throw fail(ConfigLoader.tooLargeMessage(total))
        }
        bytes.removeSubrange(total...)
        return Contents(bytes: bytes, mode: info.st_mode & 0o7777)
    }
}
