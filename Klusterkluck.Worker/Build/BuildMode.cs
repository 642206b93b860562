using System.Diagnostics;
using System.Net.Http.Headers;
using Klusterkluck.Functions;
using Klusterkluck.Worker.Source;
using Microsoft.Extensions.Configuration;

namespace Klusterkluck.Worker.Build;

/// <summary>
/// <c>Klusterkluck.Worker build</c>: the same program as the worker, run once per (function,
/// commit) by the control plane (locally in the functions' sandbox, on Kubernetes as a Job). It
/// prints the build's log, writes or uploads the artifact, and exits 0; or prints one last line,
/// <see cref="WorkerLines.Prefix"/> and the reason, on stderr and exits 1.
/// </summary>
public static class BuildMode
{
    public static async Task<int> RunAsync()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = WorkerOptions.From(configuration);
        var settings = BuildSettings.From(configuration);
        var started = Stopwatch.StartNew();
        if (Environment.GetEnvironmentVariable(ParentWatch.Variable) == "true")
        {
            WatchParent();
        }
        var tree = options.WorkDirectory is { Length: > 0 } work ? Directory.CreateDirectory(work).FullName
            : Directory.CreateTempSubdirectory("kk-build-").FullName;
        try
        {
            if (settings.Output is not { Length: > 0 } && settings.UploadUrl is not { Length: > 0 })
            {
                throw new BuildFailedException("KK_BUILD_OUTPUT or KK_BUILD_UPLOAD_URL is required");
            }
            var sha = await new FunctionBuild(options, settings).RunAsync(tree, CancellationToken.None);
            await DeliverAsync(tree, settings);
            Console.WriteLine($"Built {sha[..12]} in {started.Elapsed.TotalSeconds:0.0} s");
            return 0;
        }
        catch (Exception e) when (e is BuildFailedException or WorkerStartupException or IOException or HttpRequestException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"{WorkerLines.Prefix}{OneLine.Of(e.Message)}");
            return 1;
        }
    }

    /// <summary>
    /// The local runtime keeps the builder's stdin open: at its end the Api is gone (or gave up on
    /// the build), and the build stops with its commands rather than run on unwatched.
    /// </summary>
    private static void WatchParent() =>
        new Thread(() =>
        {
            using var stdin = Console.OpenStandardInput();
            stdin.CopyTo(Stream.Null);
            Console.Error.WriteLine($"{WorkerLines.Prefix}the build was stopped");
            BuildCommand.KillRunning();
            Environment.Exit(1);
        }) { IsBackground = true, Name = "kk-parent-watch" }.Start();

    /// <summary>The artifact to its file (local runtime), or PUT to the Api (a Job, which has no folder the Api reads).</summary>
    private static async Task DeliverAsync(string tree, BuildSettings settings)
    {
        if (settings.Output is { Length: > 0 } output)
        {
            await using var file = File.Create(output);
            await ArtifactArchive.PackAsync(tree, file, CancellationToken.None);
            Console.WriteLine($"Artifact: {new FileInfo(output).Length / 1024} KiB");
            return;
        }
        var archive = Path.Combine(Path.GetTempPath(), $"kk-artifact-{Guid.NewGuid():N}.tar.gz");
        try
        {
            await using (var file = File.Create(archive))
            {
                await ArtifactArchive.PackAsync(tree, file, CancellationToken.None);
            }
            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            await using var content = File.OpenRead(archive);
            using var request = new HttpRequestMessage(HttpMethod.Put, settings.UploadUrl) { Content = new StreamContent(content) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.UploadToken);
            using var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new BuildFailedException($"the Api refused the artifact: {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            Console.WriteLine($"Artifact: {content.Length / 1024} KiB, uploaded");
        }
        finally
        {
            File.Delete(archive);
        }
    }
}
