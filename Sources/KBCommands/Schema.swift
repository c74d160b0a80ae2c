import ArgumentParser
import Foundation
import KBContent
import KBCore

extension KB {
    struct Schema: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the JSON Schema of article front matter or of kb.yml, for editors and validators.",
            discussion: """
                Generated from the tables kb's own parsers read, so an editor that validates against it agrees \
                with kb check. Inside a KB, the front matter's `lang` lists the KB's languages. A built site \
                carries both under _kb/schema/. Point an editor at one with a first line such as \
                `# yaml-language-server: $schema=<url or path>` (docs/writing.md).
                """)

        enum Which: String, ExpressibleByArgument, CaseIterable {
            case frontMatter = "front-matter"
            case config
        }

        @OptionGroup var global: GlobalOptions

        @Argument(help: "front-matter or config.")
        var which: Which

        @Option(name: .long, help: "Write the schema to this file (atomically) instead of standard output.")
        var output: String?

        func run() async throws {
            let term = global.terminal
            let data: Data
            switch which {
            case .frontMatter:
                // The KB's languages when there is one here; a KB that cannot be read is an error
                // only when it was asked for.
                var languages: [String]?
                do { languages = try Project.discover(content: global.content).config.languageCodes } catch {
                    if global.content != nil {
                        term.report(error.diagnostics)
                        throw ExitCode(ExitStatus.usage)
                    }
                }
                data = JSONSchemas.frontMatterSchema(languages: languages)
            case .config:
                data = JSONSchemas.configSchema()
            }
            if let output {
                do { try AtomicWrite.write(data, to: Project.absolute(output, from: FileManager.default.currentDirectoryPath)) } catch {
                    term.err("\(output):1:1: error: cannot write the schema: \(error) [io]")
                    throw ExitCode(ExitStatus.usage)
                }
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }
}
