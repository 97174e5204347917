import DayshiftCore
import Testing

@Suite("Fair queue order")
struct FairQueueTests {
    typealias Entry = FairQueue.Entry

    @Test("first in, first out within an installation; installations take turns")
    func roundRobin() {
        let waiting = [Entry(runID: 1, installation: 7), Entry(runID: 2, installation: 7), Entry(runID: 3, installation: 7),
                       Entry(runID: 4, installation: 9), Entry(runID: 5, installation: 9)]
        #expect(FairQueue.order(waiting, lastServed: nil).map(\.runID) == [1, 4, 2, 5, 3])
    }

    @Test("the turn after the installation served last comes first, wrapping round")
    func turnAfterLastServed() {
        let waiting = [Entry(runID: 1, installation: 7), Entry(runID: 2, installation: 7), Entry(runID: 4, installation: 9),
                       Entry(runID: 6, installation: 3)]
        #expect(FairQueue.order(waiting, lastServed: 7).map(\.runID) == [4, 6, 1, 2])
        #expect(FairQueue.order(waiting, lastServed: 9).map(\.runID) == [6, 1, 4, 2])
        #expect(FairQueue.order(waiting, lastServed: 3).map(\.runID) == [1, 4, 6, 2])
    }

    @Test("an empty queue orders to nothing")
    func empty() {
        #expect(FairQueue.order([], lastServed: 5).isEmpty)
    }
}
