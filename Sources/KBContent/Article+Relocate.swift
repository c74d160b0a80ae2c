import KBCore

extension Article {
    /// The same article with every position shown under another display path (a cached article
    /// read from another working folder).
    public func relocated(to newPath: String) -> Article {
        guard newPath != displayPath else { return self }
        var a = self
        func fix(_ loc: inout SourceLocation) { if loc.path == displayPath { loc.path = newPath } }
        func fix(_ ref: inout Ref) { fix(&ref.location) }
        a.displayPath = newPath
        if var l = a.idLocation { fix(&l); a.idLocation = l }
        if var l = a.kindLocation { fix(&l); a.kindLocation = l }
        for i in a.errors.indices { fix(&a.errors[i].location) }
        for i in a.causes.indices { fix(&a.causes[i]) }
        for i in a.fixes.indices { fix(&a.fixes[i]) }
        for i in a.seeAlso.indices { fix(&a.seeAlso[i]) }
        for i in a.requires.indices { fix(&a.requires[i]) }
        for i in a.headings.indices { fix(&a.headings[i].location) }
        for i in a.links.indices { fix(&a.links[i].location) }
        for i in a.blocks.indices {
            fix(&a.blocks[i].location)
            if var r = a.blocks[i].forID { fix(&r); a.blocks[i].forID = r }
            if var r = a.blocks[i].detects { fix(&r); a.blocks[i].detects = r }
        }
        for i in a.diagnostics.indices {
            if var l = a.diagnostics[i].location { fix(&l); a.diagnostics[i].location = l }
        }
        return a
    }
}
