using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Klusterkluck.Functions;
using static Klusterkluck.Api.Tests.Limits.CountLimitsTests;

namespace Klusterkluck.Api.Tests.Limits;

/// <summary>Sizes: a function's request body, a line of its output, a push, a klusterkluck.yaml. Each is refused or cut, through the real path, and nothing over it is kept.</summary>
[Collection(LimitsCollection.Name)]
public sealed class SizeLimitsTests(LimitsFixture fixture)
{
    [Fact]
    public async Task ABodyOverTheLimitIs413AtTheGatewayOrAtTheWorker()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "body");
        await user.CreateFunctionAsync("greet", "exec");
        await user.WaitReadyAsync("greet");
        var body = new byte[LimitsFixture.MaxRequestBytes + 1];
        Array.Fill(body, (byte)'a');

        using var sized = await user.CallAsync("greet", "", new ByteArrayContent(body));
        // Small enough to be sent whole before the answer: a client still writing when the server
        // closes gets a broken pipe, not the 413.
        var unsized = new byte[LimitsFixture.MaxRequestBytes + 1];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/fn/{user.Username}/greet/") { Content = new ByteArrayContent(unsized) };
        request.Headers.TransferEncodingChunked = true;
        using var chunked = await user.Client.SendAsync(request);
        using var fits = await user.CallAsync("greet", "", new StringContent("Ann"));

        await AssertLimitAsync(sized, "Limits:MaxRequestBytes", 413);
        // No length given: the gateway streams it on and cuts it at the limit (the worker checks it again).
        await AssertLimitAsync(chunked, "Limits:MaxRequestBytes", 413);
        Assert.Equal("Hello, Ann!\n", await fits.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ALongLineWithoutANewlineIsCutAndNeverHeldWhole()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "lines");
        var script = """
            #!/bin/sh
            if [ "$Http_Path" = /long ]; then head -c 52428800 /dev/zero | tr '\0' x >&2; fi
            echo done

            """;
        await user.CreateWithCodeAsync("chatty", "exec", new Dictionary<string, string> { ["handler.sh"] = script });
        Assert.Equal("done\n", await user.CallTextAsync("chatty"));
        var worker = (await user.GetFunctionAsync("chatty")).GetProperty("instances")[0].GetProperty("processId").GetInt32();
        var baseline = PeakMemoryBytes(worker);

        Assert.Equal("done\n", await user.CallTextAsync("chatty", "long"));

        var growth = PeakMemoryBytes(worker) - baseline;
        Assert.True(growth < 24 * 1024 * 1024, $"the worker grew by {growth / 1024 / 1024} MiB for a 50 MiB line");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await LogTextsAsync(user, "chatty")).Any(t => t.EndsWith("xxxx" + BoundedLines.CutMarker, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no cut line in the logs: {string.Join('\n', await LogTextsAsync(user, "chatty"))}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task APushOverTheLimitIsRefusedAndNothingOfItIsStored()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "push");
        await user.CreateFunctionAsync("site", "static");
        using var clone = Clone.Of(user, "site");
        var big = new byte[2 * LimitsFixture.MaxPushBytes];
        Random.Shared.NextBytes(big);
        File.WriteAllBytes(Path.Combine(clone.Path, "big.bin"), big);
        var sha = clone.Commit("Too big");
        var blob = GitCli.Run(clone.Path, "rev-parse", "HEAD:big.bin").Trim();

        var pushed = GitCli.TryRun(clone.Path, "push", "-q", "origin", "main");

        Assert.NotEqual(0, pushed.ExitCode);
        Assert.Contains("pack exceeds maximum allowed size", pushed.Error);
        var bare = Path.Combine(fixture.Api.DataFolder, "repos", user.Username, "site.git");
        Assert.NotEqual(0, GitCli.TryRun(bare, "cat-file", "-e", blob).ExitCode);
        Assert.NotEqual(0, GitCli.TryRun(bare, "cat-file", "-e", sha).ExitCode);
        Assert.Single(await user.Client.GetFromJsonAsync<JsonElement[]>("/api/v1/functions/site/versions") ?? []);

        GitCli.Run(clone.Path, "reset", "-q", "--hard", "HEAD~1");
        clone.Write("index.html", "small\n").CommitAndPush("Small");
    }

    [Fact]
    public async Task AConfigOverItsSizeLimitCannotBeDeployed()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "config");
        await user.CreateFunctionAsync("site", "static");
        await user.WaitReadyAsync("site");
        using var clone = Clone.Of(user, "site");
        var sha = clone.Write(FunctionConfig.FileName, $"kind: static\n# {new string('x', FunctionConfig.MaxFileBytes)}\n").CommitAndPush("Large config");

        using var response = await user.Client.PutAsync($"/api/v1/functions/site/versions/{sha}", null);

        var problem = await response.AssertProblemAsync(422);
        Assert.Contains($"a config may have at most {FunctionConfig.MaxFileBytes}", problem.GetProperty("detail").GetString());
    }

    private static async Task<List<string>> LogTextsAsync(UserSession user, string function)
    {
        var logs = await user.Client.GetFromJsonAsync<JsonElement>($"/api/v1/functions/{function}/logs");
        return [.. logs.GetProperty("replicas").EnumerateArray().SelectMany(r => r.GetProperty("lines").EnumerateArray())
            .Select(l => l.GetProperty("text").GetString()!)];
    }

    /// <summary>The most memory the process ever held (VmHWM).</summary>
    private static long PeakMemoryBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
