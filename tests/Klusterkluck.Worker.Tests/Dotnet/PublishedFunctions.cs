using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Tests.Dotnet;

/// <summary>
/// Function projects published once for the test class with the real <c>dotnet publish</c>, into
/// the layout of a built tree: the template as it is, and one project with what the template
/// does not show (a static handler returning text, packages with managed and native code, a
/// handler that throws or is slow).
/// </summary>
public sealed class PublishedFunctions : IDisposable
{
    private readonly TempFolder _folder = new();

    public PublishedFunctions()
    {
        // A Directory.Build.props or NuGet.config above a project is part of its build: the
        // repository's must not be, as none is above a user's repository.
        Assert.False(_folder.Path.StartsWith("/work/", StringComparison.Ordinal), $"{_folder.Path} is under /work");
        Template = Path.Combine(_folder.Path, "template");
        foreach (var file in FunctionTemplates.For(FunctionKind.Dotnet))
        {
            Write(Template, file.Path, file.Content);
        }
        Variants = Path.Combine(_folder.Path, "variants");
        Write(Variants, "Variants.csproj", VariantsProject);
        Write(Variants, "Function.cs", VariantsSource);
        Write(Variants, FunctionConfig.FileName, "kind: dotnet\ntimeout: 1s\n");
        Publish(Template);
        Publish(Variants);
    }

    /// <summary>The dotnet template, built.</summary>
    public string Template { get; }

    /// <summary>Variants.dll, built: its answers depend on the path (see <see cref="VariantsSource"/>).</summary>
    public string Variants { get; }

    private const string VariantsProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <FrameworkReference Include="Microsoft.AspNetCore.App" />
            <PackageReference Include="Humanizer.Core" Version="3.0.10" />
            <!-- Older than the worker's own YamlDotNet (18): the function must get this one. -->
            <PackageReference Include="YamlDotNet" Version="16.3.0" />
            <!-- Native code: libe_sqlite3.so under runtimes/linux-x64/native. -->
            <PackageReference Include="SQLitePCLRaw.bundle_e_sqlite3" Version="2.1.13" />
          </ItemGroup>
        </Project>
        """;

    private const string VariantsSource = """
        using Humanizer;
        using Microsoft.AspNetCore.Http;

        namespace Variants;

        public static class Function
        {
            static Function() => SQLitePCL.Batteries_V2.Init();

            public static async Task<string> HandleAsync(CancellationToken cancellationToken, HttpContext context)
            {
                switch (context.Request.Path.Value)
                {
                    case "/humanize":
                        return TimeSpan.FromDays(3).Humanize();
                    case "/yaml":
                        return typeof(YamlDotNet.Serialization.Deserializer).Assembly.GetName().Version!.ToString();
                    case "/sqlite":
                        return SQLitePCL.raw.sqlite3_libversion().utf8_to_string();
                    case "/worker":
                        return Type.GetType("Klusterkluck.Worker.WorkerOptions, Klusterkluck.Worker") is null ? "hidden" : "visible";
                    case "/env":
                        return Environment.GetEnvironmentVariable(context.Request.Query["name"].ToString()) ?? "(unset)";
                    case "/throw":
                        throw new InvalidOperationException("kaboom in handler");
                    case "/slow":
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                        return "never";
                    case "/stubborn":
                        // Deaf to its token: the 504 must not wait for it.
                        await Task.Delay(TimeSpan.FromSeconds(3));
                        return "late";
                    default:
                        return "variants";
                }
            }
        }
        """;

    private static void Write(string folder, string path, string content) =>
        Write(folder, path, System.Text.Encoding.UTF8.GetBytes(content));

    private static void Write(string folder, string path, byte[] content)
    {
        var full = Path.Combine(folder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
    }

    /// <summary>The platform's build step: <c>dotnet publish -c Release -o {tree}/.klusterkluck/dotnet</c>.</summary>
    private static void Publish(string tree)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        // The trailing slash matters: SDK 10.0.401 takes an -o value ending in "dotnet" for the
        // dotnet executable and passes it to MSBuild as a project (MSB1009).
        var output = Path.Combine(tree, BuildLayout.Dotnet) + "/";
        var (exitCode, stdout, stderr) = CommandLine.Run("dotnet", tree, environment, TimeSpan.FromMinutes(3),
            "publish", "-c", "Release", "-o", output, "--disable-build-servers");
        Assert.True(exitCode == 0, $"dotnet publish in {tree} failed:\n{stdout}\n{stderr}");
    }

    public void Dispose() => _folder.Dispose();
}
