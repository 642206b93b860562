namespace Klusterkluck.Api.Tests.Builds;

/// <summary>
/// Functions in C#: the dotnet template builds with the real dotnet publish and answers; a push that
/// references a NuGet package builds and serves its new reply; a compile error fails the deploy
/// with the compiler's message while the previous revision serves.
/// </summary>
public sealed class DotnetBuildTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Humanized = """
        using Humanizer;
        using Microsoft.AspNetCore.Http;

        public sealed class Function
        {
            public IResult Handle(HttpRequest request) =>
                Results.Text($"{Environment.GetEnvironmentVariable("GREETING")}: {request.Query["name"].ToString().Humanize(LetterCasing.Sentence)}\n");
        }
        """;

    [Fact]
    public async Task TheTemplateAnswersAPackageReferenceBuildsAndServesAndACompileErrorFailsWithTheCompilersMessage()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "csharp");
        await user.CreateFunctionAsync("sharp", "dotnet");
        var created = await user.WaitDeployedAsync("sharp", TimeSpan.FromMinutes(3));
        Assert.True(created.GetProperty("state").GetString() == "ready", created.ToString());
        Assert.Equal("Hello, you!\n", await user.CallTextAsync("sharp", "?name=you"));
        var template = created.GetProperty("deployedCommit").GetString()!;
        Assert.Equal("succeeded", (await user.BuildOfAsync("sharp", template)).GetProperty("state").GetString());

        string csproj;
        using (var clone = Clone.Of(user, "sharp"))
        {
            csproj = File.ReadAllText(Path.Combine(clone.Path, "Function.csproj"));
        }
        var (packaged, function) = await user.PushAndDeployAsync("sharp", new Dictionary<string, string>
        {
            ["Function.csproj"] = csproj.Replace("</Project>", "  <ItemGroup>\n    <PackageReference Include=\"Humanizer.Core\" Version=\"3.0.10\" />\n  </ItemGroup>\n</Project>"),
            ["Function.cs"] = Humanized,
        });
        Assert.True(function.Status() == "ready", function.ToString());
        Assert.Equal("Hello: Some function name\n", await user.CallTextAsync("sharp", "?name=some_function_name"));
        Assert.Contains("Restored", (await user.BuildOfAsync("sharp", packaged)).GetProperty("log").GetString());

        var (broken, failed) = await user.PushAndDeployAsync("sharp", new Dictionary<string, string>
        {
            ["Function.cs"] = Humanized.Replace("Results.Text(", "Results.Text(missing + "),
        });
        Assert.Equal("failed", failed.Status());
        Assert.Contains("the build failed: dotnet publish exited with code 1", failed.Error());
        Assert.Contains("error CS0103: The name 'missing' does not exist in the current context", failed.Error());
        var build = await user.BuildOfAsync("sharp", broken);
        Assert.Equal("failed", build.GetProperty("state").GetString());
        Assert.Contains("error CS0103", build.GetProperty("log").GetString());
        Assert.Equal("Hello: Still serving\n", await user.CallTextAsync("sharp", "?name=still_serving"));
    }
}
