import Foundation
import GentleCore
import GentleTestSupport
import Testing
@testable import GentleSystem

@Suite struct SecretFileRulesTests {
    static let secret = "correct-horse-battery-staple"

    @Test func acceptsAPrivatePasswordFile() throws {
        let s = try ConfigScratch()
        try s.write("pw", Self.secret + "\n", mode: 0o600)
        let path = try s.write("c.toml", emailConfig("password_file = \"~/pw\""))
        #expect(s.errors(path).isEmpty)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o666])
    func refusesAPasswordFileOthersCanRead(mode: Int) throws {
        let s = try ConfigScratch()
        try s.write("pw", Self.secret, mode: mode)
        let path = try s.write("c.toml", emailConfig("password_file = \"~/pw\""))
        let octal = "0" + String(mode, radix: 8)
        #expect(s.errors(path).map(\.description) == [
            "\(path):12:17: \"password_file\" \(s.dir)/pw can be read by other users (mode \(octal)); run chmod 600 \(s.dir)/pw",
        ])
    }

    @Test func refusesAMissingPasswordFile() throws {
        let s = try ConfigScratch()
        let path = try s.write("c.toml", emailConfig("password_file = \"~/nope\""))
        #expect(s.errors(path).map(\.message) == [
            "\"password_file\" \(s.dir)/nope does not exist; create it with the SMTP password alone, then run chmod 600 \(s.dir)/nope",
        ])
    }

    @Test func refusesAnEmptyPasswordFile() throws {
        let s = try ConfigScratch()
        try s.write("pw", "", mode: 0o600)
        let path = try s.write("c.toml", emailConfig("password_file = \"\(s.dir)/pw\""))
        #expect(s.errors(path).map(\.message) == [
            "\"password_file\" \(s.dir)/pw is empty; put the SMTP password in it, alone on the first line",
        ])
    }

    @Test func refusesAPasswordFileThatIsADirectory() throws {
        let s = try ConfigScratch()
        try FileManager.default.createDirectory(atPath: s.dir + "/pwdir", withIntermediateDirectories: false)
        let path = try s.write("c.toml", emailConfig("password_file = \"~/pwdir\""))
        #expect(s.errors(path).map(\.message) == [
            "\"password_file\" \(s.dir)/pwdir is not a regular file; point it at a file holding the SMTP password alone",
        ])
    }

    @Test(.enabled(if: !runningAsRoot, "root reads any file"))
    func refusesAPasswordFileWeCannotRead() throws {
        let s = try ConfigScratch()
        try s.write("pw", Self.secret, mode: 0o000)
        let path = try s.write("c.toml", emailConfig("password_file = \"~/pw\""))
        #expect(s.errors(path).first?.message.hasPrefix("\"password_file\" \(s.dir)/pw cannot be read by you (permission denied)") == true)
    }

    @Test func acceptsAnInlinePasswordInAPrivateConfig() throws {
        let s = try ConfigScratch()
        let path = try s.write("c.toml", emailConfig("password = \"\(Self.secret)\""), mode: 0o600)
        let config = try ConfigFile(paths: s.paths).load(path)
        #expect(config.email?.password == Self.secret)
    }

    @Test(arguments: [0o644, 0o640, 0o604])
    func refusesAnInlinePasswordInAConfigOthersCanRead(mode: Int) throws {
        let s = try ConfigScratch()
        let path = try s.write("c.toml", emailConfig("password = \"\(Self.secret)\""), mode: mode)
        let errors = s.errors(path)
        #expect(errors.map(\.description) == [
            "\(path):12:1: the SMTP password is written in this file, which other users can read (mode 0\(String(mode, radix: 8))); run chmod 600 \(path), or move it to password_file or a systemd credential (LoadCredential=smtp-password)",
        ])
        #expect(!errors.map(\.description).joined().contains(Self.secret))
    }

    @Test func checksTheCAFileExists() throws {
        let s = try ConfigScratch()
        try s.write("pw", Self.secret, mode: 0o600)
        let path = try s.write("c.toml", emailConfig("password_file = \"~/pw\"\nca_file = \"~/ca.pem\""))
        #expect(s.errors(path).map(\.description) == [
            "\(path):13:11: \"ca_file\" \(s.dir)/ca.pem does not exist; create it with CA certificates (PEM)",
        ])
        try s.write("ca.pem", "-----BEGIN CERTIFICATE-----\n", mode: 0o644)
        #expect(s.errors(path).isEmpty)
    }
}
