import Foundation
import Testing
@testable import GentleSystem

/// ExecStart= as `gentle install` writes it for each prefix, and as `gentle uninstall` reads it.
struct UserUnitTests {
    let home = "/home/sam"

    @Test func theDefaultPrefixKeepsTheHomeSpecifier() throws {
        let unit = try UserUnit.render(binary: "/home/sam/.local/bin/gentle", home: home)
        #expect(unit == EmbeddedFiles.userUnit)
    }

    @Test(arguments: [
        ("/usr/local/bin/gentle", "/usr/local/bin/gentle"),
        ("/home/sam/apps/bin/gentle", "/home/sam/apps/bin/gentle"),
        ("/opt/my apps/bin/gentle", "\"/opt/my apps/bin/gentle\""),
        ("/opt/100%/bin/gentle", "/opt/100%%/bin/gentle"),
        ("/opt/$HOME/bin/gentle", "/opt/$$HOME/bin/gentle"),
        ("/opt/a\"b\\c/bin/gentle", "\"/opt/a\\\"b\\\\c/bin/gentle\""),
    ])
    func otherPrefixesAreWrittenOutEscaped(_ binary: String, _ word: String) throws {
        let unit = try UserUnit.render(binary: binary, home: home)
        let lines = unit.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("ExecStart=") } == ["ExecStart=\(word) run"])
        #expect(lines.count == EmbeddedFiles.userUnit.split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(UserUnit.binary(inUnit: unit, home: home) == binary, "uninstall reads back what install wrote")
    }

    @Test func theHomeSpecifierIsReadBack() {
        #expect(UserUnit.binary(inUnit: EmbeddedFiles.userUnit, home: home) == "/home/sam/.local/bin/gentle")
    }

    @Test(arguments: ["[Service]\nExecStart=gentle run\n", "[Service]\nExecStart=\"/opt/unclosed run\n", "[Service]\n"])
    func unitsNotInOurFormReadBackAsNothing(_ text: String) {
        #expect(UserUnit.binary(inUnit: text, home: home) == nil)
    }

    @Test func aTemplateWithoutExecStartIsRefused() {
        #expect(throws: InstallError.self) { try UserUnit.render(binary: "/x/gentle", home: home, template: "[Service]\n") }
    }

    @Test func layoutFollowsXDGAndNormalisesThePrefix() {
        let paths = XDGPaths(environment: ["HOME": "/home/sam/", "XDG_CONFIG_HOME": "/cfg", "XDG_STATE_HOME": "/state"])
        let layout = InstallLayout(paths: paths, prefix: "../opt//gentle/", currentDirectory: "/home/sam/src")
        #expect(layout.home == "/home/sam")
        #expect(layout.prefix == "/home/sam/opt/gentle")
        #expect(layout.binary == "/home/sam/opt/gentle/bin/gentle")
        #expect(layout.unitFile == "/cfg/systemd/user/gentle.service")
        #expect(layout.configFile == "/cfg/gentle/config.toml")
        #expect(layout.stateDirectory == "/state/gentle")
        #expect(layout.display("/home/sam/opt/gentle/bin/gentle") == "~/opt/gentle/bin/gentle")
        #expect(layout.display("/home/samuel") == "/home/samuel")
        #expect(InstallLayout(paths: paths, prefix: "~/.local").binary == layout.defaultBinary)
    }
}
