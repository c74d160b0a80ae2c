import Foundation
import KBContent
import KBCore
import Mustache

/// The templates and assets of a site: the default theme compiled into kb, overridden file by file
/// by a KB's own `Templates/` folder.
public struct Theme: Sendable {
    /// Relative path → text, after overrides.
    public let files: [String: String]
    /// Where each overriding file came from, for messages.
    public let origins: [String: String]
    let library: MustacheLibrary
    /// Changes whenever any template or asset changes.
    public let fingerprint: String

    public static let requiredTemplates = ["home", "section", "article", "taxonomy", "term", "404"]

    public init(overrides directory: String?, fileSystem fs: FileSystem = LocalFileSystem()) throws {
        var files = DefaultTheme.files
        var origins = Dictionary(uniqueKeysWithValues: files.keys.map { ($0, "default theme: Templates/\($0)") })
        if let directory, fs.isDirectory(directory) {
            var diags: [Diagnostic] = []
            for entry in try fs.walk(directory, diagnostics: &diags) {
                let full = directory + "/" + entry.relativePath
                let text = try SourceText.decode(try fs.read(full), path: full)
                files[entry.relativePath] = text
                origins[entry.relativePath] = Project.displayPath(full)
            }
            if diags.hasErrors { throw DiagnosticError(diags) }
        }
        var library = MustacheLibrary()
        var errors: [Diagnostic] = []
        for (path, text) in files where path.hasSuffix(".mustache") {
            let name = String(path.dropLast(".mustache".count))
            do {
                library.register(try MustacheTemplate(string: HTMLEscaping.pragma + text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                // The pragma line before the text is not the author's: lines count from after it.
                errors.append(.error("template does not parse: \(error.error)", rule: .template,
                                     at: SourceLocation(path: origins[path]!, line: max(1, error.context.lineNumber - 1),
                                                        column: error.context.columnNumber)))
            } catch {
                errors.append(.error("template does not parse: \(error)", rule: .template,
                                     at: SourceLocation(path: origins[path]!, line: 1, column: 1)))
            }
        }
        // A missing template or partial must fail the build, never render nothing.
        for name in Self.requiredTemplates where files[name + ".mustache"] == nil {
            errors.append(.error("missing template \(name).mustache", rule: .template, at: nil))
        }
        for (path, text) in files where path.hasSuffix(".mustache") {
            for (partial, line, column) in Self.partialReferences(text) where files[partial + ".mustache"] == nil {
                errors.append(.error("template uses partial '\(partial)' but there is no \(partial).mustache", rule: .template,
                                     at: SourceLocation(path: origins[path]!, line: line, column: column)))
            }
        }
        errors += Self.partialCycles(files: files, origins: origins)
        if !errors.isEmpty { throw DiagnosticError(errors) }
        var h = StableHash()
        for key in files.keys.sorted() { h.combine(key); h.combine(files[key]!) }
        self.files = files
        self.origins = origins
        self.library = library
        self.fingerprint = h.hex
    }

    /// Partials (or parents) that include themselves, directly or through others, would recurse
    /// until the stack overflows: each cycle is an error at the reference that closes it.
    static func partialCycles(files: [String: String], origins: [String: String]) -> [Diagnostic] {
        var edges: [String: [(String, Int, Int)]] = [:]
        for (path, text) in files where path.hasSuffix(".mustache") {
            let name = String(path.dropLast(".mustache".count))
            edges[name] = partialReferences(text, opener: "{{>") + partialReferences(text, opener: "{{<")
        }
        var errors: [Diagnostic] = []
        var state: [String: Int] = [:] // 1 on the current path, 2 done
        for start in edges.keys.sorted() where state[start] == nil {
            // Iterative depth-first search: (template, index of its next reference).
            var stack: [(String, Int)] = [(start, 0)]
            var path: [String] = [start]
            state[start] = 1
            while let (name, i) = stack.last {
                let refs = edges[name] ?? []
                guard i < refs.count else {
                    state[name] = 2
                    stack.removeLast()
                    path.removeLast()
                    continue
                }
                stack[stack.count - 1].1 += 1
                let (next, line, column) = refs[i]
                guard edges[next] != nil else { continue }
                switch state[next] {
                case 1?:
                    let cycle = path[(path.firstIndex(of: next) ?? 0)...] + [next]
                    errors.append(.error("recursive partial: \(cycle.joined(separator: " → ")); a template cannot include itself",
                                         rule: .template, at: SourceLocation(path: origins[name + ".mustache"] ?? name, line: line, column: column)))
                case nil:
                    state[next] = 1
                    stack.append((next, 0))
                    path.append(next)
                default: break
                }
            }
        }
        return errors
    }

    /// `{{> name}}` occurrences with their positions (or another opener: `{{<` for parents).
    static func partialReferences(_ text: String, opener: String = "{{>") -> [(String, Int, Int)] {
        var out: [(String, Int, Int)] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let r = rest.range(of: opener) {
                let after = rest[r.upperBound...]
                guard let end = after.range(of: "}}") else { break }
                let name = after[..<end.lowerBound].trimmingCharacters(in: .whitespaces)
                out.append((name, n + 1, line.distance(from: line.startIndex, to: r.lowerBound) + 1))
                rest = after[end.upperBound...]
            }
        }
        return out
    }

    public var assets: [String: String] {
        files.filter { $0.key.hasPrefix("assets/") }
    }

    public func render(_ model: PageModel) throws -> String {
        guard let html = library.render(model.content, withTemplate: model.template) else {
            throw DiagnosticError(.error("missing template \(model.template).mustache", rule: .template, at: nil))
        }
        return html
    }
}
