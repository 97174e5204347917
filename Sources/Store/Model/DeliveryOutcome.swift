/// What ``Store/recordDelivery(_:message:)`` did.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Stored now; `messageID` is the inbox message written with it, if any.
    case recorded(messageID: Int64?)
    /// A delivery with this GUID was stored before; nothing changed.
    case duplicate
}
