import ArgumentParser
import Foundation
import KBBuild
import KBContent
import KBCore

extension KB {
    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Start an article: the front matter and sections its kind needs, or a translation skeleton (--from).",
            discussion: """
                Writes Content/SECTION/SLUG.md (SLUG.<lang>.md with --lang) with `updated` set to today and \
                "FILL IN:" wherever you still have to write; kb check warns about each one left. Refuses a path \
                or short id that already exists in that language. With --from ID --lang zh, writes the \
                translation of an existing article: its front matter, ids, error texts and code blocks kept, \
                its prose to translate. Prints the new file's path.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "symptom, cause, fix, concept, runbook or reference (with --from: the original's).")
        var kind: String?

        @Argument(help: "SECTION/SLUG under the content folder, e.g. go-windows/gopath-on-onedrive (with --from: the original's).")
        var path: String?

        @Option(name: .long, help: "Language of the new file (default: the KB's default language).")
        var lang: String?

        @Option(name: .long, help: "The article's title.")
        var title: String?

        @Option(name: .long, help: "Write a translation skeleton of this article (short or canonical id) instead.")
        var from: String?

        struct Report: Encodable {
            var path: String
            var id: String
            var canonicalID: String
            var lang: String
            var kind: String
        }

        func run() async throws {
            let term = global.terminal
            func fail(_ message: String, at location: String? = nil) -> ExitCode {
                term.err((location.map { "\($0):1:1: " } ?? "") + "error: " + message + " [usage]")
                return ExitCode(ExitStatus.usage)
            }
            let (content, graph) = try global.loadKB(terminal: term)
            let config = graph.config
            let language = lang ?? config.defaultLanguage
            guard config.languageCodes.contains(language) else {
                throw fail("unknown language '\(language)'; the KB has \(config.languageCodes.joined(separator: ", ")) (add it under languages: in kb.yml)")
            }
            let today = Self.today()
            let canonical: String, kindValue: ArticleKind, text: String
            if let from {
                let i: Int
                switch graph.resolve(from, lang: config.defaultLanguage) {
                case .found(let n): i = n
                case .missing(let suggestion):
                    throw fail("no article '\(from)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""))
                case .ambiguous(let candidates):
                    throw fail("'\(from)' is ambiguous; use one of: \(candidates.joined(separator: ", "))")
                }
                let original = graph.articles[i]
                guard lang != nil, language != original.lang else {
                    throw fail("--from writes a translation: give its language with --lang (the original is '\(original.lang)')")
                }
                if let kind, kind != original.kind.rawValue { throw fail("--from keeps the original's kind (\(original.kind.rawValue)), not '\(kind)'") }
                if let path, Self.trimmed(path) != original.canonicalID {
                    throw fail("--from keeps the original's path (\(original.canonicalID)), not '\(path)'")
                }
                if title != nil { throw fail("--title is for new articles; a translation's title is translated in the file") }
                let bytes = try LocalFileSystem().read(content.project.contentDirectory + "/" + original.path)
                (canonical, kindValue) = (original.canonicalID, original.kind)
                text = Scaffold.translation(of: String(decoding: bytes, as: UTF8.self), lang: language, today: today)
            } else {
                guard let kind, let path else {
                    throw fail("give a kind and SECTION/SLUG, e.g. kb new cause go-windows/gopath-on-onedrive (or --from ID --lang zh)")
                }
                guard let k = ArticleKind(rawValue: kind) else {
                    let hint = Slug.closest(to: kind, in: ArticleKind.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
                    throw fail("unknown kind '\(kind)'\(hint) (one of: \(ArticleKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                let id = Self.trimmed(path)
                let parts = id.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count >= 2, parts.allSatisfy({ Slug.isValidID(String($0)) }) else {
                    throw fail("'\(path)' is not SECTION/SLUG: folders and file name in [a-z0-9][a-z0-9-]*, e.g. go-windows/gopath-on-onedrive")
                }
                if let title, title.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("--title is empty") }
                let slug = String(parts.last!)
                let taken = graph.lookup(slug, lang: language).filter { graph.articles[$0].lang == language }
                if let other = taken.first {
                    throw fail("the id '\(slug)' is already used in '\(language)' by this article; pick another slug",
                               at: graph.articles[other].displayPath)
                }
                (canonical, kindValue) = (id, k)
                text = Scaffold.article(kind: k, slug: slug, title: title, today: today)
            }
            if let existing = graph.article(canonical: canonical, lang: language) {
                throw fail("\(canonical) already exists in '\(language)'", at: graph.articles[existing].displayPath)
            }
            let relative = canonical + (language == config.defaultLanguage ? "" : "." + language) + ".md"
            let full = content.project.contentDirectory + "/" + relative
            let display = Project.displayPath(full)
            do { try Self.create(Data(text.utf8), at: full) } catch CocoaError.fileWriteFileExists {
                throw fail("\(display) already exists", at: display)
            } catch {
                throw fail("cannot write \(display): \(error)", at: display)
            }
            if global.json {
                term.out(jsonString(Report(path: display, id: String(canonical.split(separator: "/").last ?? ""), canonicalID: canonical,
                                           lang: language, kind: kindValue.rawValue)))
            } else {
                term.out(display)
            }
        }

        /// `sec/slug.md` and `sec/slug` alike; no leading `./` or `Content/`.
        static func trimmed(_ path: String) -> String {
            var p = path
            if p.hasPrefix("./") { p.removeFirst(2) }
            if p.hasSuffix(".md") { p.removeLast(3) }
            return p
        }

        static func today() -> String {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone.current
            f.dateFormat = "yyyy-MM-dd"
            return f.string(from: Date())
        }

        /// Writes a new file atomically and never over an existing one: a temp sibling linked into
        /// place (link fails when the name exists), then removed.
        static func create(_ data: Data, at path: String) throws {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: path) { throw CocoaError(.fileWriteFileExists) }
            let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).new-\(getpid())")
            try data.write(to: temp)
            defer { unlink(temp.path) }
            if link(temp.path, path) != 0 {
                if errno == EEXIST { throw CocoaError(.fileWriteFileExists) }
                throw CocoaError(.fileWriteUnknown)
            }
        }
    }
}
