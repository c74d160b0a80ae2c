/// A value's fields behind one reference, copied on write. A struct of many strings and arrays
/// is copied wherever it is bound or passed (`for a in list`, a closure's argument), and each copy
/// retained and released every field: with the fields here, a copy is one retain, and the first
/// change to a shared value copies its fields once. Encoded, hashed and compared as the fields
/// themselves, so every stored and JSON form is the fields'. (`Article`, `SearchDocument`.)
///
/// Inlinable, and read through `_read`: a field is then read in place from another module, not
/// through a copy of every field.
public struct CopyOnWrite<Fields: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    // @unchecked: a box is changed only through `fields`' modify accessor, by the one value
    // holding it (`isKnownUniquelyReferenced`), else it is copied first.
    @usableFromInline final class Box: @unchecked Sendable {
        @usableFromInline var fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var box: Box

    @inlinable public init(_ fields: Fields) { box = Box(fields) }

    @inlinable public var fields: Fields {
        _read { yield box.fields }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }

    public init(from decoder: any Decoder) throws { box = Box(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.box === b.box || a.box.fields == b.box.fields }
    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }
}
