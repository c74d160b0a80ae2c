/// Feeds an `Encodable` value straight into a `StableHash`, with no JSON text in between: the
/// build keys every page model this way on every build, so it has to be cheap. Keys and values are
/// tagged and separated, so different shapes give different hashes.
public enum HashingEncoder {
    public static func hash<T: Encodable>(_ value: T, into hash: inout StableHash) {
        let sink = Sink(hash)
        try? encode(value, sink)
        hash = sink.hash
    }

    /// Dictionaries encode in their (per-process random) iteration order: hash them key-sorted.
    static func encode<T: Encodable>(_ value: T, _ sink: Sink) throws {
        if let dict = value as? any StringKeyedEncodable {
            sink.put(1, "{")
            for (key, v) in dict.sortedEncodablePairs {
                sink.put(3, key)
                try encode(v, sink)
            }
            sink.put(1, "}")
        } else {
            try value.encode(to: Enc(sink: sink))
        }
    }

    public static func hash<T: Encodable>(_ value: T) -> String {
        var h = StableHash()
        hash(value, into: &h)
        return h.hex
    }

    final class Sink {
        var hash: StableHash
        init(_ hash: StableHash) { self.hash = hash }
        func put(_ tag: UInt8, _ s: String) {
            hash.combine(bytes: [tag])
            hash.combine(s)
        }
    }

    struct Enc: Encoder {
        let sink: Sink
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]
        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            sink.put(1, "{")
            return KeyedEncodingContainer(Keyed<Key>(sink: sink))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            sink.put(2, "[")
            return Unkeyed(sink: sink)
        }
        func singleValueContainer() -> any SingleValueEncodingContainer { Single(sink: sink) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let sink: Sink
        var codingPath: [any CodingKey] = []
        mutating func encodeNil(forKey key: Key) throws { sink.put(3, key.stringValue); sink.put(0, "nil") }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            sink.put(3, key.stringValue)
            try HashingEncoder.encode(value, sink)
        }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
            sink.put(3, key.stringValue)
            return Enc(sink: sink).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            sink.put(3, key.stringValue)
            return Enc(sink: sink).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { Enc(sink: sink) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { sink.put(3, key.stringValue); return Enc(sink: sink) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let sink: Sink
        var codingPath: [any CodingKey] = []
        var count = 0
        mutating func encodeNil() throws { count += 1; sink.put(0, "nil") }
        mutating func encode<T: Encodable>(_ value: T) throws {
            count += 1
            sink.put(4, "")
            try HashingEncoder.encode(value, sink)
        }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type) -> KeyedEncodingContainer<N> {
            count += 1
            return Enc(sink: sink).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            count += 1
            return Enc(sink: sink).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { Enc(sink: sink) }
    }

    struct Single: SingleValueEncodingContainer {
        let sink: Sink
        var codingPath: [any CodingKey] = []
        mutating func encodeNil() throws { sink.put(0, "nil") }
        mutating func encode(_ value: Bool) throws { sink.put(5, value ? "t" : "f") }
        mutating func encode(_ value: String) throws { sink.put(6, value) }
        mutating func encode(_ value: Double) throws { sink.put(7, "\(value)") }
        mutating func encode(_ value: Float) throws { sink.put(7, "\(value)") }
        mutating func encode(_ value: Int) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: Int8) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: Int16) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: Int32) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: Int64) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: UInt) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: UInt8) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: UInt16) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: UInt32) throws { sink.put(8, "\(value)") }
        mutating func encode(_ value: UInt64) throws { sink.put(8, "\(value)") }
        mutating func encode<T: Encodable>(_ value: T) throws { try HashingEncoder.encode(value, sink) }
    }
}

protocol StringKeyedEncodable {
    var sortedEncodablePairs: [(String, any Encodable)] { get }
}

extension Dictionary: StringKeyedEncodable where Key == String, Value: Encodable {
    var sortedEncodablePairs: [(String, any Encodable)] {
        keys.sorted().map { ($0, self[$0]! as any Encodable) }
    }
}
