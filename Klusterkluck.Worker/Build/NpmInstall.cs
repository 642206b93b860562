using System.Text.Json;

namespace Klusterkluck.Worker.Build;

/// <summary>
/// A nodejs function's dependencies: <c>npm ci --omit=dev</c> from the commit's lock file, so that
/// what runs is exactly what was committed. Install scripts run only when klusterkluck.yaml says
/// <c>installScripts: true</c>: they are code of every package in the tree, not the function's.
/// </summary>
public static class NpmInstall
{
    private const string SystemCertificates = "/etc/ssl/certs/ca-certificates.crt";

    private static readonly string[] s_lockFiles = ["package-lock.json", "npm-shrinkwrap.json"];

    public static bool Applies(string tree) => File.Exists(Path.Combine(tree, "package.json"));

    public static async Task RunAsync(string tree, bool installScripts, BuildSettings settings, string cache, string home, BuildCommand command)
    {
        try
        {
            using var stream = File.OpenRead(Path.Combine(tree, "package.json"));
            using var _ = await JsonDocument.ParseAsync(stream);
        }
        catch (JsonException e)
        {
            throw new BuildFailedException($"package.json is not valid JSON: {e.Message}");
        }
        if (!s_lockFiles.Any(name => File.Exists(Path.Combine(tree, name))))
        {
            throw new BuildFailedException(
                "package.json has no lock file: a build installs exactly what package-lock.json says (run npm install, then commit package-lock.json)");
        }
        var npm = Runtime.ProcessGroup.FindOnPath("npm") ?? throw new BuildFailedException("npm is not installed where this build runs");
        List<string> arguments =
        [
            "ci", "--omit=dev", "--no-audit", "--no-fund", "--no-update-notifier", "--prefer-offline",
            // The configured registry only: a lock file's resolved URLs on any registry host are rewritten to it.
            "--registry", settings.NpmRegistry, "--replace-registry-host=always",
            "--cache", Path.Combine(cache, "npm"),
        ];
        if (!installScripts)
        {
            arguments.Add("--ignore-scripts");
        }
        // No user or global npmrc of the machine's: the registry above is the only one. (npm refuses one file for both.)
        var userConfig = Path.Combine(home, "user.npmrc");
        var globalConfig = Path.Combine(home, "global.npmrc");
        await File.WriteAllTextAsync(userConfig, "");
        await File.WriteAllTextAsync(globalConfig, "");
        var environment = new Dictionary<string, string>
        {
            ["npm_config_userconfig"] = userConfig,
            ["npm_config_globalconfig"] = globalConfig,
        };
        if (File.Exists(SystemCertificates))
        {
            // Node trusts its own bundled authorities only; the machine's (an operator's proxy or mirror) as well, as every other program does.
            environment["NODE_EXTRA_CA_CERTS"] = SystemCertificates;
        }
        await command.RunAsync(npm, arguments, environment);
    }
}
