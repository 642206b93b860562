using System.Net;

namespace Klusterkluck.Api.Tests.Identity;

public sealed class RestartTests
{
    [Fact]
    public async Task UsersAndIssuedTokensSurviveARestart()
    {
        using var data = new TempFolder();
        string username, password, accessToken, refreshToken;
        int port;
        await using (var first = await ApiProcess.StartAsync(data.Path))
        {
            port = first.Port;
            (username, password) = await first.RegisterAsync("restart");
            var tokens = await first.LoginAsync(username, password);
            accessToken = tokens.GetProperty("accessToken").GetString()!;
            refreshToken = tokens.GetProperty("refreshToken").GetString()!;
        }

        // The same Api again: same data folder, same address, so the same issuer.
        await using var second = await ApiProcess.StartAsync(data.Path, port: port);
        using var whoami = await second.WhoAmIAsync(accessToken);
        Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
        using var refreshed = await second.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        await second.LoginAsync(username, password);
    }

    [Fact]
    public async Task KeysAreReadableByTheApiAlone()
    {
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path);
        foreach (var file in Directory.GetFiles(Path.Combine(data.Path, "keys")))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data.Path));
    }
}
