import Foundation

/// Teardown runs even when a test fails, but not when the whole test process dies (a crash, a
/// killed `swift test`). Each session therefore notes its owner and the helpers it started, and
/// the first session of a later run stops what such a dead owner left behind.
extension DesktopSession {
    static let ownerFile = "owner"
    static let childrenFile = "children"

    func noteOwner() {
        try? "\(getpid())\n".write(toFile: directory + "/" + Self.ownerFile, atomically: true, encoding: .utf8)
    }

    /// Remembers a helper (pid and program name) so a later run can stop it if we cannot.
    func remember(_ process: SessionProcess) {
        let line = "\(process.pid) \(process.name)\n"
        if let handle = FileHandle(forWritingAtPath: directory + "/" + Self.childrenFile) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            try? line.write(toFile: directory + "/" + Self.childrenFile, atomically: true, encoding: .utf8)
        }
    }

    /// Runs once per test process, before its first session.
    static let sweptAbandonedSessions: Bool = {
        sweepAbandonedSessions()
        return true
    }()

    static func sweepAbandonedSessions() {
        let temporary = NSTemporaryDirectory()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for entry in entries where entry.hasPrefix("gentle-desktop.") {
            let dir = temporary + "/" + entry
            guard let text = try? String(contentsOfFile: dir + "/" + ownerFile, encoding: .utf8),
                  let owner = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  kill(owner, 0) != 0, errno == ESRCH else { continue }
            let children = (try? String(contentsOfFile: dir + "/" + childrenFile, encoding: .utf8)) ?? ""
            for line in children.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, let pid = Int32(parts[0]) else { continue }
                // Only if that pid still runs the program we started (pids get reused).
                let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                if !comm.isEmpty, String(parts[1]).hasPrefix(comm) { kill(-pid, SIGKILL) }
            }
            try? FileManager.default.removeItem(atPath: dir)
        }
    }
}
