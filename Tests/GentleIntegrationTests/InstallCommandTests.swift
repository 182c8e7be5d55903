#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GentleTestSupport

/// `gentle install` / `gentle uninstall` where no user manager answers, and the unit file as
/// `systemd-analyze verify` sees it. The full run against a real user manager is in
/// SystemdUserUnitTests.
struct InstallCommandTests {
    /// A scratch HOME; `gentle` runs with only it, `PATH` and `XDG_RUNTIME_DIR` from here.
    final class Home {
        let path: String
        let runtime: String
        init() throws {
            path = URL(fileURLWithPath: try PackagePaths.makeTemporaryDirectory("gentle-install")).standardizedFileURL.path
            runtime = path + "/run"
            try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func gentle(_ arguments: [String], path searchPath: String = "/usr/local/bin:/usr/bin:/bin",
                    extra: [String: String?] = [:]) throws -> RunResult {
            var environment: [String: String?] = [
                "HOME": path, "PATH": searchPath, "XDG_RUNTIME_DIR": runtime, "XDG_CONFIG_HOME": nil,
                "XDG_STATE_HOME": nil, "DBUS_SESSION_BUS_ADDRESS": nil, "SUDO_USER": nil, "NOTIFY_SOCKET": nil,
            ]
            for (key, value) in extra { environment[key] = value }
            return try RunResult.run(PackagePaths.gentleBinary, arguments, environment: environment)
        }

        func verify(_ unit: String) throws -> RunResult {
            try RunResult.run("/usr/bin/systemd-analyze", ["--user", "verify", unit],
                              environment: ["HOME": path, "XDG_RUNTIME_DIR": runtime, "XDG_CONFIG_HOME": nil])
        }

        var unitFile: String { path + "/.config/systemd/user/gentle.service" }
        var configFile: String { path + "/.config/gentle/config.toml" }
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test func theRepositoryUnitVerifiesWithoutAWord() throws {
        let home = try Home()
        let missing = try home.verify(PackagePaths.root + "/systemd/gentle.service")
        #expect(missing.status != 0 && missing.stderr.contains(".local/bin/gentle"), "verify notices a missing binary")

        try FileManager.default.createDirectory(atPath: home.path + "/.local/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: PackagePaths.gentleBinary, toPath: home.path + "/.local/bin/gentle")
        let result = try home.verify(PackagePaths.root + "/systemd/gentle.service")
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "no warnings: \(result.stdout)\(result.stderr)")
    }

    @Test func withoutSystemctlTheFilesAreInPlaceAndItSaysHowToRunByHand() throws {
        let home = try Home()
        let prefix = home.path + "/opt dir/50%"
        let result = try home.gentle(["install", "--prefix", prefix, "--binary", PackagePaths.gentleBinary], path: "/nonexistent")
        #expect(result.status == 1)
        #expect(result.stderr.contains("systemctl was not found"), "\(result.stderr)")
        #expect(result.stderr.contains("`~/opt dir/50%/bin/gentle run`"), "\(result.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: prefix + "/bin/gentle"))
        #expect(Self.mode(home.configFile) == 0o600, "the config may hold a password")
        #expect(Self.mode(home.path + "/.local/state/gentle") == 0o700)
        #expect(try String(contentsOfFile: home.configFile, encoding: .utf8)
                == String(contentsOfFile: PackagePaths.root + "/config.example.toml", encoding: .utf8))

        let unit = try String(contentsOfFile: home.unitFile, encoding: .utf8)
        #expect(unit.contains("ExecStart=\"\(home.path)/opt dir/50%%/bin/gentle\" run\n"), "\(unit)")
        let verify = try home.verify(home.unitFile)
        #expect(verify.status == 0 && verify.stdout.isEmpty && verify.stderr.isEmpty, "\(verify.stdout)\(verify.stderr)")
        #expect(result.stdout.contains("binary   ~/opt dir/50%/bin/gentle  (copied from"), "\(result.stdout)")
    }

    @Test func anExistingConfigIsNeverTouched() throws {
        let home = try Home()
        try FileManager.default.createDirectory(atPath: home.path + "/.config/gentle", withIntermediateDirectories: true)
        let mine = "# mine, hand-written\nmax_per_day = 2\n"
        try mine.write(toFile: home.configFile, atomically: true, encoding: .utf8)
        chmod(home.configFile, 0o640)
        let result = try home.gentle(["install", "--binary", PackagePaths.gentleBinary], path: "/nonexistent")
        #expect(result.stdout.contains("config.toml  (kept yours)"), "\(result.stdout)")
        #expect(try String(contentsOfFile: home.configFile, encoding: .utf8) == mine)
        #expect(Self.mode(home.configFile) == 0o640)
        #expect(try String(contentsOfFile: home.unitFile, encoding: .utf8).contains("ExecStart=%h/.local/bin/gentle run\n"))
    }

    @Test func anUnreachableUserManagerIsExplained() throws {
        let home = try Home()
        let result = try home.gentle(["install", "--binary", PackagePaths.gentleBinary])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot reach your systemd user manager"), "\(result.stderr)")
        #expect(result.stderr.contains("Failed to connect to bus"), "systemctl's own words are passed on: \(result.stderr)")
        #expect(result.stderr.contains("loginctl enable-linger"))
        #expect(result.stderr.contains("`~/.local/bin/gentle run`"))
        #expect(FileManager.default.fileExists(atPath: home.unitFile))
    }

    @Test(.enabled(if: getuid() == 0, "sudo is only detected when running as root"))
    func sudoIsTurnedAwayKindly() throws {
        let home = try Home()
        let result = try home.gentle(["install", "--binary", PackagePaths.gentleBinary], extra: ["SUDO_USER": "alex"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("run `gentle install` as alex, without sudo"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.local/bin/gentle"), "nothing was installed for root")
    }

    @Test func uninstallFindsTheBinaryFromTheUnitAndKeepsConfigUnlessPurged() throws {
        let home = try Home()
        let prefix = home.path + "/opt dir/50%"
        _ = try home.gentle(["install", "--prefix", prefix, "--binary", PackagePaths.gentleBinary], path: "/nonexistent")
        try FileManager.default.createDirectory(atPath: home.unitFile + ".d", withIntermediateDirectories: true)
        try "[Service]\nEnvironment=A=b\n".write(toFile: home.unitFile + ".d/mine.conf", atomically: true, encoding: .utf8)

        let removed = try home.gentle(["uninstall"], path: "/nonexistent")
        #expect(removed.status == 1, "it says it could not stop a service")
        #expect(removed.stderr.contains("systemctl was not found"), "\(removed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: prefix + "/bin/gentle"), "the binary the unit named: \(removed.stdout)")
        #expect(!FileManager.default.fileExists(atPath: home.unitFile))
        #expect(FileManager.default.fileExists(atPath: home.configFile))
        #expect(FileManager.default.fileExists(atPath: home.unitFile + ".d/mine.conf"), "drop-ins are yours too")
        #expect(removed.stdout.contains("kept; --purge removes it"))

        let purged = try home.gentle(["uninstall", "--purge"], path: "/nonexistent")
        #expect(purged.stdout.contains("removed"), "\(purged.stdout)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.config/gentle"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.local/state/gentle"))
        #expect(!FileManager.default.fileExists(atPath: home.unitFile + ".d"))
    }
}
