// The models of the pages that are not articles or listings: graph, alerts, search, 404, redirects.

/// `graph.mustache`: the whole graph of one language, drawn by Graphviz at render time.
public struct GraphModel: PageContent {
    public static let template = "graph"

    public var chrome: PageModel.Chrome
    public var title: String
    public var summary: String?
    /// The DOT source (part of the page's render key) and, at render time, its SVG.
    public var diagramSource: String?
    public var diagram: String?
    /// The text alternative: each article with the articles it leads to (`note`: how).
    public var groups: [PageModel.Group] = []
    /// The kinds drawn, in the order the theme colours them.
    public var legend: [PageModel.Item] = []

    public static let fields = TemplateFields<Self>.page([
        "summary": { $0.summary }, "diagramSource": { $0.diagramSource }, "diagram": { $0.diagram }, "groups": { $0.groups }, "legend": { $0.legend },
    ], former: ["items": { $0.legend }])
}

/// `alert.mustache`: `alerts/<AlertName>.html`, which leads to the alert's runbook.
public struct AlertModel: PageContent {
    public static let template = "alert"

    public var chrome: PageModel.Chrome
    /// The alert's name.
    public var title: String
    public var kindLabel: String
    public var severity: String?
    public var breadcrumbs: [PageModel.Item] = []
    /// The runbook (`detail`: the alert's name).
    public var runbook: PageModel.Item

    /// The page sends the reader on to the runbook.
    public var redirectURL: String { runbook.url }

    public static let fields = TemplateFields<Self>.page([
        "kind": { _ in "alert" }, "kindLabel": { $0.kindLabel }, "severity": { $0.severity }, "breadcrumbs": { $0.breadcrumbs },
        "runbook": { $0.runbook }, "redirectURL": { $0.redirectURL },
    ], former: ["items": { [$0.runbook] }])
}

/// `alerts.mustache`: every alert with a runbook in one language.
public struct AlertIndexModel: PageContent {
    public static let template = "alerts"

    public var chrome: PageModel.Chrome
    public var title: String
    public var summary: String?
    /// One per alert: `detail` the alert's name, `note` its severity, `title` the runbook's.
    public var items: [PageModel.Item] = []

    public static let fields = TemplateFields<Self>.page(["summary": { $0.summary }, "items": { $0.items }])
}

/// `search.mustache`: the form and the result list that Templates/assets/search.js fills.
public struct SearchModel: PageContent {
    public static let template = "search"

    public var chrome: PageModel.Chrome
    public var title: String

    public static let fields = TemplateFields<Self>.page([:])
}

/// `404.mustache`: what a server shows for an address the site lacks.
public struct NotFoundModel: PageContent {
    public static let template = "404"

    public var chrome: PageModel.Chrome
    public var title: String

    public static let fields = TemplateFields<Self>.page([:])
}

/// `redirect.mustache`: an old address of an article (`aliases`), which sends the reader on.
public struct RedirectModel: PageContent {
    public static let template = "redirect"

    public var chrome: PageModel.Chrome
    /// The article's title.
    public var title: String
    public var redirectURL: String

    public static let fields = TemplateFields<Self>.page(["redirectURL": { $0.redirectURL }])
}
