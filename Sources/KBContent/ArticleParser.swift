import Foundation
import KBCore
import KBMarkdown
import Yams

/// Turns one Markdown file into an `Article` (and its body tree). Pure: bytes in, values out.
public struct ArticleParser: Sendable {
    public static let maxFileSize = 4 * 1024 * 1024
    static let frontMatterKeys = JSONSchemas.frontMatter.map(\.key)

    public var config: KBConfig
    public init(config: KBConfig) { self.config = config }

    public struct Parsed: Sendable {
        public var article: Article
        public var document: MarkdownDocument
    }

    /// Where the language and canonical id of a path come from: `lang_dirs`, then the `.xx.md` suffix.
    public func identity(ofPath path: String) -> (canonical: String, slug: String, lang: String, isIndex: Bool) {
        var rel = path
        var lang = config.defaultLanguage
        for (folder, spec) in config.languageFolders.sorted(by: { $0.key.count > $1.key.count })
        where rel.hasPrefix(folder + "/") {
            lang = spec.lang
            rel = (spec.of.map { $0 + "/" } ?? "") + rel.dropFirst(folder.count + 1)
            break
        }
        var name = String(rel.dropLast(3)) // ".md"
        if let dot = name.lastIndex(of: "."), !name[dot...].contains("/") {
            let suffix = String(name[name.index(after: dot)...])
            if config.languageCodes.contains(suffix) {
                lang = suffix
                name = String(name[..<dot])
            }
        }
        let slug = name.split(separator: "/").last.map(String.init) ?? name
        // Other generators serve `index.md` as the folder's page (MkDocs, Docusaurus, Hugo leaf bundles).
        if slug == "_index" || (config.compat != nil && slug == "index") {
            let folder = name.split(separator: "/").dropLast().joined(separator: "/")
            return (folder, folder.split(separator: "/").last.map(String.init) ?? "", lang, true)
        }
        return (name, slug, lang, false)
    }

    /// The article as far as its path decides it (ids, language, section), before its text is read.
    public func pathArticle(path: String, displayPath: String, contentHash: String) -> Article {
        let ident = identity(ofPath: path)
        return Article(fields: .init(path: path, displayPath: displayPath, canonicalID: ident.canonical, shortID: ident.slug,
                                     hasExplicitID: false, idLocation: nil, lang: ident.lang, isSectionIndex: ident.isIndex,
                                     section: ident.isIndex ? ident.canonical : ident.canonical.split(separator: "/").dropLast().joined(separator: "/"),
                                     title: "", titleFromHeading: false, kind: .reference, kindLocation: nil, summary: "",
                                     contentHash: contentHash))
    }

    public func parse(bytes: [UInt8], path: String, displayPath: String) -> Parsed {
        let ident = identity(ofPath: path)
        var article = pathArticle(path: path, displayPath: displayPath, contentHash: StableHash.of(bytes: bytes))
        let empty = MarkdownDocument(root: MarkdownNode(kind: .document))
        guard bytes.count <= Self.maxFileSize else {
            article.diagnostics.append(.error("file is larger than \(Self.maxFileSize / 1024 / 1024) MiB; split it",
                                              rule: .fileTooLarge, at: article.location))
            article.title = ident.slug
            return Parsed(article: article, document: empty)
        }
        let text: String
        do { text = try SourceText.decode(bytes, path: displayPath) } catch {
            article.diagnostics += error.diagnostics
            article.title = ident.slug
            return Parsed(article: article, document: empty)
        }

        article.diagnostics += Placeholder.diagnostics(in: text, path: displayPath)
        let (yaml, body, bodyOffset, compatDiagnostics) = split(text, displayPath: displayPath)
        var explicitTitle: String?
        if let yaml {
            explicitTitle = readFrontMatter(yaml, into: &article)
        }
        article.diagnostics += compatDiagnostics
        let document = MarkdownParser.parse(body, lineOffset: bodyOffset)
        if let deep = document.tooDeep {
            article.diagnostics.append(.error("Markdown nested more than \(MarkdownParser.maxDepth) levels deep (lists, quotes or emphasis); flatten it",
                                              rule: .nestingTooDeep, at: SourceLocation(path: displayPath, line: deep.line, column: deep.column)))
        }
        if let wide = document.tooWide {
            article.diagnostics.append(.error("table wider than \(MarkdownParser.maxTableColumns) columns; split it",
                                              rule: .tableTooWide, at: SourceLocation(path: displayPath, line: wide.line, column: wide.column)))
        }
        let bodyLines = body.split(separator: "\n", omittingEmptySubsequences: false)
        readBody(document, lines: bodyLines, lineOffset: bodyOffset, into: &article)

        if let explicitTitle {
            article.title = explicitTitle
        } else if let first = document.root.children.first, first.kind == .heading, first.level == 1 {
            article.title = first.plainText.trimmingCharacters(in: .whitespaces)
            article.titleFromHeading = true
        } else if yaml != nil, !article.isSectionIndex, config.lenient {
            article.diagnostics.append(.warning("no title: using the file name", rule: .missingTitle, at: article.location))
            article.title = article.navTitle ?? ident.slug
        } else if yaml != nil, !article.isSectionIndex {
            article.diagnostics.append(.error("no title: add 'title:' to the front matter or start the body with '# Title'",
                                              rule: .missingTitle, at: article.location))
            article.title = ident.slug
        } else {
            article.title = ident.isIndex ? ident.slug : ident.slug
        }
        if article.summary.isEmpty { article.summary = Self.firstParagraph(document) }
        return Parsed(article: article, document: document)
    }

    /// Only the Markdown tree of a file, exactly as `parse` makes it: what rendering a page needs
    /// once the article itself is known (from the cache or the load step). Skips the front
    /// matter's YAML, the checks and the article's fields: half the cost of a parse.
    public func document(bytes: [UInt8], displayPath: String) -> MarkdownDocument {
        guard bytes.count <= Self.maxFileSize, let text = try? SourceText.decode(bytes, path: displayPath) else {
            return MarkdownDocument(root: MarkdownNode(kind: .document))
        }
        let (_, body, bodyOffset, _) = split(text, displayPath: displayPath)
        return MarkdownParser.parse(body, lineOffset: bodyOffset)
    }

    /// The front matter (as YAML), the Markdown body after the compat rewrite, the body's line
    /// offset and the rewrite's findings.
    func split(_ text: String, displayPath: String) -> (yaml: String?, body: String, offset: Int, diagnostics: [Diagnostic]) {
        let (yaml, rawBody, bodyOffset) = Self.splitFrontMatter(config.compat == .hugo ? TOMLFrontMatter.yamlFrontMatter(text) : text)
        guard let mode = config.compat else { return (yaml, rawBody, bodyOffset, []) }
        let rewritten = CompatMarkdown(path: displayPath, lineOffset: bodyOffset, mode: mode).rewrite(rawBody)
        return (yaml, rewritten.text, bodyOffset, rewritten.diagnostics)
    }

    /// Splits `---\n…\n---\n` off the top. Returns the YAML, the body and the body's line offset.
    static func splitFrontMatter(_ text: String) -> (String?, String, Int) {
        guard text.hasPrefix("---\n") || text == "---" else { return (nil, text, 0) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeFirst()
        for (i, line) in lines.enumerated() where line == "---" || line == "..." {
            let yaml = lines[..<i].joined(separator: "\n")
            let body = lines[(i + 1)...].joined(separator: "\n")
            return (yaml, body, i + 2)
        }
        return (nil, text, 0) // no closing fence: a thematic break, not front matter
    }

    /// The first paragraph or block quote as plain text, shortened.
    static func firstParagraph(_ document: MarkdownDocument) -> String {
        for node in document.root.children where node.kind == .paragraph || node.kind == .blockQuote {
            let text = node.plainText.split(whereSeparator: \.isNewline).joined(separator: " ")
                .trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("[!") { continue } // a callout is not the summary
            if text.count > 280 { return String(text.prefix(277)) + "…" }
            return text
        }
        return ""
    }

    // MARK: front matter

    private func readFrontMatter(_ yaml: String, into article: inout Article) -> String? {
        let y = YAMLNodes(path: article.displayPath, lineOffset: 1)
        var diags: [Diagnostic] = []
        defer { article.diagnostics += diags }
        let root: Node?
        switch SafeYAML.compose(yaml, path: article.displayPath, lineOffset: 1) {
        case .success(let node): root = node
        case .failure(let d):
            diags.append(d)
            return nil
        }
        guard let root else { return nil }
        guard case .mapping(let map) = root else {
            diags.append(.error("front matter must be a mapping of keys", rule: .frontMatterType, at: y.location(root)))
            return nil
        }
        var title: String?
        func refs(_ node: Node, _ key: String) -> [Ref] {
            y.strings(node, key, &diags).compactMap { (id, loc) in
                if id.isEmpty || id.contains(" ") {
                    diags.append(.error("'\(id)' is not an article id", rule: .badID, at: loc))
                    return nil
                }
                return Ref(id: id, location: loc)
            }
        }
        func oneOf<E: RawRepresentable & CaseIterable>(_ node: Node, _ key: String, _ type: E.Type) -> E? where E.RawValue == String {
            guard let s = y.string(node, key, &diags) else { return nil }
            if let v = E(rawValue: s) { return v }
            let names = E.allCases.map(\.rawValue)
            let hint = Slug.closest(to: s, in: names).map { "; did you mean '\($0)'?" } ?? ""
            diags.append(.error("'\(s)' is not a valid \(key)\(hint) (one of: \(names.joined(separator: ", ")))",
                                rule: .frontMatterValue, at: y.location(node)))
            return nil
        }
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            if config.compat != nil, readForeignKey(key, value, y: y, diags: &diags, into: &article) { continue }
            switch key {
            case "id":
                guard let s = y.string(value, key, &diags) else { continue }
                if Slug.isValidID(s) {
                    article.shortID = s
                    article.hasExplicitID = true
                    article.idLocation = y.location(value)
                } else {
                    diags.append(.error("id '\(s)' must match [a-z0-9][a-z0-9-]*", rule: .badID, at: y.location(value)))
                }
            case "title": title = y.string(value, key, &diags)
            case "summary": if let s = y.string(value, key, &diags) { article.summary = s }
            case "kind":
                if let k = oneOf(value, key, ArticleKind.self) { article.kind = k; article.kindLocation = y.location(value) }
            case "severity": article.severity = oneOf(value, key, Severity.self)
            case "lang":
                guard let s = y.string(value, key, &diags) else { continue }
                if config.languageCodes.contains(s) { article.lang = s } else {
                    diags.append(.error("unknown language '\(s)' (configured: \(config.languageCodes.joined(separator: ", ")); add it under languages: in kb.yml)",
                                        rule: .frontMatterValue, at: y.location(value)))
                }
            case "platforms":
                for (s, loc) in y.strings(value, key, &diags) {
                    if let p = Platform(rawValue: s) { article.platforms.append(p) } else {
                        let hint = Slug.closest(to: s, in: Platform.allCases.map(\.rawValue)).map { "; did you mean '\($0)'?" } ?? ""
                        diags.append(.error("'\(s)' is not a platform\(hint) (one of: windows, linux, macos, kubernetes)",
                                            rule: .frontMatterValue, at: loc))
                    }
                }
            case "tools": article.tools = y.strings(value, key, &diags).map(\.0)
            case "env": article.env = y.strings(value, key, &diags).map(\.0)
            case "components": article.components = y.strings(value, key, &diags).map(\.0)
            case "tags": article.tags = y.strings(value, key, &diags).map(\.0)
            case "sources": article.sources = y.strings(value, key, &diags).map(\.0)
            case "alerts":
                for (s, loc) in y.strings(value, key, &diags) {
                    if s.range(of: JSONSchemas.alertNamePattern, options: .regularExpression) != nil { article.alerts.append(s) } else {
                        diags.append(.error("'\(s)' is not a Prometheus alert name", rule: .frontMatterValue, at: loc))
                    }
                }
            case "causes": article.causes = refs(value, key)
            case "fixes": article.fixes = refs(value, key)
            case "see_also": article.seeAlso = refs(value, key)
            case "requires": article.requires = refs(value, key)
            case "errors": readErrors(value, y: y, diags: &diags, into: &article)
            case "verified":
                guard case .mapping(let m) = value else {
                    diags.append(.error("'verified' must map software to a version, e.g. go: \"1.22.1\"", rule: .frontMatterType, at: y.location(value)))
                    continue
                }
                article.verified = m.map { [$0.key.string ?? "", $0.value.string ?? ""] }
            case "updated":
                guard let s = y.string(value, key, &diags) else { continue }
                if s.range(of: JSONSchemas.datePattern, options: .regularExpression) != nil { article.updated = s } else {
                    diags.append(.error("'updated' must be a date YYYY-MM-DD", rule: .frontMatterValue, at: y.location(value)))
                }
            default:
                let hint = Slug.closest(to: key, in: Self.frontMatterKeys).map { "; did you mean '\($0)'?" } ?? ""
                if config.lenient {
                    keep(key, value, into: &article)
                    diags.append(.warning("unknown front-matter key '\(key)'\(hint); kept for templates", rule: .unknownKey, at: y.location(keyNode)))
                } else {
                    diags.append(.error("unknown front-matter key '\(key)'\(hint)", rule: .unknownKey, at: y.location(keyNode)))
                }
            }
        }
        return title
    }

    private func readErrors(_ node: Node, y: YAMLNodes, diags: inout [Diagnostic], into article: inout Article) {
        guard case .sequence(let seq) = node else {
            diags.append(.error("'errors' must be a list of texts or {regex: …}", rule: .frontMatterType, at: y.location(node)))
            return
        }
        for item in seq {
            let loc = y.location(item)
            switch item {
            case .scalar(let s):
                if s.string.trimmingCharacters(in: .whitespaces).isEmpty {
                    diags.append(.error("empty error text", rule: .frontMatterValue, at: loc))
                } else {
                    article.errors.append(ErrorSignature(text: s.string, isRegex: false, location: loc))
                }
            case .mapping(let m):
                readErrorMapping(m, at: loc, y: y, diags: &diags, into: &article)
            default:
                diags.append(.error("an error is a text, {text: …} or {regex: …}", rule: .frontMatterType, at: loc))
            }
        }
    }

    /// `{text: …}` or `{regex: …}`, optionally with `os: windows` (or a list) where only those
    /// platforms print it.
    private func readErrorMapping(_ m: Node.Mapping, at loc: SourceLocation, y: YAMLNodes, diags: inout [Diagnostic], into article: inout Article) {
        var text: String?, isRegex = false, platforms: [Platform] = []
        for (keyNode, value) in m {
            let key = keyNode.string ?? ""
            switch key {
            case "text", "regex":
                guard text == nil, let s = value.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                    diags.append(.error("an error entry has one non-empty 'text' or 'regex'", rule: .frontMatterValue, at: y.location(value)))
                    return
                }
                text = s
                isRegex = key == "regex"
            case "os":
                let names: [Node]
                switch value {
                case .sequence(let seq): names = Array(seq)
                default: names = [value]
                }
                for n in names {
                    guard let p = n.string.flatMap(Platform.init(rawValue:)) else {
                        diags.append(.error("unknown platform '\(n.string ?? "")' (windows, linux, macos, kubernetes)", rule: .frontMatterValue, at: y.location(n)))
                        return
                    }
                    platforms.append(p)
                }
            default:
                diags.append(.error("unknown key '\(key)' in an error entry (text, regex, os)", rule: .unknownKey, at: y.location(keyNode)))
                return
            }
        }
        guard let text else {
            diags.append(.error("an error entry has one non-empty 'text' or 'regex'", rule: .frontMatterValue, at: loc))
            return
        }
        if isRegex {
            do { _ = try NSRegularExpression(pattern: text) } catch {
                diags.append(.error("regex does not compile: \(text)", rule: .badRegex, at: loc))
                return
            }
        }
        article.errors.append(ErrorSignature(text: text, isRegex: isRegex, location: loc, platforms: platforms))
    }

    // MARK: body

    private func readBody(_ document: MarkdownDocument, lines: [Substring], lineOffset: Int, into article: inout Article) {
        let path = article.displayPath
        article.headings = document.anchors(definitionLists: config.compat != nil).map {
            Heading(level: $0.level, text: $0.text, anchor: $0.anchor,
                    location: SourceLocation(path: path, line: $0.line, column: $0.column))
        }
        func lineText(_ line: Int) -> String {
            let i = line - lineOffset - 1
            return i >= 0 && i < lines.count ? String(lines[i]) : ""
        }
        var diags: [Diagnostic] = []
        document.root.forEach { node in
            switch node.kind {
            case .link, .image:
                var loc = SourceLocation(path: path, line: node.line, column: node.column)
                // Inline positions are coarse: find the destination on its line.
                for candidate in [node.line, node.line + 1, node.line + 2] {
                    let text = lineText(candidate)
                    if let r = text.range(of: "](" + node.url) ?? text.range(of: "<" + node.url + ">") {
                        loc = SourceLocation(path: path, line: candidate,
                                             column: text.distance(from: text.startIndex, to: r.lowerBound) + 3)
                        break
                    }
                }
                article.links.append(Link(url: node.url, location: loc, text: String(node.plainText.prefix(200))))
            case .codeBlock:
                let loc = SourceLocation(path: path, line: node.line, column: node.column)
                article.blocks.append(InfoString.parse(node.info, code: node.literal, fenceLine: lineText(node.line),
                                                       location: loc, foreign: config.compat != nil, diagnostics: &diags))
            default: break
            }
        }
        article.diagnostics += diags
    }
}
