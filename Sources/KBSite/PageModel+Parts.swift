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
            "title": { $0.title }, "url": { $0.url }, "kind": { $0.kind }, "kindLabel": { $0.kindLabel }, "summary": { $0.summary },
            "count": { $0.count }, "current": { $0.current }, "detail": { $0.detail }, "note": { $0.note },
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
            "title": { $0.title }, "url": { $0.url }, "kind": { $0.kind }, "summary": { $0.summary }, "lang": { $0.lang }, "languageName": { $0.languageName },
        ], former: ["note": { $0.lang }, "kindLabel": { $0.languageName }, "current": { _ in false }])
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
            "title": { $0.title }, "url": { $0.url }, "lang": { $0.lang }, "current": { $0.current },
        ], former: ["kind": { $0.lang }])
    }

    public struct Group: TemplateModel, Encodable, Hashable {
        public var title: String
        public var url: String? = nil
        public var items: [Item]

        public static let fields = TemplateFields<Self>(["title": { $0.title }, "url": { $0.url }, "items": { $0.items }])
    }

    public struct ErrorText: TemplateModel, Encodable, Hashable {
        public var text: String
        public var isRegex: Bool

        public static let fields = TemplateFields<Self>(["text": { $0.text }, "isRegex": { $0.isRegex }])
    }

    public struct BlockRef: TemplateModel, Encodable, Hashable {
        public var id: String
        public var url: String
        public var os: String?

        public static let fields = TemplateFields<Self>(["id": { $0.id }, "url": { $0.url }, "os": { $0.os }])
    }

    /// One branch of the troubleshooting tree: a cause with its checks and fixes.
    public struct Branch: TemplateModel, Encodable, Hashable {
        public var title: String
        public var url: String
        public var summary: String?
        public var checks: [BlockRef]
        public var fixes: [Item]

        public static let fields = TemplateFields<Self>([
            "title": { $0.title }, "url": { $0.url }, "summary": { $0.summary }, "checks": { $0.checks }, "fixes": { $0.fixes },
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
            "text": { $0.text }, "isRegex": { $0.isRegex }, "title": { $0.title }, "url": { $0.url }, "kind": { $0.kind }, "kindLabel": { $0.kindLabel },
        ])
    }

    public struct ErrorGroup: TemplateModel, Encodable, Hashable {
        public var title: String
        public var url: String?
        public var entries: [ErrorEntry]

        public static let fields = TemplateFields<Self>(["title": { $0.title }, "url": { $0.url }, "entries": { $0.entries }])
    }

    /// The "diagnose this" panel of a symptom: the doctor command and the standalone scripts.
    public struct Diagnose: TemplateModel, Encodable, Hashable {
        public var command: String
        public var scripts: [Item]

        public static let fields = TemplateFields<Self>(["command": { $0.command }, "scripts": { $0.scripts }])
    }

    public struct Source: TemplateModel, Encodable, Hashable {
        public var text: String
        public var url: String?

        public static let fields = TemplateFields<Self>(["text": { $0.text }, "url": { $0.url }])
    }

    public struct Pair: TemplateModel, Encodable, Hashable {
        public var name: String
        public var value: String

        public static let fields = TemplateFields<Self>(["name": { $0.name }, "value": { $0.value }])
    }

    public struct TOCEntry: TemplateModel, Encodable, Hashable {
        public var text: String
        public var anchor: String
        public var level: Int
        public var sub: Bool

        public static let fields = TemplateFields<Self>(["text": { $0.text }, "anchor": { $0.anchor }, "level": { $0.level }, "sub": { $0.sub }])
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
            "siteTitle": { $0.siteTitle }, "lang": { $0.lang }, "root": { $0.root }, "homeURL": { $0.homeURL }, "cssURL": { $0.cssURL }, "jsURL": { $0.jsURL },
            "sections": { $0.sections }, "languages": { $0.languages }, "t": { $0.t }, "canonicalURL": { $0.canonicalURL }, "searchURL": { $0.searchURL },
            "errorsURL": { $0.errorsURL }, "graphURL": { $0.graphURL }, "alertsURL": { $0.alertsURL }, "feedURL": { $0.feedURL }, "browse": { $0.browse },
        ])
    }
}
