#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Thin wrappers over the system calls the event log needs, each retrying on EINTR and
/// reporting failure as an errno value instead of -1.
enum PosixFile {
    static let fileTypeMask: UInt32 = 0o170000
    static let regularFile: UInt32 = 0o100000
    static let directoryType: UInt32 = 0o040000

    struct Status {
        var mode: UInt32
        var size: Int64
        var device: UInt64
        var inode: UInt64
        var owner: UInt32

        var isRegularFile: Bool { mode & fileTypeMask == regularFile }
        var isDirectory: Bool { mode & fileTypeMask == directoryType }
        var permissions: UInt32 { mode & 0o7777 }

        init(_ s: stat) {
            mode = UInt32(s.st_mode)
            size = Int64(s.st_size)
            device = UInt64(s.st_dev)
            inode = UInt64(s.st_ino)
            owner = UInt32(s.st_uid)
        }
    }

    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Result<Int32, Errno> {
        while true {
            let fd = path.withCString { Glibc.open($0, flags, mode) }
            if fd >= 0 { return .success(fd) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    static func status(fd: Int32) -> Result<Status, Errno> {
        var s = stat()
        return fstat(fd, &s) == 0 ? .success(Status(s)) : .failure(Errno(errno))
    }

    static func status(path: String) -> Result<Status, Errno> {
        var s = stat()
        return stat(path, &s) == 0 ? .success(Status(s)) : .failure(Errno(errno))
    }

    static func lock(_ fd: Int32, _ operation: Int32) -> Errno? {
        while flock(fd, operation) != 0 {
            if errno != EINTR { return Errno(errno) }
        }
        return nil
    }

    static func dataSync(_ fd: Int32) -> Errno? {
        while fdatasync(fd) != 0 {
            if errno != EINTR { return Errno(errno) }
        }
        return nil
    }

    static func fullSync(_ fd: Int32) -> Errno? {
        while fsync(fd) != 0 {
            if errno != EINTR { return Errno(errno) }
        }
        return nil
    }

    static func truncate(_ fd: Int32, to size: Int64) -> Errno? {
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { return Errno(errno) }
        }
        return nil
    }

    /// Makes a directory entry durable (a created or renamed file) by syncing its directory.
    static func syncDirectory(_ path: String) -> Errno? {
        switch open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) {
        case .failure(let e): return e
        case .success(let fd):
            defer { Glibc.close(fd) }
            return fullSync(fd)
        }
    }

    /// Reads up to `count` bytes at `offset`, fewer only at the end of the file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Result<Int, Errno> {
        guard let base = buffer.baseAddress else { return .success(0) }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + Int64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            if n == 0 { break }
            done += n
        }
        return .success(done)
    }

    /// Reads sequentially from the current position; 0 at the end.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        guard let base = buffer.baseAddress else { return .success(0) }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return .success(n) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// Writes all of `bytes` to a file only this process writes (not the shared log).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Errno? {
        guard let base = bytes.baseAddress else { return nil }
        var done = 0
        while done < bytes.count {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return Errno(errno)
            }
            if n == 0 { return Errno(EIO) }
            done += n
        }
        return nil
    }
}

struct Errno: Error, Equatable {
    var code: Int32
    init(_ code: Int32) { self.code = code }
}
