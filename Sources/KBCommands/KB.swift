import ArgumentParser
import KBBuild

/// The `kb` command: subcommands live one per file as extensions.
public struct KB: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "An offline troubleshooting knowledge base: Markdown with executable checks → typed graph → static site.",
        version: SiteBuilder.version,
        subcommands: [Build.self, Check.self, Show.self, Graph.self]
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
