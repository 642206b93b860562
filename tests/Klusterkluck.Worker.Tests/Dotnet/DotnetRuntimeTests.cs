using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Tests.Dotnet;

/// <summary>The runtime changes the process's environment and current directory: nothing else runs meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DotnetRuntimeCollection
{
    public const string Name = "Dotnet runtime";
}

[Collection(DotnetRuntimeCollection.Name)]
public sealed class DotnetRuntimeTests(PublishedFunctions published) : IClassFixture<PublishedFunctions>
{
    [Fact]
    public async Task TemplateGreetsTheNameOrTheBody()
    {
        await using var host = await FunctionHost.StartAsync(published.Template);

        using var named = await host.Client.GetAsync("/?name=you");
        using var posted = await host.Client.PostAsync("/", new StringContent("Ann\n"));
        using var nobody = await host.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", named.Content.Headers.ContentType!.ToString());
        Assert.Equal("Hello, you!\n", await named.Content.ReadAsStringAsync());
        Assert.Equal("Hello, Ann!\n", await posted.Content.ReadAsStringAsync());
        Assert.Equal("Hello, world!\n", await nobody.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GreetingComesFromTheFunctionsEnv()
    {
        await using var host = await FunctionHost.StartAsync(published.Template,
            config => config with { Env = new Dictionary<string, string> { ["GREETING"] = "Bonjour" } });

        Assert.Equal("Bonjour, you!\n", await host.Client.GetStringAsync("/?name=you"));
    }

    [Fact]
    public async Task WorkerSettingsAndAssembliesAreNotTheFunctions()
    {
        Environment.SetEnvironmentVariable("KK_GIT_TOKEN", "secret-token");
        await using var host = await FunctionHost.StartAsync(published.Variants,
            config => config with { Env = new Dictionary<string, string> { ["COLOR"] = "blue" } });

        Assert.Equal("(unset)", await host.Client.GetStringAsync("/env?name=KK_GIT_TOKEN"));
        Assert.Equal("blue", await host.Client.GetStringAsync("/env?name=COLOR"));
        Assert.Equal("hidden", await host.Client.GetStringAsync("/worker"));
    }

    [Fact]
    public async Task PackagesAreTheFunctionsOwn()
    {
        await using var host = await FunctionHost.StartAsync(published.Variants);

        using var humanized = await host.Client.GetAsync("/humanize");
        Assert.Equal("text/plain; charset=utf-8", humanized.Content.Headers.ContentType!.ToString());
        Assert.Equal("3 days", await humanized.Content.ReadAsStringAsync());
        // The worker (and this test host) load YamlDotNet 18; the function asked for 16.
        Assert.Equal("16.0.0.0", await host.Client.GetStringAsync("/yaml"));
        Assert.StartsWith("3.", await host.Client.GetStringAsync("/sqlite"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerExceptionIs500WithItsTypeAndMessageButNoStackTrace()
    {
        await using var host = await FunctionHost.StartAsync(published.Variants);

        using var response = await host.Client.GetAsync("/throw");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("The function failed", problem.GetProperty("title").GetString());
        Assert.Equal("System.InvalidOperationException: kaboom in handler", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        // The stack trace is for the function's log.
        Assert.Contains("Variants.Function.HandleAsync", host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowHandlerGets504AtTheTimeoutAndItsTokenCancelled()
    {
        await using var host = await FunctionHost.StartAsync(published.Variants, config => config with { Timeout = TimeSpan.FromMilliseconds(500) });

        foreach (var path in new[] { "/slow", "/stubborn" })
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await host.Client.GetAsync(path);
            var elapsed = Stopwatch.GetElapsedTime(started);

            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("No response within 0.5 s.", problem.GetProperty("detail").GetString());
            // /stubborn ignores its token for 3 s: its 504 still goes out at the timeout, on a
            // connection that is not reused while the handler may still touch its request.
            Assert.InRange(elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromMilliseconds(2500));
            Assert.True(path == "/slow" || response.Headers.ConnectionClose == true, path);
        }
        Assert.Equal("variants", await host.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task TreeWithoutItsBuildFailsToStartWithOneLine()
    {
        using var tree = new TempFolder();
        File.Copy(Path.Combine(published.Template, FunctionConfig.FileName), Path.Combine(tree.Path, FunctionConfig.FileName));
        File.Copy(Path.Combine(published.Template, "Function.csproj"), Path.Combine(tree.Path, "Function.csproj"));

        var error = await Assert.ThrowsAsync<WorkerStartupException>(() => FunctionHost.StartAsync(tree.Path));

        Assert.Equal(".klusterkluck/dotnet is missing: a dotnet function runs from its build (dotnet publish), and this tree was not built", error.Message);
    }
}
