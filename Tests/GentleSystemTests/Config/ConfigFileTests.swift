import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

/// A private scratch directory with a fake `$HOME`, removed afterwards.
final class ConfigScratch {
    let dir: String
    let paths: XDGPaths

    init() throws {
        dir = try PackagePaths.makeTemporaryDirectory("gentle-config")
        paths = XDGPaths(environment: ["HOME": dir])
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func errors(_ path: String) -> [ConfigError] {
        do {
            _ = try ConfigFile(paths: paths).load(path)
            return []
        } catch {
            return error.errors
        }
    }
}

let minimalCheckin = """
    [[checkin]]
    id = "breathe"
    title = "Breathe"
    messages = ["One slow breath."]
    when = "daily"
    channels = ["email"]

    """

func emailConfig(_ extra: String) -> String {
    minimalCheckin + """
        [email]
        to = "parent@example.org"
        from = "gentle@example.org"
        url = "smtp://mail.example.org:587"
        username = "parent"
        \(extra)

        """
}

var runningAsRoot: Bool { geteuid() == 0 }

@Suite struct ConfigFileTests {
    @Test func refusesAMissingFile() throws {
        let s = try ConfigScratch()
        let path = s.dir + "/nope.toml"
        #expect(s.errors(path).map(\.description) == [
            "\(path): no such file; create it (config.example.toml is a good start) or pass --config FILE",
        ])
    }

    @Test func refusesADirectory() throws {
        let s = try ConfigScratch()
        #expect(s.errors(s.dir).map(\.description) == [
            "\(s.dir): is a directory; pass the config file itself, like \(s.dir)/config.toml",
        ])
    }

    @Test func refusesAFIFOWithoutWaitingForAWriter() throws {
        let s = try ConfigScratch()
        let path = s.dir + "/fifo.toml"
        #expect(mkfifo(path, 0o600) == 0)
        #expect(s.errors(path).map(\.message) == ["is not a regular file; point --config at a TOML file"])
    }

    @Test(.enabled(if: !runningAsRoot, "root reads any file"))
    func refusesAnUnreadableFile() throws {
        let s = try ConfigScratch()
        let path = try s.write("locked.toml", minimalCheckin, mode: 0o000)
        #expect(s.errors(path).map(\.message) == ["cannot be read: permission denied; make it readable for your user (chmod 600 \(path))"])
    }

    @Test func refusesAFileOverFourMebibytes() throws {
        let s = try ConfigScratch()
        let text = minimalCheckin + String(repeating: "# padding\n", count: 440_000)
        let path = try s.write("big.toml", text)
        #expect(s.errors(path).map(\.message) == [
            "the file has \(text.utf8.count) bytes, more than a config may have (4 MiB); check that this is the config file",
        ])
    }

    /// A file whose size fstat does not know (procfs says 0) is still read to its end, and still
    /// held to the limit: the buffer grows from the size fstat gave.
    @Test func readsPastWhatFstatSaysAndStillEnforcesTheLimit() throws {
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let whole = try #require(try handle.readToEnd())
        try #require(whole.count > 8192, "a test process maps more than 8 KiB of names")
        let contents = try ConfigFileReader.read("/proc/self/maps", maxSize: 1 << 20)
        #expect(contents.bytes.count > 8192)
        #expect(String(decoding: contents.bytes.prefix(12), as: UTF8.self) == String(decoding: whole.prefix(12), as: UTF8.self))
        #expect(throws: ConfigErrors.self) { try ConfigFileReader.read("/proc/self/maps", maxSize: 6000) }
    }

    @Test func refusesInvalidUTF8WithItsPosition() throws {
        let s = try ConfigScratch()
        let path = s.dir + "/latin1.toml"
        var bytes = Array("[[checkin]]\ntitle = \"Sch".utf8)
        bytes += [0xF6, 0x6E, 0x22, 0x0A]  // "Schön" in Latin-1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(s.errors(path).map(\.description) == [
            "\(path):2:13: the file is not valid UTF-8 (byte 0xF6); save it as UTF-8 text",
        ])
    }

    @Test func refusesAnEmptyFile() throws {
        let s = try ConfigScratch()
        let path = try s.write("empty.toml", "")
        #expect(s.errors(path).map(\.description) == [
            "\(path):1:1: there are no check-ins and no kid dates, so gentle would have nothing to offer; add a [[checkin]] table (config.example.toml has several to start from)",
        ])
    }

    @Test func loadsAValidFileAsTheDaemonsLoader() throws {
        let s = try ConfigScratch()
        let path = try s.write("ok.toml", minimalCheckin.replacingOccurrences(of: "[\"email\"]", with: "[\"console\"]"))
        let config = try ConfigFile(paths: s.paths).loader(path)
        #expect(config.checkins.map(\.id) == ["breathe"])
        #expect(config.sourcePath == path)
    }
}
