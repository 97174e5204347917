/// What intake decided about a delivery, with why in words (e.g. `comment author association
/// NONE is not allowed`).
public enum DeliveryDecision: Sendable, Equatable {
    /// A message for the issue object was stored with it.
    case acted(reason: String)
    /// Stored for the record; nothing to do.
    case ignored(reason: String)

    /// Why, in words.
    public var reason: String {
        switch self {
        case .acted(let reason), .ignored(let reason): reason
        }
    }

    /// True for ``acted(reason:)``.
    public var isActed: Bool {
        if case .acted = self { return true }
        return false
    }
}
