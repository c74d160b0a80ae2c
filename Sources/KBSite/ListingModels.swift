// The models of the pages that list articles: home, section, taxonomy, term, the error index.

/// `home.mustache`: a language's home page.
public struct HomeModel: PageContent {
    public static let template = "home"

    public var chrome: PageModel.Chrome
    public var title: String
    public var summary: String?
    /// Top-level sections with their article counts.
    public var subsections: [PageModel.Item] = []
    /// The most common symptoms (with their first error text as `detail`, platforms as `note`) and
    /// the runbooks (first alert as `detail`, severity as `note`).
    public var groups: [PageModel.Group] = []
    /// How many error texts the language's articles list.
    public var errorCount = 0
    /// Articles outside any section.
    public var items: [PageModel.Item] = []
    /// Foreign docs show their root index page's body.
    public var showBody = false
    public var body = ""

    public static let fields = TemplateFields<Self>.page([
        "summary": { $0.summary }, "subsections": { $0.subsections }, "groups": { $0.groups }, "errorCount": { $0.errorCount },
        "items": { $0.items }, "showBody": { $0.showBody }, "body": { $0.body },
    ])
}

/// `section.mustache`: a folder of articles, grouped by kind.
public struct SectionModel: PageContent {
    public static let template = "section"

    public var chrome: PageModel.Chrome
    public var title: String
    public var summary: String?
    public var breadcrumbs: [PageModel.Item] = []
    public var subsections: [PageModel.Item] = []
    /// The section's articles, one group per kind.
    public var groups: [PageModel.Group] = []
    /// Foreign docs show the section's index page's body (`index.md`, `_index.md`).
    public var showBody = false
    public var body = ""

    public static let fields = TemplateFields<Self>.page([
        "summary": { $0.summary }, "breadcrumbs": { $0.breadcrumbs }, "subsections": { $0.subsections }, "groups": { $0.groups },
        "showBody": { $0.showBody }, "body": { $0.body },
    ])
}

/// `taxonomy.mustache`: every value of one facet (platforms, tools, …) with its article count.
public struct TaxonomyModel: PageContent {
    public static let template = "taxonomy"

    public var chrome: PageModel.Chrome
    public var title: String
    /// The facet's values (`count`: how many articles have it).
    public var items: [PageModel.Item] = []

    public static let fields = TemplateFields<Self>.page(["items": { $0.items }])
}

/// `term.mustache`: the articles with one value of a facet.
public struct TermModel: PageContent {
    public static let template = "term"

    public var chrome: PageModel.Chrome
    /// The value.
    public var title: String
    /// The facet's name in the page's language.
    public var facet: String
    public var breadcrumbs: [PageModel.Item] = []
    public var items: [PageModel.Item] = []

    public static let fields = TemplateFields<Self>.page([
        "facet": { $0.facet }, "breadcrumbs": { $0.breadcrumbs }, "items": { $0.items },
    ], former: ["kindLabel": { $0.facet }])
}

/// `errors.mustache`: every error text of a language with the article it leads to.
public struct ErrorIndexModel: PageContent {
    public static let template = "errors"

    public var chrome: PageModel.Chrome
    public var title: String
    public var summary: String?
    /// One group per section.
    public var errorGroups: [PageModel.ErrorGroup] = []
    public var errorCount = 0

    public static let fields = TemplateFields<Self>.page([
        "summary": { $0.summary }, "errorGroups": { $0.errorGroups }, "errorCount": { $0.errorCount },
    ])
}
