/// The order in which waiting runs get a sandbox slot: first in, first out within each
/// installation, and round-robin across installations, so that one busy organisation cannot
/// starve another.
///
/// Installations take turns in ascending id order, starting with the first one after the
/// installation served last (wrapping round); each turn serves that installation's oldest
/// waiting run.
public enum FairQueue {
    /// One waiting run: its id and the installation its trigger came through (`0`: none, e.g. a
    /// personal access token).
    public struct Entry: Sendable, Equatable {
        public var runID: Int64
        public var installation: Int64
        public init(runID: Int64, installation: Int64) {
            self.runID = runID
            self.installation = installation
        }
    }

    /// Orders `waiting` (given oldest first) for service.
    /// - Parameters:
    ///   - waiting: the waiting runs, in the order they were queued.
    ///   - lastServed: the installation whose run was admitted last, if any.
    /// - Returns: the same entries, the next to be served first.
    public static func order(_ waiting: [Entry], lastServed: Int64?) -> [Entry] {
        var queues: [Int64: [Entry]] = [:]
        for entry in waiting { queues[entry.installation, default: []].append(entry) }
        let installations = queues.keys.sorted()
        guard !installations.isEmpty else { return [] }
        var start = 0
        if let lastServed, let next = installations.firstIndex(where: { $0 > lastServed }) { start = next }
        let turns = Array(installations[start...] + installations[..<start])
        var ordered: [Entry] = []
        var index = 0
        while ordered.count < waiting.count {
            for installation in turns where index < queues[installation]?.count ?? 0 {
                ordered.append(queues[installation]![index])
            }
            index += 1
        }
        return ordered
    }
}
