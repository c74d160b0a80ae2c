import KBCore

/// What one page's template sees: a model of its own kind (Publish's one method per page kind),
/// each carrying the shared `Chrome`. docs/templates.md lists the fields of each.
public enum PageModel: Sendable, Hashable, Encodable {
    case home(HomeModel)
    case section(SectionModel)
    case article(ArticleModel)
    case taxonomy(TaxonomyModel)
    case term(TermModel)
    case errors(ErrorIndexModel)
    case graph(GraphModel)
    case alert(AlertModel)
    case alerts(AlertIndexModel)
    case search(SearchModel)
    case notFound(NotFoundModel)
    case redirect(RedirectModel)

    /// The kind's model, for the renderer and for code that reads what every page has.
    public var content: any PageContent {
        switch self {
        case .home(let m): m
        case .section(let m): m
        case .article(let m): m
        case .taxonomy(let m): m
        case .term(let m): m
        case .errors(let m): m
        case .graph(let m): m
        case .alert(let m): m
        case .alerts(let m): m
        case .search(let m): m
        case .notFound(let m): m
        case .redirect(let m): m
        }
    }

    /// The template's name (`Templates/<template>.mustache`).
    public var template: String { type(of: content).template }
    public var chrome: Chrome { content.chrome }
    public var title: String { content.title }

    /// Where a page that only leads elsewhere sends the reader (alert addresses, old addresses).
    public var redirectURL: String? {
        switch self {
        case .alert(let m): m.redirectURL
        case .redirect(let m): m.redirectURL
        default: nil
        }
    }

    /// Whether a sitemap lists the page: not the 404 page, not a page that only leads elsewhere.
    public var isListed: Bool {
        switch self {
        case .notFound, .alert, .redirect: false
        default: true
        }
    }

    /// The rendered Markdown of the page's article (`SitePage.article`), filled at render time.
    public var body: String {
        get {
            switch self {
            case .article(let m): m.body
            case .section(let m): m.body
            case .home(let m): m.body
            default: ""
            }
        }
        set {
            switch self {
            case .article(var m): m.body = newValue; self = .article(m)
            case .section(var m): m.body = newValue; self = .section(m)
            case .home(var m): m.body = newValue; self = .home(m)
            default: break
            }
        }
    }

    /// The graph page's DOT source (part of its render key) and, at render time, its SVG.
    public var diagramSource: String? {
        if case .graph(let m) = self { return m.diagramSource }
        return nil
    }

    public var diagram: String? {
        get {
            if case .graph(let m) = self { return m.diagram }
            return nil
        }
        set {
            if case .graph(var m) = self { m.diagram = newValue; self = .graph(m) }
        }
    }

    private enum Key: String, CodingKey { case template, model }

    /// The template's name, then the kind's own fields. The build's render key hashes these bytes
    /// (BinaryCodec writes no keys): a synthesized encoding would leave out which case it is.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(template, forKey: .template)
        try c.encode(content, forKey: .model)
    }
}

/// What every page model has: its template, the shared chrome and a title.
public protocol PageContent: TemplateModel, Hashable, Encodable {
    static var template: String { get }
    var chrome: PageModel.Chrome { get }
    var title: String { get }
}

extension TemplateFields where Model: PageContent {
    /// A page's fields: `template`, `chrome` and `title`, the kind's own, its former names, and
    /// the empty value every other field of the single page model (before one model per kind)
    /// had, so a KB's template override that tests such a field renders as it did.
    static func page(_ own: KeyValuePairs<String, Read>, former: KeyValuePairs<String, Read> = [:]) -> Self {
        let shared: [(String, Read)] = [("template", { _ in Model.template }), ("chrome", { $0.chrome }), ("title", { $0.title })]
        let declared = shared + own.map { ($0.key, $0.value) }
        let taken = Set(declared.map(\.0) + former.map(\.key))
        let empties = PageModel.formerEmptyFields.filter { !taken.contains($0.key) }.map { entry -> (String, Read) in
            let value = entry.value
            return (entry.key, { _ in value })
        }
        return Self(declared: declared, former: former.map { ($0.key, $0.value) } + empties)
    }
}

extension PageModel {
    /// Fields of the former single page model that were not nil when a page left them unset.
    static let formerEmptyFields: [(key: String, value: any Sendable)] = {
        let lists = ["breadcrumbs", "platforms", "facets", "errors", "tree", "ownChecks", "ownFixes", "causedSymptoms",
                     "backlinks", "seeAlso", "requires", "translations", "sources", "verified", "alerts", "toc",
                     "groups", "subsections", "items", "errorGroups", "params"]
        let flags = ["showBody", "hasErrors", "hasTree", "hasMeta", "hasRelated", "hasTOC"]
        return lists.map { ($0, [Item]() as any Sendable) } + flags.map { ($0, false as any Sendable) }
            + [("kind", "" as any Sendable), ("body", "" as any Sendable)]
    }()
}

extension String {
    /// nil for "": Mustache renders a section for any present value, empty strings included.
    public var nonEmpty: String? { isEmpty ? nil : self }
}

/// The interface strings of one language. A page's render key needs only their fingerprint,
/// computed once per language rather than re-hashing the whole table for every page.
public struct UIText: Sendable, Hashable, Encodable {
    public let table: [String: String]
    public let fingerprint: String

    public init(_ table: [String: String]) {
        self.table = table
        fingerprint = HashingEncoder.hash(table)
    }

    public subscript(key: String) -> String? { table[key] }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(fingerprint)
    }
}
