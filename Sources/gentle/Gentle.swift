import ArgumentParser
import GentleCore

@main
struct Gentle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gentle",
        abstract: "Kind, low-pressure check-ins for parents, through the day.",
        discussion: """
            gentle runs as a systemd user service, reads check-ins and kid-date opportunities from \
            a TOML config, delivers them as desktop notifications, emails or console lines, and \
            keeps the replies in a local log.
            """,
        version: GentleVersion.string,
        subcommands: [RunCommand.self, CheckCommand.self, NextCommand.self, CalendarCommand.self, StatusCommand.self,
                      ReplyCommand.self, SnoozeCommand.self, PauseCommand.self, ResumeCommand.self, FireCommand.self,
                      ReloadCommand.self, LogCommand.self, InstallCommand.self, UninstallCommand.self]
    )
}
