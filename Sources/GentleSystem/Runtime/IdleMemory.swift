import CLinux
import Foundation

/// Gives memory the daemon does not need while it waits back to the kernel. Most of a fresh
/// daemon's resident memory is clean, file-backed pages touched once at start-up: argument
/// parsing, TOML parsing, Foundation's and ICU's tables. Between two check-ins hours apart
/// nothing uses them, so after a quiet moment the daemon asks the kernel to reclaim them
/// (MADV_PAGEOUT, Linux 5.4+) and trims malloc's free lists. Pages come back from the page
/// cache, cheaply, the next time they are touched. Only read-only file mappings are touched:
/// nothing that holds state can be lost.
enum IdleMemory {
    /// The last thing the daemon does before it sleeps: any code that runs afterwards (logging
    /// the result, say) faults its pages back in, with the kernel's fault-around, megabytes of
    /// them. Callers log before calling this.
    static func release() {
        malloc_trim(0)
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return }
        // All parsing first: the Swift runtime is linked into the binary, so code run between two
        // madvise calls would fault the pages just released straight back in.
        var ranges: [(pointer: UnsafeMutableRawPointer, length: Int)] = []
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            // The path column is padded with spaces.
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }).hasPrefix("/"), fields[1].count == 4,
                  fields[1].dropFirst().first == "-" else { continue }  // read-only, file-backed
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                  end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            ranges.append((pointer, Int(end - start)))
        }
        let advice = gentle_madv_pageout()
        // Errors (an old kernel without MADV_PAGEOUT) only mean nothing is released.
        for range in ranges { _ = madvise(range.pointer, range.length, advice) }
    }

    static func residentKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }
}
