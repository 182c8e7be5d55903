import Foundation

/// Why the event log could not be opened, read or appended to. The message names the file, the
/// system's reason and what the user can do; `isRetryable` tells the runtime whether keeping the
/// record and trying again later makes sense (disk full, quota, I/O) or not (a path that is not
/// a file).
public struct EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Operation: String, Sendable {
        case createDirectory = "create the directory"
        case open = "open"
        case lock = "lock"
        case read = "read"
        case append = "append to"
        case sync = "sync"
        case recover = "recover the torn end of"
        case setPermissions = "set the permissions of"
    }

    public var operation: Operation
    public var path: String
    /// The `errno` value, or 0 when the problem is not a system call failing.
    public var code: Int32
    /// Set when `code` is 0.
    public var detail: String?

    public init(_ operation: Operation, path: String, code: Int32, detail: String? = nil) {
        self.operation = operation
        self.path = path
        self.code = code
        self.detail = detail
    }

    /// Disk full, quota, I/O error, interrupted or short write: the same append may work later.
    public var isRetryable: Bool {
        code == ENOSPC || code == EDQUOT || code == EIO || code == EINTR || code == EAGAIN || code == EFBIG
    }

    public var description: String {
        var reason = code != 0 ? String(cString: strerror(code)) + " (\(Self.name(of: code)))" : (detail ?? "failed")
        if code != 0, let detail { reason += " " + detail }
        return "could not \(operation.rawValue) \(path): \(reason)" + (hint.map { "; " + $0 } ?? "")
    }

    private var hint: String? {
        switch code {
        case ENOSPC, EDQUOT: return "free some space on that file system; the record was not written"
        case EROFS: return "the file system is mounted read-only; remount it read-write or choose another --state-dir"
        case EACCES, EPERM: return "gentle needs to read and write there; check the owner and permissions (chmod 700 on the directory, 600 on the file)"
        case ENOTDIR, EISDIR: return "something that is not a directory is in the way; move it, or choose another --state-dir"
        case EIO: return "the disk reported an I/O error; check it (dmesg)"
        default: return nil
        }
    }

    private static func name(of code: Int32) -> String {
        switch code {
        case ENOSPC: return "ENOSPC"
        case EDQUOT: return "EDQUOT"
        case EROFS: return "EROFS"
        case EACCES: return "EACCES"
        case EPERM: return "EPERM"
        case ENOENT: return "ENOENT"
        case ENOTDIR: return "ENOTDIR"
        case EISDIR: return "EISDIR"
        case EIO: return "EIO"
        case EINTR: return "EINTR"
        case EAGAIN: return "EAGAIN"
        case ELOOP: return "ELOOP"
        case EFBIG: return "EFBIG"
        default: return "errno \(code)"
        }
    }
}
