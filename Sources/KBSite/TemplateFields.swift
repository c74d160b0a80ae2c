import KBCore
import Mustache

/// A value a template reads by name. The conformer declares its names once, in `fields`; the one
/// `child(named:)` below answers every lookup from that table.
///
/// Without a declared table, swift-mustache reflects every struct with Mirror on each lookup,
/// which made rendering the tldr corpus ~20x slower; the table is a dictionary of closures, so a
/// lookup costs one hash and one call. Closures, not key paths (`\.title`): a debug build applies
/// a key path through the runtime, which made rendering 6% slower there.
public protocol TemplateModel: MustacheParent, Sendable {
    static var fields: TemplateFields<Self> { get }
}

extension TemplateModel {
    public func child(named name: String) -> Any? {
        Self.fields.value(named: name, of: self)
    }
}

/// The names a template may look up on a `Model`, each with how to read it.
///
/// `former` holds names an older shape of the model answered, kept so a KB's own template
/// overrides (its `Templates/` folder) still render: a field renamed for clarity answers under
/// its old name too (docs/templates.md lists both).
public struct TemplateFields<Model>: Sendable {
    public typealias Read = @Sendable (Model) -> Any?

    /// Every name, declared and former, in the order given.
    public let names: [String]
    /// The names of the model's own fields (its stored and derived properties).
    public let declared: [String]
    private let table: [String: Read]

    public init(_ declared: KeyValuePairs<String, Read>, former: KeyValuePairs<String, Read> = [:]) {
        self.init(declared: declared.map { ($0.key, $0.value) }, former: former.map { ($0.key, $0.value) })
    }

    init(declared: [(String, Read)], former: [(String, Read)]) {
        var table: [String: Read] = [:]
        for (name, read) in declared + former {
            precondition(table.updateValue(read, forKey: name) == nil, "\(Model.self) declares the template field '\(name)' twice")
        }
        self.table = table
        self.names = (declared + former).map(\.0)
        self.declared = declared.map(\.0)
    }

    func value(named name: String, of model: Model) -> Any? {
        guard let read = table[name] else { return nil }
        return read(model)
    }
}

extension UIText: MustacheParent {
    public func child(named name: String) -> Any? { table[name] }
}

/// How `{{name}}` escapes text: the five characters swift-mustache's HTML content type escapes,
/// through kb's one escaper (`HTML.escapeAttribute`: `&` `<` `>` `"` `'`, found byte by byte).
/// swift-mustache's own escape walks every Character through a dictionary and copies each; that
/// was 8 % of a full tldr build, although most values (titles, URLs, labels) hold none of them and
/// come back as they are here. Every template is compiled with `pragma` before its text (a
/// standalone line: it renders as nothing), so overrides in a KB's Templates/ get it too. One
/// difference, on the safe side: a `<` carrying a combining mark is escaped here, where a
/// Character-wise escape leaves the grapheme as it is.
public struct HTMLEscaping: MustacheContentType {
    public static let name = "KB_HTML"
    static let pragma: String = {
        MustacheContentTypes.register(HTMLEscaping(), named: name)
        return "{{% CONTENT_TYPE: \(name)}}\n"
    }()

    public func escapeText(_ text: String) -> String { HTML.escapeAttribute(text) }
}

/// A string renders as itself: `{{name}}` then skips swift-mustache's `String(describing:)` of an
/// `Any` (a dynamic cast per protocol it might print through). A string is never a null object,
/// so sections treat it as before.
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { false }
}
