/// A value's fields behind one reference, copied on write. A struct of many strings and arrays
/// is copied wherever it is bound or passed (`for a in list`, a closure's argument), and each copy
/// retained and released every field: with the fields here, a copy is one retain, and the first
/// change to a shared value copies its fields once. Encoded, hashed and compared as the fields
/// themselves, so every stored and JSON form is the fields'. (`Article`, `SearchDocument`.)
public struct CopyOnWrite<Fields: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    // @unchecked: a box is changed only through `fields`' modify accessor, by the one value
    // holding it (`isKnownUniquelyReferenced`), else it is copied first.
    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    public init(_ fields: Fields) { box = Box(fields) }

    public var fields: Fields {
        get { box.fields }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }

    public init(from decoder: any Decoder) throws { box = Box(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }
    public static func == (a: Self, b: Self) -> Bool { a.box === b.box || a.box.fields == b.box.fields }
    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }
}
