/// What ``Store/recordDelivery(_:message:)`` did.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Stored now; `messageID` is the inbox message written with it, if any.
    case recorded(messageID: Int64?)
    /// Stored as ignored, without its message: it repeats a trigger an earlier delivery already
    /// acted on (same ``TriggerOrigin/triggerKey`` for the issue); `reason` says which.
    case repeatedTrigger(reason: String)
    /// A delivery with this GUID was stored before; nothing changed.
    case duplicate
}
