import Foundation
import GentleTestSupport
import Testing

/// `gentle check` through the real binary: the broken-config corpus, file-level refusals, the
/// rules for secrets on disk, and the example config.
@Suite struct CheckCommandTests {
    static let corpus = PackagePaths.root + "/Tests/Fixtures/broken-configs"
    static let corpusFiles: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter { $0.hasSuffix(".toml") }.sorted()

    @Test func corpusCoversAtLeastTwentyFiveMistakes() {
        #expect(Self.corpusFiles.count >= 25)
    }

    /// Each file's first line is `# expect: LINE:COLUMN: message`; that line, after the path,
    /// must be all `gentle check` prints.
    @Test(arguments: corpusFiles)
    func brokenConfigGetsExactlyItsMessage(file: String) throws {
        let path = Self.corpus + "/" + file
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let header = String(text.prefix { $0 != "\n" })
        let expected = try #require(header.hasPrefix("# expect: ") ? String(header.dropFirst(10)) : nil)
        let result = try RunResult.run(PackagePaths.gentleBinary, ["check", "--config", path])
        #expect(result.status == 1)
        #expect(result.stderr == "\(path):\(expected)\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func exampleConfigPasses() throws {
        let path = PackagePaths.root + "/config.example.toml"
        let result = try RunResult.run(PackagePaths.gentleBinary, ["check", "--config", path])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("\(path) is valid: 10 check-ins, kid dates on.\n"))
        #expect(result.stdout.contains("  one-good-thing  One good thing\n"))
        #expect(result.stdout.contains("once a day between 09:30 and 11:30 on Mon,Wed,Fri · desktop, console"))
        #expect(result.stdout.contains("when \"Mon..Fri 07:45\" or \"Sat,Sun 08:30\", up to 10m later · desktop, console"))
        #expect(result.stdout.contains("Every day: quiet 20:00–07:30 · at most 4 a day · at least 1h apart"))
        #expect(result.stdout.contains("Kid dates: 2 children (Mia, Leo) · 3 occasions"))
    }

    @Test func readsTheXDGConfigByDefault() throws {
        let dir = try PackagePaths.makeTemporaryDirectory("gentle-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env: [String: String?] = ["XDG_CONFIG_HOME": dir, "HOME": dir]
        let missing = try RunResult.run(PackagePaths.gentleBinary, ["check"], environment: env)
        #expect(missing.status == 1)
        #expect(missing.stderr == "\(dir)/gentle/config.toml: no such file; create it (config.example.toml is a good start) or pass --config FILE\n")

        try FileManager.default.createDirectory(atPath: dir + "/gentle", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: PackagePaths.root + "/config.example.toml", toPath: dir + "/gentle/config.toml")
        let found = try RunResult.run(PackagePaths.gentleBinary, ["check"], environment: env)
        #expect(found.status == 0)
        #expect(found.stdout.hasPrefix("\(dir)/gentle/config.toml is valid:"))
    }

    @Test func printsEveryProblemInFileOrder() throws {
        let dir = try PackagePaths.makeTemporaryDirectory("gentle-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/c.toml"
        try """
            max_per_day = "many"
            [[checkin]]
            id = "Hello There"
            title = "Hi"
            messages = []
            times_per_day = 2
            between = "9-17"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try RunResult.run(PackagePaths.gentleBinary, ["check", "--config", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == [
            "\(path):1:15", "\(path):3:6", "\(path):5:12", "\(path):7:11",
        ])
    }

    @Test func refusesAWorldReadablePasswordFileNamingTheFix() throws {
        let dir = try PackagePaths.makeTemporaryDirectory("gentle-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = "s3cret-Pa55word"
        try secret.write(toFile: dir + "/smtp-password", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/smtp-password")
        let path = dir + "/c.toml"
        try Self.emailConfig(passwordLine: "password_file = \"~/smtp-password\"").write(toFile: path, atomically: true, encoding: .utf8)
        let result = try RunResult.run(PackagePaths.gentleBinary, ["check", "--config", path], environment: ["HOME": dir])
        #expect(result.status == 1)
        #expect(result.stderr == "\(path):11:17: \"password_file\" \(dir)/smtp-password can be read by other users (mode 0644); run chmod 600 \(dir)/smtp-password\n")
        #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/smtp-password")
        let fixed = try RunResult.run(PackagePaths.gentleBinary, ["check", "--config", path], environment: ["HOME": dir])
        #expect(fixed.status == 0)
        #expect(fixed.stdout.contains("Email: to parent@example.org via smtp://mail.example.org:587."))
        #expect(!fixed.stdout.contains(secret))
    }

    @Test func refusesAnInlinePasswordInAReadableConfig() throws {
        let dir = try PackagePaths.makeTemporaryDirectory("gentle-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/c.toml"
        try Self.emailConfig(passwordLine: "password = \"hunter2-hunter2\"").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let result = try RunResult.run(PackagePaths.gentleBinary, ["check", "--config", path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(path):11:1: the SMTP password is written in this file, which other users can read (mode 0644); run chmod 600 \(path)"))
        #expect(!result.stderr.contains("hunter2"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try RunResult.run(PackagePaths.gentleBinary, ["check", "--config", path]).status == 0)
    }

    /// Unreadable files need a user the permission bits apply to: as root (CI), run the check
    /// as nobody through setpriv.
    @Test func refusesFilesItCannotRead() throws {
        let dir = try PackagePaths.makeTemporaryDirectory("gentle-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
        let locked = dir + "/locked.toml"
        try "[[checkin]]\n".write(toFile: locked, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: locked)
        let lockedResult = try Self.runUnprivileged(["check", "--config", locked], home: dir)
        #expect(lockedResult.status == 1)
        #expect(lockedResult.stderr == "\(locked): cannot be read: permission denied; make it readable for your user (chmod 600 \(locked))\n")

        let secretFile = dir + "/pw"
        try "secret".write(toFile: secretFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: secretFile)
        let config = dir + "/c.toml"
        try Self.emailConfig(passwordLine: "password_file = \"\(secretFile)\"").write(toFile: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config)
        let secretResult = try Self.runUnprivileged(["check", "--config", config], home: dir)
        #expect(secretResult.status == 1)
        #expect(secretResult.stderr.hasPrefix("\(config):11:17: \"password_file\" \(secretFile) cannot be read by you (permission denied); make it yours and private: chown "))
    }

    @Test func helpListsCheck() throws {
        let result = try RunResult.run(PackagePaths.gentleBinary, ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("check"))
    }

    static func emailConfig(passwordLine: String) -> String {
        """
        [[checkin]]
        id = "breathe"
        title = "Breathe"
        messages = ["One slow breath."]
        when = "daily"
        channels = ["email", "console"]
        [email]
        to = "parent@example.org"
        from = "gentle@example.org"
        url = "smtp://mail.example.org:587"
        \(passwordLine)
        username = "parent"
        """
    }

    /// As root, runs a copy of the binary placed in `home` (0755), since the checkout itself
    /// may sit under a directory nobody cannot enter (/root).
    static func runUnprivileged(_ arguments: [String], home: String) throws -> RunResult {
        if geteuid() != 0 { return try RunResult.run(PackagePaths.gentleBinary, arguments, environment: ["HOME": home]) }
        let copy = home + "/gentle"
        if !FileManager.default.fileExists(atPath: copy) {
            try FileManager.default.copyItem(atPath: PackagePaths.gentleBinary, toPath: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
        }
        return try RunResult.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", copy] + arguments,
                                 environment: ["HOME": home])
    }
}
