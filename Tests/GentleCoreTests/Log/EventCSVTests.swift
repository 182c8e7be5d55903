import Foundation
import Testing
@testable import GentleCore

@Suite struct EventCSVTests {
    private func row(_ record: EventRecord, _ zoneID: String = "UTC") throws -> String {
        var out: [UInt8] = []
        EventCSV.appendRow(record, timeZone: try logZone(zoneID), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func headerNamesTheColumnsInOrder() {
        var out: [UInt8] = []
        EventCSV.appendHeader(to: &out)
        #expect(String(decoding: out, as: UTF8.self)
            == "at,kind,checkin,occurrence,channel,action,note,child,occasion,scheduled,due,reason,error\r\n")
    }

    @Test func quotesOnlyWhatNeedsIt() throws {
        let at = try logMoment("2026-11-24T08:00:00.250Z")
        let record = EventRecord(kind: .reply, at: at, occurrence: OccurrenceID(checkin: "breathe", scheduled: at, timeZone: try logZone("Europe/Berlin")),
                                 channel: "desktop", action: "done", note: "tea, then \"quiet\"\r\nsecond line ☕️",
                                 child: "Zoë", occasion: "school@2026-09-01")
        #expect(try row(record) == "2026-11-24T08:00:00.250Z,reply,breathe,breathe@2026-11-24T09:00:00+01:00,desktop,done,"
            + "\"tea, then \"\"quiet\"\"\r\nsecond line ☕️\",Zoë,school@2026-09-01,2026-11-24T08:00:00Z,,,\r\n")
        #expect(try row(record, "Europe/Berlin").hasPrefix("2026-11-24T09:00:00.250+01:00,reply,"))
    }

    @Test func emptyFieldsStayEmptyAndUnknownKindsKeepTheirName() throws {
        let record = EventRecord(kind: .other("hug"), at: try logMoment("2026-11-24T08:00:00Z"), error: "x", until: nil)
        #expect(try row(record) == "2026-11-24T08:00:00.000Z,hug,,,,,,,,,,,x\r\n")
    }
}
