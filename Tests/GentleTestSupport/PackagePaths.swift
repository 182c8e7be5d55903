import Foundation

/// Locations the tests need: the package root, the built `gentle` binary, scratch directories.
public enum PackagePaths {
    /// The package root, found from this file's path (Tests/GentleTestSupport/PackagePaths.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `$GENTLE_BIN` when set (the Makefile sets it), else the debug build next to the tests.
    public static var gentleBinary: String {
        if let bin = ProcessInfo.processInfo.environment["GENTLE_BIN"], !bin.isEmpty { return bin }
        let candidates = [root + "/.build/debug/gentle", root + "/.build/x86_64-unknown-linux-gnu/debug/gentle"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// The `GentleEmailProbe` test program (Tests/EmailProbe), next to `gentle`.
    public static var emailProbeBinary: String {
        let sibling = URL(fileURLWithPath: gentleBinary).deletingLastPathComponent().appendingPathComponent("GentleEmailProbe").path
        let candidates = [sibling, root + "/.build/debug/GentleEmailProbe"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    /// A fresh private directory under the system temp dir, removed by the caller.
    public static func makeTemporaryDirectory(_ label: String = "gentle-test") throws -> String {
        let template = NSTemporaryDirectory() + "/\(label).XXXXXX"
        var bytes = Array(template.utf8CString)
        let made: String? = bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
            return String(cString: result)
        }
        guard let made else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return made
    }
}
