// The pieces page models are made of. Each declares the names a template reads it by.

extension PageModel {
    /// A link with what a list shows of it.
    public struct Item: TemplateModel, Encodable, Hashable {
        public var title: String
        public var url: String
        /// The article's kind (`symptom`, `cause`, …; `fix-block` for a fix block); a taxonomy
        /// link in the footer gives its facet.
        public var kind: String = ""
        public var kindLabel: String? = nil
        public var summary: String? = nil
        public var count: Int? = nil
        public var current = false
        /// A short monospace sample shown under the title (a symptom's first error text).
        public var detail: String? = nil
        /// Small print after the title (platforms, severity).
        public var note: String? = nil

        public static let fields = TemplateFields<Self>([
            "title": \.title, "url": \.url, "kind": \.kind, "kindLabel": \.kindLabel, "summary": \.summary,
            "count": \.count, "current": \.current, "detail": \.detail, "note": \.note,
        ])
    }

    /// The same article in another language.
    public struct Translation: TemplateModel, Encodable, Hashable {
        public var title: String
        public var url: String
        public var kind: String
        public var summary: String?
        /// Its language code (`hreflang`).
        public var lang: String
        /// Its language's name in kb.yml.
        public var languageName: String

        public static let fields = TemplateFields<Self>([
            "title": \.title, "url": \.url, "kind": \.kind, "summary": \.summary, "lang": \.lang, "languageName": \.languageName,
        ], former: ["note": \.lang, "kindLabel": \.languageName, "current": { _ in false }])
    }

    /// One entry of the language switch: this page in another language (or that language's home).
    public struct LanguageLink: TemplateModel, Encodable, Hashable {
        /// The language's name in kb.yml.
        public var title: String
        public var url: String
        public var lang: String
        /// The page's own language.
        public var current: Bool

        public static let fields = TemplateFields<Self>([
            "title": \.title, "url": \.url, "lang": \.lang, "current": \.current,
        ], former: ["kind": \.lang])
    }

    public struct Group: TemplateModel, Encodable, Hashable {
        public var title: String
        public var url: String? = nil
        public var items: [Item]

        public static let fields = TemplateFields<Self>(["title": \.title, "url": \.url, "items": \.items])
    }

    public struct ErrorText: TemplateModel, Encodable, Hashable {
        public var text: String
        public var isRegex: Bool

        public static let fields = TemplateFields<Self>(["text": \.text, "isRegex": \.isRegex])
    }

    public struct BlockRef: TemplateModel, Encodable, Hashable {
        public var id: String
        public var url: String
        public var os: String?

        public static let fields = TemplateFields<Self>(["id": \.id, "url": \.url, "os": \.os])
    }

    /// One branch of the troubleshooting tree: a cause with its checks and fixes.
    public struct Branch: TemplateModel, Encodable, Hashable {
        public var title: String
        public var url: String
        public var summary: String?
        public var checks: [BlockRef]
        public var fixes: [Item]

        public static let fields = TemplateFields<Self>([
            "title": \.title, "url": \.url, "summary": \.summary, "checks": \.checks, "fixes": \.fixes,
        ])
    }

    /// One line of the error index: an error text and the article it leads to.
    public struct ErrorEntry: TemplateModel, Encodable, Hashable {
        public var text: String
        public var isRegex: Bool
        public var title: String
        public var url: String
        public var kind: String
        public var kindLabel: String

        public static let fields = TemplateFields<Self>([
            "text": \.text, "isRegex": \.isRegex, "title": \.title, "url": \.url, "kind": \.kind, "kindLabel": \.kindLabel,
        ])
    }

    public struct ErrorGroup: TemplateModel, Encodable, Hashable {
        public var title: String
        public var url: String?
        public var entries: [ErrorEntry]

        public static let fields = TemplateFields<Self>(["title": \.title, "url": \.url, "entries": \.entries])
    }

    /// The "diagnose this" panel of a symptom: the doctor command and the standalone scripts.
    public struct Diagnose: TemplateModel, Encodable, Hashable {
        public var command: String
        public var scripts: [Item]

        public static let fields = TemplateFields<Self>(["command": \.command, "scripts": \.scripts])
    }

    public struct Source: TemplateModel, Encodable, Hashable {
        public var text: String
        public var url: String?

        public static let fields = TemplateFields<Self>(["text": \.text, "url": \.url])
    }

    public struct Pair: TemplateModel, Encodable, Hashable {
        public var name: String
        public var value: String

        public static let fields = TemplateFields<Self>(["name": \.name, "value": \.value])
    }

    public struct TOCEntry: TemplateModel, Encodable, Hashable {
        public var text: String
        public var anchor: String
        public var level: Int
        public var sub: Bool

        public static let fields = TemplateFields<Self>(["text": \.text, "anchor": \.anchor, "level": \.level, "sub": \.sub])
    }

    /// What every page of one language shares: site title, navigation, language switch, links.
    public struct Chrome: TemplateModel, Encodable, Hashable {
        public var siteTitle: String
        public var lang: String
        public var root: String
        public var homeURL: String
        public var cssURL: String
        public var jsURL: String
        public var sections: [Item]
        public var languages: [LanguageLink]
        public var t: UIText
        public var canonicalURL: String?
        public var searchURL: String
        public var errorsURL: String
        public var graphURL: String
        /// The alerts index, when the KB has runbooks for alerts.
        public var alertsURL: String?
        /// The Atom feed, when a base URL is configured.
        public var feedURL: String?
        /// Taxonomy indexes of this language, for the footer.
        public var browse: [Item]

        public static let fields = TemplateFields<Self>([
            "siteTitle": \.siteTitle, "lang": \.lang, "root": \.root, "homeURL": \.homeURL, "cssURL": \.cssURL, "jsURL": \.jsURL,
            "sections": \.sections, "languages": \.languages, "t": \.t, "canonicalURL": \.canonicalURL, "searchURL": \.searchURL,
            "errorsURL": \.errorsURL, "graphURL": \.graphURL, "alertsURL": \.alertsURL, "feedURL": \.feedURL, "browse": \.browse,
        ])
    }
}
