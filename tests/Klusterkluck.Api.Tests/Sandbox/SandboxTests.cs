using System.Text.Json;

namespace Klusterkluck.Api.Tests.Sandbox;

/// <summary>
/// A function on the local runtime, exec or nodejs, tries what a hostile tenant would: the Api's
/// data folder and signing key, another tenant's repository, the Api's and its own worker's
/// environment. It gets nothing, and runs as a uid of its own.
/// </summary>
public sealed class SandboxTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AnExecFunctionReadsNothingOfTheApiOrAnotherTenant()
    {
        using var victim = await UserSession.StartAsync(fixture.Api, "victim");
        await victim.CreateFunctionAsync("secret", "exec");
        using var mallory = await UserSession.StartAsync(fixture.Api, "mallory");
        var targets = Targets(victim);
        var script = "#!/bin/sh\n"
            + string.Concat(targets.Select(t => $"if cat '{t}' >/dev/null 2>&1 || ls '{t}' >/dev/null 2>&1; then echo 'FOUND {t}'; fi\n"))
            // Every other process's environment: the worker's holds KK_FUNCTION.
            + "for p in /proc/[0-9]*; do cat \"$p/environ\" 2>/dev/null; done | tr '\\0' '\\n' | grep -q '^KK_FUNCTION=' && echo 'FOUND a worker environment'\n"
            + "echo \"uid=$(id -u) processes=$(ls -d /proc/[0-9]* | wc -l)\"\n";
        await mallory.CreateWithCodeAsync("snoop", "exec", new Dictionary<string, string> { ["handler.sh"] = script });

        var answer = await mallory.CallTextAsync("snoop");

        Assert.DoesNotContain("FOUND", answer);
        var facts = Facts(answer);
        // bwrap's init, the worker, setsid's shell, ls: a namespace of its own, nothing of the host.
        Assert.InRange(int.Parse(facts["processes"]), 2, 8);
        AssertTenantUid(facts["uid"]);
    }

    [Fact]
    public async Task ANodeFunctionReadsNothingOfTheApiOrAnotherTenant()
    {
        using var victim = await UserSession.StartAsync(fixture.Api, "victim");
        await victim.CreateFunctionAsync("secret", "nodejs");
        using var mallory = await UserSession.StartAsync(fixture.Api, "mallory");
        var code = $$"""
            const fs = require("fs");
            const targets = {{JsonSerializer.Serialize(Targets(victim))}};
            module.exports = () => {
              const found = targets.filter(t => { try { fs.readdirSync(t); return true; } catch { try { fs.readFileSync(t); return true; } catch { return false; } } });
              for (const pid of fs.readdirSync("/proc").filter(p => /^\d+$/.test(p) && p !== String(process.pid))) {
                try { if (fs.readFileSync(`/proc/${pid}/environ`, "latin1").includes("KK_FUNCTION=")) found.push(`environ of ${pid}`); } catch { }
              }
              return JSON.stringify({ found, uid: process.getuid() });
            };
            """;
        await mallory.CreateWithCodeAsync("snoop", "nodejs", new Dictionary<string, string> { ["index.js"] = code });

        var answer = JsonSerializer.Deserialize<JsonElement>(await mallory.CallTextAsync("snoop"));

        Assert.Empty(answer.GetProperty("found").EnumerateArray());
        AssertTenantUid(answer.GetProperty("uid").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task EachTenantRunsAsAUidOfItsOwnWhenTheApiIsRoot()
    {
        var uids = new List<string>();
        foreach (var prefix in new[] { "uida", "uidb" })
        {
            using var user = await UserSession.StartAsync(fixture.Api, prefix);
            await user.CreateWithCodeAsync("who", "exec", new Dictionary<string, string> { ["handler.sh"] = "#!/bin/sh\nid -u\n" });
            uids.Add((await user.CallTextAsync("who")).Trim());
        }
        if (Environment.IsPrivilegedProcess)
        {
            Assert.NotEqual(uids[0], uids[1]);
            Assert.DoesNotContain("0", uids);
        }
        else
        {
            // Not root: nobody to switch to; the namespaces alone keep tenants apart.
            Assert.Equal(uids[0], uids[1]);
        }
    }

    [Fact]
    public async Task ProcessesRunWithinTheConfiguredLimits()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["Runtime__Local__Sandbox__OpenFiles"] = "2000",
            ["Runtime__Local__Sandbox__MemoryMiB"] = "300",
        });
        using var user = await UserSession.StartAsync(api, "limits");
        await user.CreateWithCodeAsync("ulimit", "exec", new Dictionary<string, string> { ["handler.sh"] = "#!/bin/sh\necho \"$(ulimit -n) $(ulimit -d)\"\n" });
        Assert.Equal("2000 307200", (await user.CallTextAsync("ulimit")).Trim());

        // Past the memory limit node fails; the worker answers for it, and stays up.
        await user.CreateWithCodeAsync("hog", "nodejs", new Dictionary<string, string>
        {
            ["index.js"] = "module.exports = () => { const a = []; for (let i = 0; i < 40; i++) a.push(Buffer.alloc(10 * 1024 * 1024, 1)); return 'fits'; };\n",
        });
        using var hog = await user.CallAsync("hog");
        Assert.True((int)hog.StatusCode >= 500, $"400 MiB in a 300 MiB sandbox answered {(int)hog.StatusCode}");
        Assert.Contains("Functions run sandboxed by bubblewrap", api.Output, StringComparison.Ordinal);
    }

    /// <summary>What no function of another tenant may read: the data folder, its keys, the victim's repository, the Api's environment.</summary>
    private string[] Targets(UserSession victim)
    {
        var data = fixture.Api.DataFolder;
        return
        [
            data,
            .. Directory.GetFiles(Path.Combine(data, "keys")),
            Path.Combine(data, "repos", victim.Username, "secret.git", "HEAD"),
            $"/proc/{fixture.Api.ProcessId}/environ",
        ];
    }

    private static Dictionary<string, string> Facts(string answer) =>
        answer.Trim().Split('\n').Last().Split(' ').Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);

    private static void AssertTenantUid(string uid)
    {
        if (Environment.IsPrivilegedProcess)
        {
            Assert.True(int.Parse(uid) >= 200_000, $"the function ran as uid {uid}, not a tenant's");
        }
    }
}
