import ArgumentParser
import Foundation
import KBBuild
import KBSearch

/// The `kb` command: subcommands live one per file as extensions.
public struct KB: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "An offline troubleshooting knowledge base: Markdown with executable checks → typed graph → static site.",
        version: SiteBuilder.version,
        subcommands: [Build.self, Serve.self, Check.self, Show.self, Graph.self, Search.self, Match.self, Doctor.self, Runbook.self, Alerts.self, Status.self, Mcp.self, Schema.self, New.self]
    )

    public init() {}
}

/// Options every subcommand takes.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The content folder (default: Content/ of the KB found from here upward).")
    public var content: String?

    @Flag(name: .long, help: "Print one JSON document instead of text.")
    public var json = false

    @Flag(name: .long, help: "Never use colour (also: NO_COLOR in the environment).")
    public var noColor = false

    public init() {}

    var terminal: Terminal { Terminal(colour: !noColor && !json) }
}

extension KB {
    /// Runs kb with DESIGN §6's exit codes: usage errors exit 2 (ArgumentParser's own is 64).
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // A site's search index that is damaged or of another format: an input error, named.
            if let e = error as? SearchError {
                FileHandle.standardError.write(Data("error: \(e) [usage]\n".utf8))
                Foundation.exit(ExitStatus.usage)
            }
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                FileHandle.standardError.write(Data((message + "\n").utf8))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// `--site DIR` for the commands that can read a built site's sources instead of a KB.
struct SiteOption: ParsableArguments {
    @Option(name: .long, help: "Read a built site (the sources it carries in _kb/content.json) instead of a KB.")
    var site: String?
}
