import Foundation

/// `DayshiftBenchmarks <subcommand> [--option value …]`: the pieces `scripts/bench` runs. Each
/// subcommand prints one JSON object on standard output (progress goes to standard error).
///
/// | subcommand | what |
/// |---|---|
/// | `bare-route --port P` | a bare Hummingbird 2 `POST /webhooks/github` answering 202 (serves until SIGTERM) |
/// | `sqlite --dir D --kind insert\|update [--batch B] [--seconds S]` | raw SQLite commits with Dayshift's settings |
/// | `postgres-baseline --url U --kind insert\|update [--batch B] [--connections C] [--seconds S]` | raw PostgreSQL commits (postgres-nio) on the server at `U` |
/// | `open-loop --port P --rate R --body F --signature S` | constant-rate load, latency from each request's due time |
/// | `intake-cpu --body F` | CPU per delivery of each intake stage, by this thread's CPU clock |
/// | `send-closed --port P --objects N --rate R --secret S` | the issue-object benchmark's load, from its own process |
/// | `steps --dir D [--store-url U]` | runs per second and per-step journal overhead, in-process |
/// | `objects --dir D [--objects N] [--rate R]` | RSS and activation latency of N issue objects, in-process |
/// | `recovery --dir D --dayshift BIN [--runs N] [--trials T]` | restart → N in-flight runs resumed (median of T) |
/// | `sqlite-version` | the SQLite library Dayshift links |
/// | `daytona-exec [--count N]` | Daytona client per `process/execute` against plain curl, same emulator endpoint |
/// | `store-pragmas --dir D` | the `synchronous` levels and journal mode a real `Store` runs with |
@main
struct DayshiftBenchmarks {
    static func main() async {
        let argv = CommandLine.arguments
        guard argv.count >= 2 else {
            note("usage: DayshiftBenchmarks bare-route|sqlite|postgres-baseline|open-loop|steps|objects|recovery|sqlite-version [--option value …]")
            exit(2)
        }
        do {
            let arguments = try Arguments(argv.dropFirst(2))
            switch argv[1] {
            case "bare-route": try await BareRoute.main(arguments)
            case "sqlite": try SQLiteBaseline.main(arguments)
            case "postgres-baseline": try await PostgresBaseline.main(arguments)
            case "open-loop": try OpenLoop.main(arguments)
            case "send-closed": try OpenLoop.sendClosed(arguments)
            case "intake-cpu": try IntakeCPU.main(arguments)
            case "steps": try await StepOverhead.main(arguments)
            case "objects": try await IssueObjectMemory.main(arguments)
            case "recovery": try await Recovery.main(arguments)
            case "sqlite-version": print(RawSQLite.libraryVersion)
            case "store-pragmas": try await StorePragmas.main(arguments)
            case "daytona-exec": try await DaytonaExecOverhead.main(arguments)
            default: throw BenchmarkError("unknown subcommand \(argv[1])")
            }
        } catch {
            note("error: \(error)")
            exit(1)
        }
    }
}
