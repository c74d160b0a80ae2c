import ArgumentParser
import Foundation
import KBCore
import KBSearch

extension KB {
    struct Match: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "match",
            abstract: "Find the articles for an error log: known error texts first, then ranked search.",
            discussion: """
                Reads FILE, or standard input with '-' or no argument. Each line is normalised (full-width \
                punctuation, paths, URLs, versions, hashes, numbers and quoted names) and compared with every \
                article's `errors:`; when none matches, the log's most informative lines are searched. \
                Streams logs of any size; lines are cut at \(LogMatcher.maxLineLength) characters and each \
                error regex gets \(Int(LogMatcher.regexBudget * 1000)) ms in all. Exit 0 with results, 1 with none.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The log file ('-' or nothing: standard input).")
        var file: String?

        @Option(name: .long, help: "A built site to read instead of a KB.")
        var site: String?

        @Option(name: .long, help: "Answer in this language (default: the log's, else the KB's default).")
        var lang: String?

        @Option(name: .long, help: "At most this many articles.")
        var limit = 5

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        struct Report: Encodable {
            var query: String
            var results: [RankedResult]
        }

        func run() async throws {
            let term = global.terminal
            let input: FileHandle
            let name: String
            if let file, file != "-" {
                guard let handle = FileHandle(forReadingAtPath: file) else {
                    term.err("\(file):1:1: error: cannot read the log file [io]")
                    throw ExitCode(ExitStatus.usage)
                }
                input = handle
                name = file
            } else {
                if isatty(STDIN_FILENO) == 1 {
                    term.err("error: give a log file, or pipe one in: go build 2>&1 | kb match [usage]")
                    throw ExitCode(ExitStatus.usage)
                }
                input = FileHandle.standardInput
                name = "-"
            }
            let source = try SearchSource.open(global: global, site: site, terminal: term).validated(terminal: term).0
            if let lang, !source.languages.contains(lang) {
                term.err("error: no '\(lang)' index; languages: \(source.languages.joined(separator: ", ")) [usage]")
                throw ExitCode(ExitStatus.usage)
            }
            let outcome = try LogMatcher.articles(readers: source.readers, lang: lang, limit: limit) { $0.scan(input) }
            for (s, reason) in outcome.invalid {
                term.err("warning: error regex does not compile, skipped: \(s.text): \(reason) [signature]")
            }
            let report = outcome.report
            for text in Set(report.timedOut).sorted() {
                term.err("warning: error regex took longer than \(Int(LogMatcher.regexBudget * 1000)) ms on this log, skipped: \(text) [regex-timeout]")
            }
            let results = outcome.articles, bySignature = outcome.bySignature
            if global.json {
                term.out(jsonString(Report(query: name, results: results)))
            } else if results.isEmpty {
                term.err("no article matches this log (\(report.lineCount) lines)")
            } else {
                var lines: [String] = []
                if !bySignature {
                    lines.append(term.dim("No known error text in this log; closest articles for:"))
                    lines += report.informative.map { term.dim("  | " + $0) }
                }
                for r in results {
                    lines.append(term.bold(r.id) + "  " + r.title + "  " + term.dim("[\(r.kind)]" + (source.languages.count > 1 ? " (\(r.lang))" : "")))
                    for m in r.matched ?? [] {
                        lines.append("    " + term.dim("line \(m.line): ") + term.yellow(m.text))
                    }
                    lines.append("    " + term.dim(r.url))
                }
                term.out(lines.joined(separator: "\n"))
            }
            if results.isEmpty { throw ExitCode(ExitStatus.findings) }
        }
    }
}
