using System.Diagnostics;

namespace Klusterkluck.Api.Hosting;

/// <summary>
/// The Api's own spans besides HTTP's (the service defaults trace every request already): git
/// operations, and what the runtime does to functions (deploys, restarts). Each carries the user
/// and the function it is about. Nothing is recorded unless an OTLP endpoint is set.
/// </summary>
public static class ApiTelemetry
{
    public static readonly ActivitySource Git = new($"{TelemetryExtensions.SourcePrefix}.Git");

    public static readonly ActivitySource Runtime = new($"{TelemetryExtensions.SourcePrefix}.Runtime");

    public const string User = "klusterkluck.user";
    public const string Function = "klusterkluck.function";
    public const string Commit = "klusterkluck.commit";

    /// <summary>A span about one function, under whatever is current (the request that asked for it, if any).</summary>
    public static Activity? Start(ActivitySource source, string name, string user, string function, string? commit = null) =>
        source.StartActivity(name)?.SetTag(User, user).SetTag(Function, function).SetTag(Commit, commit);
}
