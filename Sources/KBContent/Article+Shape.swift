import KBCore

extension Article {
    /// The article as pages other than its own see it: everything a listing, a backlink, a
    /// troubleshooting tree, the error index, the graph, a term or an alert page may read (titles,
    /// ids, kinds, facets, references, links, headings' anchors, error texts, block ids), without
    /// what only its own page shows — block code, sources, `verified`, `updated`, other generators'
    /// extra keys, hidden parts — and without positions, which move with any line added above them.
    /// Two versions with the same shape change no page but the article's own (the plan phase
    /// relies on it to leave the other pages' models unmade: `SiteBuilder.plan`).
    ///
    /// A field a page of another article starts to read must stay in the shape; a field only the
    /// article's own page reads may be blanked here.
    public var sharedShape: Article {
        var a = self
        let nowhere = SourceLocation(path: "", line: 0, column: 0)
        func strip(_ ref: inout Ref) { ref.location = nowhere }
        a.displayPath = ""
        a.idLocation = nil
        a.kindLocation = nil
        for i in a.errors.indices { a.errors[i].location = nowhere }
        for i in a.causes.indices { strip(&a.causes[i]) }
        for i in a.fixes.indices { strip(&a.fixes[i]) }
        for i in a.seeAlso.indices { strip(&a.seeAlso[i]) }
        for i in a.requires.indices { strip(&a.requires[i]) }
        for i in a.headings.indices { a.headings[i].location = nowhere }
        for i in a.links.indices { a.links[i].location = nowhere }
        for i in a.blocks.indices {
            a.blocks[i].location = nowhere
            a.blocks[i].code = ""
            if var r = a.blocks[i].forID { strip(&r); a.blocks[i].forID = r }
            if var r = a.blocks[i].detects { strip(&r); a.blocks[i].detects = r }
        }
        a.sources = []
        a.verified = []
        a.updated = nil
        a.extra = []
        a.hide = []
        a.diagnostics = []
        a.contentHash = ""
        return a
    }
}
