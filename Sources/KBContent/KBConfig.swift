import Foundation
import KBCore
import Yams

/// `kb.yml`: site-wide settings. Every key is optional.
public struct KBConfig: Sendable, Hashable, Codable {
    public struct LanguageFolder: Sendable, Hashable, Codable {
        /// Language of every file under the folder.
        public var lang: String
        /// The folder whose files these translate (`pages.zh` → `pages`): canonical ids use it.
        public var of: String?
    }

    public var title = "Knowledge base"
    public var baseURL: String?
    public var defaultLanguage = "en"
    /// Language code → name shown in the language switch, in order.
    public var languages: [[String]] = [["en", "English"], ["zh", "中文"]]
    /// Folder (relative to the content root) → language.
    public var languageFolders: [String: LanguageFolder] = [:]
    /// Pass raw HTML in Markdown through instead of escaping it.
    public var rawHTML = false
    /// Content folder relative to kb.yml.
    public var content: String?
    /// Completeness rules on top of DESIGN §5's: every symptom has error texts, every cause a
    /// check and a fix, every article a source.
    public var strict = false
    /// The site title per language (`title: {en: …, zh: …}`); `title` is the default language's.
    public var titles: [String: String] = [:]
    /// Extra commands for the platform lint: platform → commands that exist only there.
    public var platformCommands: [String: [String]] = [:]
    /// The generator the content was written for (`compat:` or detected): foreign front matter,
    /// extensions and links are then read its way (see Compat/).
    public var compat: CompatMode?
    /// Publish pages marked `draft: true` (`kb build --drafts`).
    public var drafts = false
    /// Section order from the source generator's navigation (MkDocs `nav`): paths in order.
    public var navOrder: [String] = []
    /// Query-time synonyms: language → groups (docs/search.md §Synonyms).
    public var synonyms: [String: [SynonymSpec]] = [:]
    /// `advice:` — the article that explains each dangerous-advice rule of `kb check`: rule name
    /// (`setx-path` for `advice/setx-path`) → article id, where kb.yml says so.
    public var advice: [String: Ref] = [:]

    /// The same text for the same settings in every process, for build fingerprints to hash: a
    /// dictionary's `description` follows its process's hash seed, so two runs of kb described one
    /// kb.yml differently and no build of a KB with `synonyms:` was ever up to date.
    public var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? String(describing: self)
    }

    /// One `synonyms:` group: a list is two-way (each phrase finds the others); `{from: […], to: […]}`
    /// is one-way (a query with a `from` phrase also finds the `to` phrases, not the reverse).
    public struct SynonymSpec: Sendable, Hashable, Codable {
        public var phrases: [String]
        public var to: [String]
        public init(phrases: [String], to: [String] = []) {
            self.phrases = phrases
            self.to = to
        }

        /// A target `kind:concept` stands for every page of that kind (docs/search.md §Synonyms):
        /// the kind's name, "" for `kind:` with an unknown one, nil for any other text.
        public static func kind(of text: String) -> String? {
            let t = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard t.hasPrefix(kindPrefix) else { return nil }
            let name = String(t.dropFirst(kindPrefix.count))
            return ArticleKind(rawValue: name) == nil ? "" : name
        }

        public static let kindPrefix = "kind:"
    }

    public init() {}

    /// The site's title in `lang`: its own when kb.yml gives one, else the default.
    public func title(for lang: String) -> String { titles[lang] ?? title }

    /// Foreign content is read leniently (unknown keys and unresolved links are warnings) unless strict.
    public var lenient: Bool { compat != nil && !strict }

    public var languageCodes: [String] { languages.map { $0[0] } }

    public func languageName(_ code: String) -> String {
        languages.first { $0[0] == code }?[1] ?? code
    }

    static let keys = JSONSchemas.config.map(\.key)

    /// Parses kb.yml; problems are positioned diagnostics.
    public static func parse(_ text: String, path: String) throws(DiagnosticError) -> KBConfig {
        var config = KBConfig()
        var diags: [Diagnostic] = []
        let node: Node?
        switch SafeYAML.compose(text, path: path) {
        case .success(let n): node = n
        case .failure(let d): throw DiagnosticError(d)
        }
        guard let node else { return config }
        let y = YAMLNodes(path: path, lineOffset: 0)
        guard case .mapping(let map) = node else {
            throw DiagnosticError(.error("kb.yml must be a mapping of settings", rule: .config, at: y.location(node)))
        }
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            switch key {
            case "title":
                if case .mapping(let byLang) = value {
                    for (k, v) in byLang {
                        guard let code = k.string, let text = v.string, !text.isEmpty else {
                            diags.append(.error("'title' per language maps a code to a text, e.g. en: My KB", rule: .config, at: y.location(v)))
                            continue
                        }
                        config.titles[code] = text
                    }
                } else if let s = y.string(value, key, &diags) { config.title = s }
            case "platform_commands":
                guard case .mapping(let byPlatform) = value else {
                    diags.append(.error("'platform_commands' maps a platform to its commands, e.g. linux: [ionice]", rule: .config, at: y.location(value)))
                    continue
                }
                for (k, v) in byPlatform {
                    guard let platform = k.string, ["windows", "linux", "macos"].contains(platform) else {
                        diags.append(.error("unknown platform '\(k.string ?? "")' (windows, linux, macos)", rule: .config, at: y.location(k)))
                        continue
                    }
                    config.platformCommands[platform, default: []] += y.strings(v, "platform_commands." + platform, &diags).map(\.0)
                }
            case "base_url": config.baseURL = y.string(value, key, &diags)
            case "default_lang": if let s = y.string(value, key, &diags) { config.defaultLanguage = s }
            case "raw_html": if let b = value.bool { config.rawHTML = b } else {
                diags.append(.error("'raw_html' must be true or false", rule: .config, at: y.location(value)))
            }
            case "content": config.content = y.string(value, key, &diags)
            case "strict": if let b = value.bool { config.strict = b } else {
                diags.append(.error("'strict' must be true or false", rule: .config, at: y.location(value)))
            }
            case "compat":
                guard let s = y.string(value, key, &diags) else { continue }
                if let mode = CompatMode(rawValue: s) { config.compat = mode } else {
                    diags.append(.error("'compat' must be one of: \(CompatMode.allCases.map(\.rawValue).joined(separator: ", "))",
                                        rule: .config, at: y.location(value)))
                }
            case "languages":
                guard case .mapping(let langs) = value else {
                    diags.append(.error("'languages' must map a code to a name, e.g. en: English", rule: .config, at: y.location(value)))
                    continue
                }
                config.languages = langs.map { [$0.key.string ?? "", $0.value.string ?? ""] }
            case "lang_dirs":
                guard case .mapping(let dirs) = value else {
                    diags.append(.error("'lang_dirs' must map a folder to {lang: …, of: …}", rule: .config, at: y.location(value)))
                    continue
                }
                for (dir, spec) in dirs {
                    guard let folder = dir.string, let lang = spec["lang"]?.string else {
                        diags.append(.error("each 'lang_dirs' entry needs lang:", rule: .config, at: y.location(spec)))
                        continue
                    }
                    config.languageFolders[folder] = LanguageFolder(lang: lang, of: spec["of"]?.string)
                }
            case "synonyms":
                config.synonyms = parseSynonyms(value, y, &diags)
            case "advice":
                guard case .mapping(let rules) = value else {
                    diags.append(.error("'advice' maps a rule to the article that explains it, e.g. setx-path: path-truncated-by-setx",
                                        rule: .config, at: y.location(value)))
                    continue
                }
                for (k, v) in rules {
                    guard let name = k.string, !name.isEmpty, let id = v.string, !id.isEmpty else {
                        diags.append(.error("each 'advice' entry names a rule and an article id, e.g. setx-path: path-truncated-by-setx",
                                            rule: .config, at: y.location(v)))
                        continue
                    }
                    config.advice[name] = Ref(id: id, location: y.location(v))
                }
            default:
                let hint = Slug.closest(to: key, in: keys).map { "; did you mean '\($0)'?" } ?? ""
                diags.append(.error("unknown setting '\(key)'\(hint)", rule: .config, at: y.location(keyNode)))
            }
        }
        if !config.languageCodes.contains(config.defaultLanguage) {
            config.languages.insert([config.defaultLanguage, config.defaultLanguage], at: 0)
        }
        for (_, folder) in config.languageFolders where !config.languageCodes.contains(folder.lang) {
            config.languages.append([folder.lang, folder.lang])
        }
        if let own = config.titles[config.defaultLanguage] ?? config.titles.sorted(by: { $0.key < $1.key }).first?.value {
            config.title = own
        }
        if let node = node["synonyms"], case .mapping(let langs) = node {
            for (lang, _) in langs where !config.languageCodes.contains(lang.string ?? "") {
                diags.append(.error("'synonyms' names language '\(lang.string ?? "")', which is not one of \(config.languageCodes.joined(separator: ", "))",
                                    rule: .config, at: y.location(lang)))
            }
        }
        if diags.hasErrors { throw DiagnosticError(diags) }
        return config
    }

    /// `synonyms: {lang: [[a, b, c], {from: [a], to: [b]}, …]}`, each problem at its node.
    static func parseSynonyms(_ value: Node, _ y: YAMLNodes, _ diags: inout [Diagnostic]) -> [String: [SynonymSpec]] {
        let usage = "'synonyms' maps a language to groups, e.g. en: [[antivirus, AV], {from: [qiniu], to: [goproxy.cn]}]"
        guard case .mapping(let langs) = value else {
            diags.append(.error(usage, rule: .config, at: y.location(value)))
            return [:]
        }
        var out: [String: [SynonymSpec]] = [:]
        func phrases(_ node: Node, _ what: String) -> [String]? {
            guard case .sequence(let items) = node, !items.isEmpty else {
                diags.append(.error("\(what) must be a list of words or phrases", rule: .config, at: y.location(node)))
                return nil
            }
            var list: [String] = []
            for item in items {
                guard case .scalar(let s) = item, !s.string.trimmingCharacters(in: .whitespaces).isEmpty else {
                    diags.append(.error("each synonym must be a non-empty word or phrase", rule: .config, at: y.location(item)))
                    return nil
                }
                list.append(s.string)
            }
            return list
        }
        for (langNode, groups) in langs {
            let lang = langNode.string ?? ""
            guard case .sequence(let items) = groups else {
                diags.append(.error(usage, rule: .config, at: y.location(groups)))
                continue
            }
            var specs: [SynonymSpec] = []
            for group in items {
                switch group {
                case .sequence:
                    guard let list = phrases(group, "a synonym group") else { continue }
                    if let kind = list.first(where: { SynonymSpec.kind(of: $0) != nil }) {
                        diags.append(.error("'\(kind)' names a page kind: it can only be a target, {from: […], to: [\(kind)]}",
                                            rule: .config, at: y.location(group)))
                        continue
                    }
                    if list.count < 2 {
                        diags.append(.error("a synonym group needs at least two words or phrases", rule: .config, at: y.location(group)))
                        continue
                    }
                    specs.append(SynonymSpec(phrases: list))
                case .mapping(let m):
                    for (k, _) in m where !["from", "to"].contains(k.string ?? "") {
                        diags.append(.error("unknown key '\(k.string ?? "")' in a one-way synonym; use from: and to:", rule: .config, at: y.location(k)))
                    }
                    guard let from = m["from"], let to = m["to"] else {
                        diags.append(.error("a one-way synonym needs from: and to:", rule: .config, at: y.location(group)))
                        continue
                    }
                    guard let f = phrases(from, "'from'"), let t = phrases(to, "'to'") else { continue }
                    if let kind = f.first(where: { SynonymSpec.kind(of: $0) != nil }) {
                        diags.append(.error("'\(kind)' names a page kind: it can only be a target (to:)", rule: .config, at: y.location(from)))
                        continue
                    }
                    if let bad = t.first(where: { SynonymSpec.kind(of: $0) == "" }) {
                        let kinds = ArticleKind.allCases.map { "kind:" + $0.rawValue }.joined(separator: ", ")
                        diags.append(.error("'\(bad)' is not a page kind; use one of \(kinds)", rule: .config, at: y.location(to)))
                        continue
                    }
                    specs.append(SynonymSpec(phrases: f, to: t))
                default:
                    diags.append(.error("a synonym group is a list [a, b, …] or {from: […], to: […]}", rule: .config, at: y.location(group)))
                }
            }
            out[lang, default: []] += specs
        }
        return out
    }
}
