import Foundation

/// How the Daytona emulator behaves: identities it reports, known snapshots, and the timing of
/// its state machine.
///
/// Every delay is wall-clock time. Daytona itself takes seconds where the defaults take
/// milliseconds; raise them to exercise a client's polling.
public struct DaytonaEmulatorConfiguration: Sendable {
    /// `organizationId` of every sandbox.
    public var organizationId: String
    /// `user` of every sandbox.
    public var user: String
    /// `target` when `CreateSandbox.target` is absent.
    public var defaultTarget: String
    /// Snapshot used when `CreateSandbox` names neither `snapshot` nor `buildInfo`.
    public var defaultSnapshot: String
    /// Snapshots `POST /sandbox` accepts, and `GET /snapshots` lists.
    public var snapshots: [DaytonaEmulatedSnapshot]
    /// Accept any snapshot name (with ``defaultSnapshot``'s resources) instead of answering 400
    /// `Snapshot X not found`.
    public var acceptsUnknownSnapshots: Bool
    /// `creating` → `starting` → `started` (each half of it), likewise for a declarative build.
    public var createDelay: Duration
    /// `starting` → `started` after `POST /sandbox/{id}/start`, and `restoring` → `started`.
    public var startDelay: Duration
    /// `stopping` → `stopped`.
    public var stopDelay: Duration
    /// `archiving` → `archived`.
    public var archiveDelay: Duration
    /// `destroying` → gone (404).
    public var destroyDelay: Duration
    /// How long `POST /sandbox` and `POST /sandbox/{id}/start` wait for `started` before answering
    /// (30 s on Daytona). `POST /sandbox` then answers its stale creation-time DTO.
    public var startWaitLimit: Duration
    /// Version in `GET /api/config`.
    public var apiVersion: String
    /// Version in the toolbox `GET /version` and the DTO's `daemonVersion`.
    public var daemonVersion: String
    /// Largest output kept by `POST /process/execute` (the end of it), in bytes.
    public var execOutputLimitBytes: Int
    /// Deadline of `POST /git/clone`, in seconds.
    public var cloneTimeoutSeconds: Double

    /// Creates a configuration; every parameter has the default documented on its property.
    public init(
        organizationId: String = "00000000-0000-4000-8000-0000000da100",
        user: String = "daytona",
        defaultTarget: String = "us",
        defaultSnapshot: String = "daytona-small",
        snapshots: [DaytonaEmulatedSnapshot] = DaytonaEmulatedSnapshot.stock,
        acceptsUnknownSnapshots: Bool = false,
        createDelay: Duration = .milliseconds(50),
        startDelay: Duration = .milliseconds(50),
        stopDelay: Duration = .milliseconds(50),
        archiveDelay: Duration = .milliseconds(50),
        destroyDelay: Duration = .milliseconds(50),
        startWaitLimit: Duration = .seconds(2),
        apiVersion: String = "0.190.0",
        daemonVersion: String = "0.190.0",
        execOutputLimitBytes: Int = 4 * 1024 * 1024,
        cloneTimeoutSeconds: Double = 300
    ) {
        self.organizationId = organizationId
        self.user = user
        self.defaultTarget = defaultTarget
        self.defaultSnapshot = defaultSnapshot
        self.snapshots = snapshots
        self.acceptsUnknownSnapshots = acceptsUnknownSnapshots
        self.createDelay = createDelay
        self.startDelay = startDelay
        self.stopDelay = stopDelay
        self.archiveDelay = archiveDelay
        self.destroyDelay = destroyDelay
        self.startWaitLimit = startWaitLimit
        self.apiVersion = apiVersion
        self.daemonVersion = daemonVersion
        self.execOutputLimitBytes = execOutputLimitBytes
        self.cloneTimeoutSeconds = cloneTimeoutSeconds
    }
}

/// A snapshot the emulator knows (Daytona's `SnapshotDto`, reduced): sandboxes created from it
/// take its resources.
public struct DaytonaEmulatedSnapshot: Sendable, Equatable, Codable {
    /// `name`, the value of `CreateSandbox.snapshot`.
    public var name: String
    /// `imageName` of the `SnapshotDto` (informational).
    public var imageName: String
    /// vCPUs.
    public var cpu: Int
    /// GPUs.
    public var gpu: Int
    /// Memory in GiB.
    public var memory: Int
    /// Disk in GiB.
    public var disk: Int

    /// Creates a snapshot description (resources in vCPUs, GPUs and GiB).
    public init(name: String, imageName: String, cpu: Int, gpu: Int = 0, memory: Int, disk: Int) {
        self.name = name
        self.imageName = imageName
        self.cpu = cpu
        self.gpu = gpu
        self.memory = memory
        self.disk = disk
    }

    /// Daytona cloud's stock snapshots: `daytona-small` 1/1/3, `daytona-medium` 2/4/8, `daytona-large` 4/8/10.
    public static let stock: [DaytonaEmulatedSnapshot] = [
        .init(name: "daytona-small", imageName: "daytonaio/sandbox:0.190.0", cpu: 1, memory: 1, disk: 3),
        .init(name: "daytona-medium", imageName: "daytonaio/sandbox:0.190.0", cpu: 2, memory: 4, disk: 8),
        .init(name: "daytona-large", imageName: "daytonaio/sandbox:0.190.0", cpu: 4, memory: 8, disk: 10),
    ]
}
