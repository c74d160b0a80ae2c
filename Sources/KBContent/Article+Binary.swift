import KBCore

/// The build cache's articles, decoded by hand from `BinaryCodec`'s bytes of their `Codable`
/// form: the generic decoding — a container box and a metadata lookup per nested value, a
/// dynamic cast per field — took 90 ms of CPU for tldr's 7,600 articles at every rebuild.
///
/// The bytes are still written by the synthesized `encode(to:)`, so each reader here follows its
/// type's stored properties in declaration order. A reader that drifts from them (a field added
/// to a type and not here) fails on the bytes, never misreads them silently in a way the cache
/// keeps: `BinaryCodec.Input` throws at the first value it cannot take, and at bytes left over.
/// The cache then parses the file again; `ArticleBinaryTests` compares both decodings.
extension Article {
    public static func decodeCached(_ bytes: [UInt8]) throws -> Article {
        var r = BinaryCodec.Input(bytes)
        let fields = try Fields(binary: &r)
        try r.finish()
        return Article(fields: fields)
    }
}

extension Article.Fields {
    init(binary r: inout BinaryCodec.Input) throws {
        path = try r.string()
        displayPath = try r.string()
        canonicalID = try r.string()
        shortID = try r.string()
        hasExplicitID = try r.bool()
        idLocation = try r.optional { try SourceLocation(binary: &$0) }
        lang = try r.string()
        isSectionIndex = try r.bool()
        section = try r.string()
        title = try r.string()
        titleFromHeading = try r.bool()
        kind = try r.rawValue(ArticleKind.self)
        kindLocation = try r.optional { try SourceLocation(binary: &$0) }
        summary = try r.string()
        platforms = try r.list { try $0.rawValue(Platform.self) }
        tools = try r.strings()
        env = try r.strings()
        components = try r.strings()
        tags = try r.strings()
        errors = try r.list { try ErrorSignature(binary: &$0) }
        causes = try r.list { try Ref(binary: &$0) }
        fixes = try r.list { try Ref(binary: &$0) }
        seeAlso = try r.list { try Ref(binary: &$0) }
        requires = try r.list { try Ref(binary: &$0) }
        alerts = try r.strings()
        severity = try r.optional { try $0.rawValue(Severity.self) }
        sources = try r.strings()
        verified = try r.list { try $0.strings() }
        updated = try r.optional { try $0.string() }
        order = try r.optional { try $0.double() }
        aliases = try r.strings()
        draft = try r.bool()
        address = try r.optional { try $0.string() }
        navTitle = try r.optional { try $0.string() }
        hide = try r.strings()
        extra = try r.list { try $0.strings() }
        headings = try r.list { try Heading(binary: &$0) }
        links = try r.list { try Link(binary: &$0) }
        blocks = try r.list { try Block(binary: &$0) }
        diagnostics = try r.list { try Diagnostic(binary: &$0) }
        contentHash = try r.string()
    }
}

extension Ref {
    init(binary r: inout BinaryCodec.Input) throws {
        self.init(id: try r.string(), location: try SourceLocation(binary: &r))
    }
}

extension ErrorSignature {
    init(binary r: inout BinaryCodec.Input) throws {
        self.init(text: try r.string(), isRegex: try r.bool(), location: try SourceLocation(binary: &r),
                  platforms: try r.list { try $0.rawValue(Platform.self) })
    }
}

extension Link {
    init(binary r: inout BinaryCodec.Input) throws {
        self.init(url: try r.string(), location: try SourceLocation(binary: &r), text: try r.string())
    }
}

extension Heading {
    init(binary r: inout BinaryCodec.Input) throws {
        self.init(level: try r.int(), text: try r.string(), anchor: try r.string(), location: try SourceLocation(binary: &r))
    }
}

extension Block {
    init(binary r: inout BinaryCodec.Input) throws {
        language = try r.string()
        role = try r.optional { try $0.rawValue(BlockRole.self) }
        id = try r.optional { try $0.string() }
        os = try r.strings()
        timeout = try r.double()
        forID = try r.optional { try Ref(binary: &$0) }
        detects = try r.optional { try Ref(binary: &$0) }
        effect = try r.rawValue(BlockEffect.self)
        admin = try r.bool()
        ci = try r.optional { try $0.rawValue(CIMode.self) }
        match = try r.rawValue(MatchMode.self)
        code = try r.string()
        location = try SourceLocation(binary: &r)
        attributes = try r.list { try $0.strings() }
        cpuSeconds = try r.optional { try $0.int() }
        memoryBytes = try r.optional { try $0.int() }
        fileSizeBytes = try r.optional { try $0.int() }
        processes = try r.optional { try $0.int() }
        needs = try r.strings()
    }
}
