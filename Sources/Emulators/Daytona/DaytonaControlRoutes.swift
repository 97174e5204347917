import Foundation
import Hummingbird

/// The emulator's own control endpoints (no authentication), for tests and scripts that run it
/// out of process:
///
/// | endpoint | answer |
/// |---|---|
/// | `POST /_emulator/faults` (a JSON-encoded ``DaytonaFault``) | 200 `[DaytonaFault]` now active; 400 unknown fault |
/// | `GET /_emulator/faults` | 200 `[DaytonaFault]` |
/// | `DELETE /_emulator/faults` | 204 |
/// | `GET /_emulator/sandboxes` | 200 `[EmulatedDaytonaSandbox]` |
/// | `GET /_emulator/requests` | 200 `[DaytonaRecordedRequest]` (bodies base64) |
/// | `POST /_emulator/reset` | 204: no sandboxes, faults or recorded requests |
enum DaytonaControlRoutes {
    static func add<Context: RequestContext>(to control: RouterGroup<Context>, state: DaytonaEmulatorState) {
        control.post("faults") { request, _ in
            let data = try await request.daytonaBody()
            guard let fault = try? JSONDecoder().decode(DaytonaFault.self, from: data) else {
                throw DaytonaAPIError(.badRequest, "Body is not a JSON-encoded DaytonaFault, e.g. {\"toolboxBadGateway\":{\"count\":1}}")
            }
            await state.inject(fault)
            return DaytonaJSON.response(await state.faults)
        }
        control.get("faults") { _, _ in DaytonaJSON.response(await state.faults) }
        control.delete("faults") { _, _ in
            await state.clearFaults()
            return DaytonaJSON.empty(.noContent)
        }
        control.get("sandboxes") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let data = (try? encoder.encode(await state.sandboxes)) ?? Data("[]".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        control.get("requests") { _, _ in DaytonaJSON.response(await state.recordedRequests) }
        control.post("reset") { _, _ in
            await state.reset()
            return DaytonaJSON.empty(.noContent)
        }
    }
}
