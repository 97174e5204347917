import DayshiftCore
import Foundation
import GitHub
@testable import IssueObjects
import Sandboxes
import Store
import Testing

/// The classifier asks the error (`TransientError`); these are the answers the runtime retries on.
@Suite("Step error classifier")
struct StepErrorClassifierTests {
    static func github(_ status: Int, retryAfter: Double? = nil) -> GitHubAPIError {
        .response(call: "POST /repos/octo/hello/pulls", status: status, message: "m", errors: [], retryAfterSeconds: retryAfter)
    }

    @Test("GitHub: no answer, 5xx, 429 and 403 with Retry-After are transient")
    func githubTransient() {
        #expect(StepErrorClassifier.isTransient(GitHubAPIError.transport(call: "GET /x", reason: "connection refused")))
        #expect(StepErrorClassifier.isTransient(Self.github(502)))
        #expect(StepErrorClassifier.isTransient(Self.github(429)))
        #expect(StepErrorClassifier.isTransient(Self.github(429, retryAfter: 30)))
        #expect(StepErrorClassifier.isTransient(Self.github(403, retryAfter: 60)))
    }

    @Test("GitHub: every other 4xx is permanent, 403 without Retry-After included", arguments: [400, 401, 403, 404, 409, 422])
    func githubPermanent(status: Int) {
        #expect(!StepErrorClassifier.isTransient(Self.github(status)))
    }

    @Test("Daytona: 401 and 403 are permanent and name the key's setting; other failures stay transient")
    func daytona() {
        func failure(_ status: Int) -> DaytonaError {
            .response(DaytonaHTTPFailure(call: "POST /sandbox", status: status, message: "Unauthorized", code: nil, retryAfterSeconds: nil, headers: [:]))
        }
        #expect(!StepErrorClassifier.isTransient(failure(401)))
        #expect(!StepErrorClassifier.isTransient(failure(403)))
        #expect(failure(401).description.contains("sandbox.daytona.api_key_file or DAYSHIFT_DAYTONA_API_KEY"))
        #expect(!failure(503).description.contains("api_key"))
        #expect(StepErrorClassifier.isTransient(failure(503)))
        #expect(StepErrorClassifier.isTransient(DaytonaError.transport(call: "GET /sandbox", reason: "reset", timedOut: false)))
        #expect(!StepErrorClassifier.isTransient(SandboxError.credentialsRejected("401")))
        #expect(StepErrorClassifier.isTransient(SandboxError.createFailed("no capacity")))
    }

    @Test("the other modules' verdicts are permanent; plumbing timeouts and unknown errors are transient")
    func others() {
        #expect(!StepErrorClassifier.isTransient(StepFailure("setup exited 3")))
        #expect(!StepErrorClassifier.isTransient(StoreError.leaseLost(issueKey: "octo/hello#1", epoch: 2)))
        #expect(!StepErrorClassifier.isTransient(GitHubAuthError.invalidAppID))
        #expect(!StepErrorClassifier.isTransient(SandboxError.invalidPath("../x")))
        #expect(!StepErrorClassifier.isTransient(SandboxChange.Invalid(reason: "bad")))
        #expect(!StepErrorClassifier.isTransient(GitDataPublisher.BranchTaken(branch: "dayshift/issue-1", head: "abc")))
        #expect(StepErrorClassifier.isTransient(PlumbingTimeout(what: "git status")))
        #expect(StepErrorClassifier.isTransient(URLError(.timedOut)))
    }
}
