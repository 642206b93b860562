using System.Text.Json;

namespace Klusterkluck.Api.Tests.Cli;

/// <summary>The README's tour with kk: the real CLI, a real Api, real git pushing with kk as its credential helper.</summary>
public sealed class CliTourTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Password = "correct-horse-battery-1";

    [Fact]
    public async Task TheTourRunsFromRegisterToDeleteWithNoPasswordGivenToGit()
    {
        using var kk = new Kk();
        var username = $"tour{Guid.NewGuid():N}"[..16];
        var server = fixture.Api.BaseUrl;

        var registered = await kk.RunWithInputAsync(Password + "\n", "register", "--server", server, "-u", username, "--email",
            $"{username}@example.com", "--password-stdin");
        Assert.True(registered.ExitCode == 0, registered.ToString());
        Assert.Contains($"Signed in to {server} as {username}", registered.Error);
        Assert.Equal(0, (await kk.RunAsync("logout")).ExitCode);
        Assert.Equal(3, (await kk.RunAsync("whoami", "--server", server)).ExitCode);
        var login = await kk.RunWithInputAsync(Password + "\n", "login", "--server", server, "-u", username, "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal(username, (await kk.RunAsync("whoami", "-o", "json")).Json.GetProperty("username").GetString());

        // The token file: the owner's only, in a folder that is the owner's only.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kk.CredentialFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(kk.CredentialFile)!));

        var created = await kk.RunAsync("fn", "new", "hello", "--kind", "nodejs");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"hello is ready at {server}/fn/{username}/hello/", created.Output);
        var clone = Path.Combine(kk.Folder, "hello");
        Assert.True(File.Exists(Path.Combine(clone, "index.js")), created.ToString());
        var config = File.ReadAllText(Path.Combine(clone, ".git", "config"));
        Assert.Contains($"[credential \"{server}/git/{username}/hello.git\"]", config);
        Assert.Contains("git-credential", config);
        Assert.DoesNotContain("@", kk.Git(clone, "remote", "get-url", "origin").Output);
        var first = kk.Git(clone, "rev-parse", "HEAD").Output.Trim();

        // Edit the handler and push with plain git: kk answers git's question for the password.
        File.WriteAllText(Path.Combine(clone, "index.js"), """
            module.exports = async (request) => {
              const name = request.query.name || 'world';
              console.log(`called for ${name}`);
              return `Howdy, ${name}!\n`;
            };
            """);
        Assert.Equal(0, kk.Git(clone, "commit", "-qam", "Say howdy").ExitCode);
        var push = kk.Git(clone, "push", "-q");
        Assert.True(push.ExitCode == 0, push.Error);
        var second = kk.Git(clone, "rev-parse", "HEAD").Output.Trim();

        var deployed = await kk.RunAsync("fn", "deploy", "hello");
        Assert.True(deployed.ExitCode == 0, deployed.ToString());
        Assert.Contains($"hello serves {second[..7]}: ready", deployed.Output);
        var invoked = await kk.RunAsync("fn", "invoke", "hello", "--path", "/?name=you");
        Assert.True(invoked.ExitCode == 0, invoked.ToString());
        Assert.Equal("Howdy, you!\n", invoked.Output);

        var logs = await kk.RunAsync("fn", "logs", "hello");
        Assert.Contains("called for you", logs.Output);
        using (var following = kk.Follow("fn", "logs", "hello", "-f"))
        {
            Assert.True(await following.WaitForAsync("called for you", TimeSpan.FromSeconds(30)), following.Output);
            Assert.Equal(0, (await kk.RunAsync("fn", "invoke", "hello", "--path", "/?name=follower")).ExitCode);
            Assert.True(await following.WaitForAsync("called for follower", TimeSpan.FromSeconds(30)), following.Output);
            Assert.Equal(1, following.Output.Split('\n').Count(l => l.Contains("called for you", StringComparison.Ordinal)));
        }

        var rolledBack = await kk.RunAsync("fn", "rollback", "hello");
        Assert.True(rolledBack.ExitCode == 0, rolledBack.ToString());
        Assert.Contains($"hello serves {first[..7]}: ready", rolledBack.Output);
        Assert.Equal("Hello, you!\n", (await kk.RunAsync("fn", "invoke", "hello", "--path", "/?name=you")).Output);
        var versions = (await kk.RunAsync("fn", "versions", "hello", "-o", "json")).Json;
        Assert.Equal([second, first], versions.EnumerateArray().Select(v => v.GetProperty("sha").GetString()));
        Assert.True(versions[1].GetProperty("deployed").GetBoolean());
        Assert.Contains("name: hello", (await kk.RunAsync("fn", "list", "-o", "yaml")).Output);
        var invokedWithHeaders = await kk.RunAsync("fn", "invoke", "hello", "-i", "-d", "ignored");
        Assert.StartsWith("HTTP/1.1 200 OK\n", invokedWithHeaders.Output);
        Assert.Contains("content-type: text/plain", invokedWithHeaders.Output);

        // Scale to zero from kk: set, idle, and a call brings it back.
        var set = await kk.RunAsync("fn", "set", "hello", "--min-replicas", "0", "--idle-timeout", "1");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(2, (await kk.RunAsync("fn", "set", "hello")).ExitCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await kk.RunAsync("fn", "get", "hello", "-o", "json")).Json.GetProperty("state").GetString() != "idle")
        {
            Assert.True(DateTime.UtcNow < deadline, "hello never went idle");
            await Task.Delay(200);
        }
        Assert.Equal("Hello, again!\n", (await kk.RunAsync("fn", "invoke", "hello", "--path", "/?name=again")).Output);
        var scaled = await kk.RunAsync("fn", "get", "hello");
        Assert.Matches(@"Replicas\s+1 ready of 1 wanted \(at least 0, to zero after 1 s idle\)", scaled.Output);
        Assert.Matches(@"Last scaled\s+to 1 \d+ s ago: a request arrived: started 1 replica", scaled.Output);

        var refused = await kk.RunAsync("fn", "delete", "hello");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--yes", refused.Error);
        Assert.Equal(0, (await kk.RunAsync("fn", "delete", "hello", "--yes")).ExitCode);
        var gone = await kk.RunAsync("fn", "get", "hello");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("You have no function named 'hello'", gone.Error);

        kk.AssertNoTokenPrinted();
    }

    [Fact]
    public async Task AFlowIsAppliedFromYamlItsEventRunsAndAnInvalidFileListsEveryProblem()
    {
        using var kk = new Kk();
        var (username, password) = await fixture.Api.RegisterAsync("flows");
        Assert.Equal(0, (await kk.RunWithInputAsync(password + "\n", "login", "--server", fixture.Api.BaseUrl, "-u", username, "--password-stdin")).ExitCode);
        foreach (var (name, kind) in new[] { ("hello", "nodejs"), ("shout", "exec") })
        {
            var created = await kk.RunAsync("fn", "new", name, "--kind", kind, "--no-clone");
            Assert.True(created.ExitCode == 0, created.ToString());
        }
        Assert.Equal(0, (await kk.RunAsync("fn", "new", "site", "--kind", "static", "--public", "--no-clone")).ExitCode);
        Assert.True((await kk.RunAsync("fn", "get", "site", "-o", "json")).Json.GetProperty("public").GetBoolean());
        Assert.Equal("Hello, exec!\n", (await kk.RunAsync("fn", "invoke", "shout", "-d", "exec")).Output);

        // The README's flow, as written there.
        File.WriteAllText(Path.Combine(kk.Folder, "orders.yaml"), """
            name: orders
            nodes:
              - { id: web,    kind: connector, ref: http }
              - { id: big,    kind: if,        config: { condition: "$.total > 100" } }
              - { id: vip,    kind: function,  ref: hello }
              - { id: thanks, kind: function,  ref: shout }
            edges:
              - { from: web, to: big }
              - { from: big, to: vip }
              - { from: big, to: thanks, when: false }
            """);
        var applied = await kk.RunAsync("flow", "apply", "-f", "orders.yaml");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("orders deployed: 4 nodes, 3 edges.", applied.Output);
        Assert.Matches(@"web\s+running\s+0\s+http://127\.0\.0\.1:\d+", applied.Output);

        var sent = await kk.RunAsync("flow", "event", "orders", "web", "-d", """{"total": 250}""", "--wait");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        Assert.Contains("succeeded", sent.Output);
        var runs = (await kk.RunAsync("flow", "runs", "orders", "-o", "json")).Json;
        var run = Assert.Single(runs.EnumerateArray());
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Empty((await kk.RunAsync("flow", "runs", "orders", "--status", "failed", "-o", "json")).Json.EnumerateArray());
        var steps = await kk.RunAsync("flow", "run", "orders", run.GetProperty("id").GetString()![..8]);
        Assert.True(steps.ExitCode == 0, steps.ToString());
        Assert.Matches(@"big\s+succeeded\s+0\s+true", steps.Output);
        Assert.Matches(@"vip\s+succeeded\s+1", steps.Output);
        Assert.DoesNotContain("thanks", steps.Output);
        var listed = await kk.RunAsync("flow", "list");
        Assert.Matches(@"orders\s+yes\s+web running\s+succeeded", listed.Output);

        // What kk flow get -o yaml prints, kk flow apply takes back (here: unchanged, so it stays up to date).
        File.WriteAllText(Path.Combine(kk.Folder, "again.yaml"), (await kk.RunAsync("flow", "get", "orders", "-o", "yaml")).Output);
        Assert.Equal(0, (await kk.RunAsync("flow", "apply", "-f", "again.yaml", "--no-deploy")).ExitCode);
        Assert.True((await kk.RunAsync("flow", "get", "orders", "-o", "json")).Json.GetProperty("deployment").GetProperty("upToDate").GetBoolean());

        File.WriteAllText(Path.Combine(kk.Folder, "broken.yaml"), """
            name: broken
            nodes:
              - { id: t, kind: connector, ref: nosuch }
              - { id: f, kind: function, ref: missing }
              - { id: choose, kind: if }
            edges:
              - { from: t, to: zz }
            """);
        var invalid = await kk.RunAsync("flow", "apply", "-f", "broken.yaml");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("The flow is not valid (4 problems):", invalid.Error);
        Assert.Contains("nodes[0] (t).ref: 'nosuch' is not a connector", invalid.Error);
        Assert.Contains("nodes[1] (f).ref: You have no function named 'missing'.", invalid.Error);
        Assert.Contains("nodes[2] (choose).config.condition:", invalid.Error);
        Assert.Contains("edges[0] (t → zz).to: There is no node 'zz'.", invalid.Error);
        Assert.Equal(1, (await kk.RunAsync("flow", "get", "broken")).ExitCode);
        File.WriteAllText(Path.Combine(kk.Folder, "garbled.yaml"), "name: x\nnodes: [ { id: a\n");
        var garbled = await kk.RunAsync("flow", "apply", "-f", "garbled.yaml");
        Assert.Equal(1, garbled.ExitCode);
        Assert.Contains("garbled.yaml:", garbled.Error);
        Assert.Contains("not YAML", garbled.Error);

        var catalog = (await kk.RunAsync("connectors", "-o", "json")).Json;
        Assert.Contains("timer", catalog.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Contains("KK_TIMER_INTERVAL", (await kk.RunAsync("connectors", "timer")).Output);

        Assert.Equal(0, (await kk.RunAsync("flow", "delete", "orders", "--yes")).ExitCode);
        Assert.Empty((await kk.RunAsync("flow", "list", "-o", "json")).Json.EnumerateArray());
        kk.AssertNoTokenPrinted();
    }

    [Fact]
    public async Task TokensAreRenewedSilentlyAndEachKindOfFailureHasItsExitCode()
    {
        using var kk = new Kk();
        var (username, password) = await fixture.Api.RegisterAsync("tokens");
        var wrong = await kk.RunWithInputAsync("not-the-password\n", "login", "--server", fixture.Api.BaseUrl, "-u", username, "--password-stdin");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("Error: Invalid username or password", wrong.Error);
        Assert.False(File.Exists(kk.CredentialFile));
        Assert.Equal(0, (await kk.RunWithInputAsync(password + "\n", "login", "--server", fixture.Api.BaseUrl, "-u", username, "--password-stdin")).ExitCode);

        // An access token past its time is renewed before the call; one the server refuses, after it.
        var before = AccessToken(kk);
        Rewrite(kk, signIn => signIn["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"));
        var expired = await kk.RunAsync("fn", "list", "-o", "json");
        Assert.True(expired.ExitCode == 0, expired.ToString());
        Assert.Equal(JsonValueKind.Array, expired.Json.ValueKind);
        var renewed = AccessToken(kk);
        Assert.NotEqual(before, renewed);
        Rewrite(kk, signIn => signIn["accessToken"] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.bm90LWEtc2lnbmF0dXJl");
        var refusedToken = await kk.RunAsync("whoami", "-o", "json", "--verbose");
        Assert.True(refusedToken.ExitCode == 0, refusedToken.ToString());
        Assert.Equal(username, refusedToken.Json.GetProperty("username").GetString());
        Assert.Contains("< 401", refusedToken.Error);
        Assert.Contains("> POST " + fixture.Api.BaseUrl + "/api/v1/auth/refresh", refusedToken.Error);
        Assert.Contains("(with a bearer token)", refusedToken.Error);
        Assert.DoesNotContain(AccessToken(kk), refusedToken.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kk.CredentialFile));

        // Both tokens refused: the sign-in is over, and kk says how to start another.
        Rewrite(kk, signIn =>
        {
            signIn["accessToken"] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.bm90LWEtc2lnbmF0dXJl";
            signIn["refreshToken"] = "not-a-refresh-token";
        });
        var ended = await kk.RunAsync("fn", "list");
        Assert.Equal(3, ended.ExitCode);
        Assert.Contains("has ended", ended.Error);
        Assert.Contains("kk login", ended.Error);

        var unreachable = await kk.RunAsync("fn", "list", "--server", $"http://127.0.0.1:{ServiceProcess.FreePort()}");
        Assert.Equal(3, unreachable.ExitCode);
        kk.Environment["KK_TOKEN"] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.bm90LWEtc2lnbmF0dXJl";
        var down = await kk.RunAsync("fn", "list", "--server", $"http://127.0.0.1:{ServiceProcess.FreePort()}");
        Assert.Equal(3, down.ExitCode);
        Assert.Contains("Cannot reach", down.Error);

        // KK_TOKEN and KK_SERVER stand in for the file, as in a CI job.
        var login = await fixture.Api.LoginAsync(username, password);
        kk.Environment["KK_TOKEN"] = login.GetProperty("accessToken").GetString()!;
        kk.Environment["KK_SERVER"] = fixture.Api.BaseUrl;
        File.Delete(kk.CredentialFile);
        Assert.Equal(username, (await kk.RunAsync("whoami", "-o", "json")).Json.GetProperty("username").GetString());
        kk.Environment.Remove("KK_TOKEN");
        kk.Environment.Remove("KK_SERVER");

        foreach (var usage in new[] { new[] { "fn", "lst" }, ["fn", "new", "x"], ["fn", "new", "x", "--kind", "cobol"], ["flow", "runs", "x", "--status", "sad"] })
        {
            var result = await kk.RunAsync(usage);
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.StartsWith("kk: ", result.Error);
        }
        var help = await kk.RunAsync("fn", "deploy", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage:\n  kk fn deploy <name> [<sha>] [options]", help.Output);
        Assert.Contains("Examples:\n  kk fn deploy hello", help.Output);
    }

    private static string AccessToken(Kk kk)
    {
        using var file = kk.ReadCredentials();
        return file.RootElement.GetProperty("servers").EnumerateObject().Single().Value.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Changes the one stored sign-in, as time (or a revoked token) would.</summary>
    private static void Rewrite(Kk kk, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        var file = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(kk.CredentialFile))!;
        var servers = file["servers"]!.AsObject();
        change(servers.Single().Value!.AsObject());
        File.WriteAllText(kk.CredentialFile, file.ToJsonString());
    }
}
