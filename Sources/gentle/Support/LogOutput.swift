#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GentleCore

/// Bytes for stdout, gathered and written in large pieces so an export of a big log costs a
/// few hundred `write`s, not one per record.
struct StandardOutputBuffer {
    enum Failure: Error {
        /// The reader went away (`gentle log --csv | head` with SIGPIPE ignored): stop quietly.
        case closed
        /// Anything else (a full disk behind `> file`) is an error worth saying.
        case failed(Int32)
    }

    var bytes: [UInt8] = []
    private let threshold = 1 << 16

    init() { bytes.reserveCapacity(threshold + 4096) }

    mutating func flushIfFull() throws(Failure) {
        if bytes.count >= threshold { try flush() }
    }

    mutating func flush() throws(Failure) {
        var done = 0
        let total = bytes.count
        while done < total {
            let n = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress.map { $0 + done }, total - done) }
            if n > 0 { done += n; continue }
            let code = n < 0 ? errno : EIO
            if code == EINTR { continue }
            throw code == EPIPE ? .closed : .failed(code)
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Lines of the log that were not records, told once on stderr after the output.
struct LogReadProblems {
    private(set) var unreadable = 0
    private var first: EventLogProblem?
    private var incompleteLastLine = false

    mutating func note(_ problem: EventLogProblem) {
        if problem.isIncompleteLastLine {
            incompleteLastLine = true
        } else {
            unreadable += 1
            if first == nil { first = problem }
        }
    }

    /// One short paragraph, or nil when every line was a record.
    func message(logPath: String) -> String? {
        var parts: [String] = []
        if let first {
            let lines = unreadable == 1 ? "1 line" : "\(unreadable) lines"
            parts.append("\(lines) of \(logPath) could not be read and \(unreadable == 1 ? "was" : "were") left out (\(first))")
        }
        if incompleteLastLine {
            parts.append((parts.isEmpty ? "the last line of \(logPath)" : "the last line")
                         + " is incomplete (a write in progress, or one cut short by a crash) and was left out")
        }
        guard !parts.isEmpty else { return nil }
        return "gentle: note: " + parts.joined(separator: "; ") + "."
    }
}
