#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GentleSystem
import GentleTestSupport

/// The file steps of `gentle install`: atomic replacement, never overwriting a config, modes.
struct InstallFilesTests {
    final class Scratch {
        let path: String
        init() throws {
            path = URL(fileURLWithPath: try PackagePaths.makeTemporaryDirectory("gentle-installfiles")).standardizedFileURL.path
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var leftovers: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.contains(".new-") } }
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test func createIfAbsentNeverReplacesAFile() throws {
        let scratch = try Scratch()
        let file = scratch.path + "/config.toml"
        #expect(try InstallFiles.createIfAbsent("first\n", at: file, mode: 0o600))
        #expect(Self.mode(file) == 0o600)
        #expect(try !InstallFiles.createIfAbsent("second\n", at: file, mode: 0o600))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "first\n")
        // A dangling symlink is someone's config too (a dotfiles checkout not mounted yet).
        let link = scratch.path + "/linked.toml"
        #expect(symlink(scratch.path + "/nowhere.toml", link) == 0)
        #expect(try !InstallFiles.createIfAbsent("x", at: link, mode: 0o600))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/nowhere.toml"))
        #expect(scratch.leftovers.isEmpty)
    }

    @Test func writeReplacesAtomicallyAndReportsNoChange() throws {
        let scratch = try Scratch()
        let file = scratch.path + "/gentle.service"
        #expect(try InstallFiles.write("one\n", to: file, mode: 0o644))
        let before = try FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? Int
        #expect(try !InstallFiles.write("one\n", to: file, mode: 0o644), "same text: untouched")
        #expect(try InstallFiles.write("two\n", to: file, mode: 0o644))
        let after = try FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? Int
        #expect(before != after, "a new inode renamed into place, not the old file rewritten")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "two\n")
        #expect(Self.mode(file) == 0o644)
        #expect(scratch.leftovers.isEmpty)
    }

    @Test func copyReplacesARunningBinaryAndMakesItExecutable() throws {
        let scratch = try Scratch()
        let target = scratch.path + "/bin/gentle"
        try InstallFiles.makeDirectories(scratch.path + "/bin")
        try InstallFiles.copy("/bin/sleep", to: target, mode: 0o755)
        let running = Process()
        running.executableURL = URL(fileURLWithPath: target)
        running.arguments = ["10"]
        try running.run()
        defer {
            kill(running.processIdentifier, SIGKILL)
            running.waitUntilExit()
        }
        // Writing into a running executable fails with ETXTBSY; a rename over it does not.
        try InstallFiles.copy(PackagePaths.gentleBinary, to: target, mode: 0o755)
        #expect(Self.mode(target) == 0o755)
        #expect(FileManager.default.contentsEqual(atPath: target, andPath: PackagePaths.gentleBinary))
        #expect(InstallFiles.sameFile(target, target) && !InstallFiles.sameFile(target, PackagePaths.gentleBinary))
        #expect(scratch.leftovers.isEmpty)
    }

    @Test func failuresNameThePathAndTheReason() throws {
        let scratch = try Scratch()
        try "x".write(toFile: scratch.path + "/file", atomically: true, encoding: .utf8)
        #expect(throws: InstallError.file(action: "create the directory", path: scratch.path + "/file/sub", reason: "Not a directory")) {
            try InstallFiles.makeDirectories(scratch.path + "/file/sub")
        }
        #expect(throws: InstallError.self) { try InstallFiles.copy(scratch.path + "/missing", to: scratch.path + "/x", mode: 0o755) }
    }
}
