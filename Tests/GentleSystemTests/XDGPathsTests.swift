import Testing
@testable import GentleSystem

@Suite struct XDGPathsTests {
    @Test func followsTheBaseDirectorySpec() {
        let paths = XDGPaths(environment: ["HOME": "/home/ada", "XDG_STATE_HOME": "relative/ignored"])
        #expect(paths.defaultConfigFile == "/home/ada/.config/gentle/config.toml")
        #expect(paths.defaultStateDirectory == "/home/ada/.local/state/gentle")
        #expect(paths.expandTilde("~/x") == "/home/ada/x")
        let custom = XDGPaths(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/cfg", "XDG_STATE_HOME": "/st"])
        #expect(custom.defaultConfigFile == "/cfg/gentle/config.toml")
        #expect(custom.defaultStateDirectory == "/st/gentle")
    }
}
