using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Builds;

/// <summary>Section <c>Builds</c>: how a commit is built before its workers start (npm ci, dotnet publish, a build command).</summary>
public sealed class BuildOptions
{
    public const string Section = "Builds";

    /// <summary>A build still running after this is killed with everything it started, and its deploy fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "06:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Artifacts kept per function besides the deployed one and the one deployed before it (the newest first).</summary>
    [Range(0, 1000)]
    public int KeepArtifacts { get; set; } = 3;

    /// <summary>The npm registry every nodejs build installs from (a lock file's registry hosts are rewritten to it).</summary>
    [Required, Url]
    public string NpmRegistry { get; set; } = "https://registry.npmjs.org/";

    /// <summary>The NuGet sources every dotnet build restores from, and no other.</summary>
    [MinLength(1)]
    public string[] NuGetSources { get; set; } = ["https://api.nuget.org/v3/index.json"];

    /// <summary>Writable memory (RLIMIT_DATA) of each process of a local build: a compiler needs more than a worker.</summary>
    [Range(256, 1024 * 1024)]
    public int MemoryMiB { get; set; } = 4096;

    /// <summary>The largest artifact kept (an upload from a Kubernetes Job, a local build's output).</summary>
    [Range(1, 64 * 1024)]
    public int MaxArtifactMiB { get; set; } = 1024;

    /// <summary>Variables every build command gets from the operator (a proxy, say); builds see nothing else of the Api's.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>The builder's environment for these settings: the same for a local build and a Kubernetes Job.</summary>
    public IEnumerable<KeyValuePair<string, string>> BuilderEnvironment()
    {
        yield return new("KK_BUILD_TIMEOUT", ((int)Math.Ceiling(Timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new("KK_NPM_REGISTRY", NpmRegistry);
        yield return new("KK_NUGET_SOURCES", string.Join(';', NuGetSources));
        foreach (var (name, value) in Environment)
        {
            yield return new("KK_BUILD_ENV_" + name, value);
        }
    }
}
