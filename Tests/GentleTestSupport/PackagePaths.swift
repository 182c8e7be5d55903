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

    /// The `gentle-test-tool` helper (Tests/Tools/GentleTestTool): `$GENTLE_TEST_TOOL` when set,
    /// else the debug build.
    public static var testTool: String {
        if let tool = ProcessInfo.processInfo.environment["GENTLE_TEST_TOOL"], !tool.isEmpty { return tool }
        let candidates = [root + "/.build/debug/gentle-test-tool",
                          root + "/.build/x86_64-unknown-linux-gnu/debug/gentle-test-tool"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
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
