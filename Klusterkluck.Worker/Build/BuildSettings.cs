using Microsoft.Extensions.Configuration;

namespace Klusterkluck.Worker.Build;

/// <summary>
/// The build's environment contract, besides the worker's own KK_GIT_URL, KK_GIT_COMMIT,
/// KK_GIT_TOKEN, KK_FUNCTION and KK_WORK_DIR (the folder the commit is checked out and built in).
/// Names are the environment variables themselves.
/// </summary>
public sealed class BuildSettings
{
    /// <summary>Where the artifact (a .tar.gz of the built tree) is written; or, on Kubernetes, <see cref="UploadUrl"/>.</summary>
    [ConfigurationKeyName("KK_BUILD_OUTPUT")]
    public string? Output { get; set; }

    /// <summary>Where the artifact is PUT, with <see cref="UploadToken"/> as a bearer token (a Job has no folder the Api reads).</summary>
    [ConfigurationKeyName("KK_BUILD_UPLOAD_URL")]
    public string? UploadUrl { get; set; }

    [ConfigurationKeyName("KK_BUILD_UPLOAD_TOKEN")]
    public string? UploadToken { get; set; }

    /// <summary>The whole build's time, in seconds; a command still running then is killed with its children.</summary>
    [ConfigurationKeyName("KK_BUILD_TIMEOUT")]
    public int TimeoutSeconds { get; set; } = 600;

    /// <summary>Kept between builds of the same user: npm's cache and NuGet's packages folder.</summary>
    [ConfigurationKeyName("KK_BUILD_CACHE")]
    public string? Cache { get; set; }

    /// <summary>The only npm registry a build installs from (every registry host of a lock file is replaced by it).</summary>
    [ConfigurationKeyName("KK_NPM_REGISTRY")]
    public string NpmRegistry { get; set; } = "https://registry.npmjs.org/";

    /// <summary>The only NuGet sources a build restores from, separated by semicolons.</summary>
    [ConfigurationKeyName("KK_NUGET_SOURCES")]
    public string NuGetSources { get; set; } = "https://api.nuget.org/v3/index.json";

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>
    /// Variables the operator gives every build command (a proxy, say): <c>KK_BUILD_ENV_NAME=value</c>
    /// becomes <c>NAME=value</c>. Nothing else of the builder's environment reaches them.
    /// </summary>
    public static IReadOnlyDictionary<string, string> OperatorEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => ((string)e.Key).StartsWith(EnvPrefix, StringComparison.Ordinal) && ((string)e.Key).Length > EnvPrefix.Length)
            .ToDictionary(e => ((string)e.Key)[EnvPrefix.Length..], e => (string?)e.Value ?? "", StringComparer.Ordinal);

    public const string EnvPrefix = "KK_BUILD_ENV_";

    public static BuildSettings From(IConfiguration configuration) => configuration.Get<BuildSettings>() ?? new BuildSettings();
}
