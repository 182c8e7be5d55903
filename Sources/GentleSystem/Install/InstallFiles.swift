#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// File steps for `gentle install`, each atomic: readers see the old file or the new one, never
/// half of either. New content goes to a temporary file beside the target, is synced, then
/// renamed (or linked, where an existing file must win) into place.
public enum InstallFiles {
    /// `mkdir -p` with `mode` for the directories it creates.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(InstallError) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw .file(action: "create the directory", path: current, code: errno)
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw .file(action: "create the directory", path: path, code: ENOTDIR)
        }
    }

    /// Copies `source` over `destination` (replacing it, even while it runs) with `mode`.
    public static func copy(_ source: String, to destination: String, mode: mode_t) throws(InstallError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .file(action: "read", path: source, code: errno) }
        defer { close(input) }
        try replace(destination, mode: mode) { output throws(InstallError) in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .file(action: "read", path: source, code: errno)
                }
                if n == 0 { return }
                try writeAll(output, buffer[0..<n], path: destination)
            }
        }
    }

    /// Writes `text` to `path`, replacing what was there. Returns false when the file already
    /// held exactly this text (and leaves it untouched).
    @discardableResult
    public static func write(_ text: String, to path: String, mode: mode_t) throws(InstallError) -> Bool {
        if let existing = FileManager.default.contents(atPath: path), existing == Data(text.utf8) { return false }
        try replace(path, mode: mode) { fd throws(InstallError) in try writeAll(fd, Array(text.utf8)[...], path: path) }
        return true
    }

    /// Writes `text` to `path` only if nothing is there; an existing file (or one that appears
    /// meanwhile) always wins. Returns whether the file was created.
    public static func createIfAbsent(_ text: String, at path: String, mode: mode_t) throws(InstallError) -> Bool {
        if FileManager.default.fileExists(atPath: path) { return false }
        let temp = try writeTemporary(beside: path, mode: mode) { fd throws(InstallError) in
            try writeAll(fd, Array(text.utf8)[...], path: path)
        }
        defer { unlink(temp) }
        if link(temp, path) != 0 {
            if errno == EEXIST { return false }
            throw .file(action: "create", path: path, code: errno)
        }
        syncDirectory(of: path)
        return true
    }

    /// Removes a file; true if it was there.
    @discardableResult
    public static func remove(_ path: String) throws(InstallError) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw .file(action: "remove", path: path, code: errno)
    }

    /// Removes a directory tree; true if it was there.
    @discardableResult
    public static func removeTree(_ path: String) throws(InstallError) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw .file(action: "remove", path: path, reason: error.localizedDescription)
        }
        return true
    }

    /// Whether two paths name the same file (same device and inode).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    private static func replace(_ path: String, mode: mode_t, fill: (Int32) throws(InstallError) -> Void) throws(InstallError) {
        let temp = try writeTemporary(beside: path, mode: mode, fill: fill)
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw .file(action: "replace", path: path, code: code)
        }
        syncDirectory(of: path)
    }

    /// A synced temporary file with `mode` in the target's directory; the caller renames or
    /// removes it.
    private static func writeTemporary(beside path: String, mode: mode_t,
                                       fill: (Int32) throws(InstallError) -> Void) throws(InstallError) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<100 where fd < 0 {
            temp = directory + "/." + name + ".new-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd < 0 && errno != EEXIST { break }
        }
        guard fd >= 0 else { throw .file(action: "write a file in", path: directory, code: errno) }
        do throws(InstallError) {
            try fill(fd)
            guard fchmod(fd, mode) == 0 else { throw .file(action: "set the mode of", path: temp, code: errno) }
            guard fsync(fd) == 0 else { throw .file(action: "sync", path: temp, code: errno) }
            close(fd)
            return temp
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws(InstallError) {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .file(action: "write", path: path, code: errno)
            }
            offset += n
        }
    }

    private static func syncDirectory(of path: String) {
        let fd = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
