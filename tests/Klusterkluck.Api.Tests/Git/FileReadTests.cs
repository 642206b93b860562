using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Klusterkluck.Functions;

namespace Klusterkluck.Api.Tests.Git;

/// <summary>GET {name}/tree and {name}/files/{path}: a function's files as an editor reads them, straight from its repository.</summary>
public sealed class FileReadTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task TheTreeOfANewFunctionListsItsTemplatesFiles()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "tree");
        await user.CreateFunctionAsync("fresh", "nodejs");
        var template = await HeadAsync(user, "fresh");

        var tree = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/fresh/tree");

        Assert.Equal(template, tree.GetProperty("commit").GetString());
        Assert.False(tree.GetProperty("truncated").GetBoolean());
        var entries = tree.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(FunctionTemplates.For(FunctionKind.NodeJs).Select(f => f.Path).Order(StringComparer.Ordinal),
            entries.Select(e => e.GetProperty("path").GetString()));
        Assert.All(entries, e =>
        {
            Assert.Equal("file", e.GetProperty("kind").GetString());
            Assert.False(e.GetProperty("binary").GetBoolean());
            Assert.False(e.GetProperty("tooLarge").GetBoolean());
            Assert.False(e.GetProperty("executable").GetBoolean());
        });
        var index = FunctionTemplates.For(FunctionKind.NodeJs).Single(f => f.Path == "index.js");
        Assert.Equal(index.Content.Length, entries.Single(e => e.GetProperty("path").GetString() == "index.js").GetProperty("size").GetInt64());

        var byRef = await user.Client.GetFromJsonAsync<JsonElement>($"/api/v1/functions/fresh/tree?ref={template[..7]}");
        Assert.Equal(template, byRef.GetProperty("commit").GetString());
    }

    [Fact]
    public async Task AFileOfTheTemplateCommitReadsAsItsText()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "read");
        await user.CreateFunctionAsync("hello", "nodejs");
        var template = await HeadAsync(user, "hello");
        using (var clone = Clone.Of(user, "hello"))
        {
            clone.Write("index.js", "module.exports = async () => 'later';\n").CommitAndPush("Later");
        }

        var file = await user.Client.GetFromJsonAsync<JsonElement>($"/api/v1/functions/hello/files/index.js?ref={template}");

        var expected = FunctionTemplates.For(FunctionKind.NodeJs).Single(f => f.Path == "index.js").Content;
        Assert.Equal("index.js", file.GetProperty("path").GetString());
        Assert.Equal(template, file.GetProperty("commit").GetString());
        Assert.Equal(Encoding.UTF8.GetString(expected), file.GetProperty("content").GetString());
        Assert.Equal(expected.Length, file.GetProperty("size").GetInt64());
        Assert.False(file.GetProperty("binary").GetBoolean());
        Assert.False(file.GetProperty("tooLarge").GetBoolean());
        var head = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/hello/files/index.js");
        Assert.Equal("module.exports = async () => 'later';\n", head.GetProperty("content").GetString());
    }

    [Fact]
    public async Task BinaryAndLargeFilesAreFlaggedAndSentWithoutContent()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "binary");
        await user.CreateFunctionAsync("assets", "static");
        using (var clone = Clone.Of(user, "assets"))
        {
            Directory.CreateDirectory(Path.Combine(clone.Path, "public", "img"));
            File.WriteAllBytes(Path.Combine(clone.Path, "public", "img", "logo.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0, 0, 13]);
            File.WriteAllBytes(Path.Combine(clone.Path, "latin1.txt"), Encoding.Latin1.GetBytes("café\n"));
            File.WriteAllText(Path.Combine(clone.Path, "big.txt"), new string('a', 1024 * 1024 + 1));
            File.WriteAllText(Path.Combine(clone.Path, "run.sh"), "#!/bin/sh\necho hi\n");
            File.SetUnixFileMode(Path.Combine(clone.Path, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.CreateSymbolicLink(Path.Combine(clone.Path, "home.html"), "public/index.html");
            clone.CommitAndPush("Assets");
        }

        var tree = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/assets/tree");
        var entries = tree.GetProperty("entries").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!);
        Assert.Equal(["big.txt", "home.html", "klusterkluck.yaml", "latin1.txt", "public/img/logo.png", "public/index.html", "public/style.css", "run.sh"],
            entries.Keys);
        Assert.True(entries["public/img/logo.png"].GetProperty("binary").GetBoolean());
        Assert.True(entries["latin1.txt"].GetProperty("binary").GetBoolean());
        Assert.True(entries["big.txt"].GetProperty("tooLarge").GetBoolean());
        Assert.Equal(JsonValueKind.Null, entries["big.txt"].GetProperty("binary").ValueKind);
        Assert.Equal(1024 * 1024 + 1, entries["big.txt"].GetProperty("size").GetInt64());
        Assert.True(entries["run.sh"].GetProperty("executable").GetBoolean());
        Assert.Equal("symlink", entries["home.html"].GetProperty("kind").GetString());

        foreach (var (path, binary, tooLarge) in new[] { ("public/img/logo.png", true, false), ("latin1.txt", true, false), ("big.txt", (bool?)null, true) })
        {
            var file = await user.Client.GetFromJsonAsync<JsonElement>($"/api/v1/functions/assets/files/{path}");
            Assert.Equal(JsonValueKind.Null, file.GetProperty("content").ValueKind);
            Assert.Equal(binary, file.GetProperty("binary").ValueKind == JsonValueKind.Null ? null : file.GetProperty("binary").GetBoolean());
            Assert.Equal(tooLarge, file.GetProperty("tooLarge").GetBoolean());
        }
        var link = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/assets/files/home.html");
        Assert.Equal("public/index.html", link.GetProperty("content").GetString());
    }

    [Fact]
    public async Task MissingFilesFoldersAndVersionsAreNotFoundAndABadRefIsRefused()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "missing");
        await user.CreateFunctionAsync("site", "static");

        foreach (var path in new[] { "nothing.js", "public", "public/", "" })
        {
            using var response = await user.Client.GetAsync($"/api/v1/functions/site/files/{path}");
            Assert.Equal("Unknown file", (await response.AssertProblemAsync(404)).GetProperty("title").GetString());
        }
        using (var unknown = await user.Client.GetAsync($"/api/v1/functions/site/tree?ref={new string('a', 40)}"))
        {
            Assert.Equal("Unknown version", (await unknown.AssertProblemAsync(404)).GetProperty("title").GetString());
        }
        using (var unknown = await user.Client.GetAsync("/api/v1/functions/site/files/klusterkluck.yaml?ref=abcdef1"))
        {
            Assert.Equal("Unknown version", (await unknown.AssertProblemAsync(404)).GetProperty("title").GetString());
        }
        foreach (var url in new[] { "/api/v1/functions/site/tree?ref=main", "/api/v1/functions/site/files/klusterkluck.yaml?ref=HEAD~1" })
        {
            using var bad = await user.Client.GetAsync(url);
            Assert.True((await bad.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("ref", out _));
        }
    }

    [Fact]
    public async Task ATreeOfMoreFilesThanAListingHoldsIsTruncatedInPathOrder()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "many");
        await user.CreateFunctionAsync("crowded", "static");
        using (var clone = Clone.Of(user, "crowded"))
        {
            for (var folder = 0; folder < 101; folder++)
            {
                Directory.CreateDirectory(Path.Combine(clone.Path, $"d{folder:D3}"));
                for (var file = 0; file < 100; file++)
                {
                    File.WriteAllText(Path.Combine(clone.Path, $"d{folder:D3}", $"f{file:D3}.txt"), $"{folder} {file}\n");
                }
            }
            clone.CommitAndPush("Many files");
        }

        var tree = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/crowded/tree");

        Assert.True(tree.GetProperty("truncated").GetBoolean());
        var paths = tree.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();
        Assert.Equal(10_000, paths.Count);
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
        Assert.Equal("d000/f000.txt", paths[0]);
        Assert.Equal("d099/f099.txt", paths[^1]);
    }

    [Fact]
    public async Task FoldersNestedDeeperThanACheckoutCanGoAreLeftOutOfTheListing()
    {
        using var user = await UserSession.StartAsync(fixture.Api, "deep");
        await user.CreateFunctionAsync("nested", "static");
        using var clone = Clone.Of(user, "nested");
        // No work tree can hold it (PATH_MAX), so the trees are written straight into the clone's objects.
        using (var repository = new LibGit2Sharp.Repository(clone.Path))
        {
            var tree = repository.ObjectDatabase.CreateTree(new LibGit2Sharp.TreeDefinition()
                .Add("bottom.txt", repository.ObjectDatabase.CreateBlob(new MemoryStream("deep\n"u8.ToArray())), LibGit2Sharp.Mode.NonExecutableFile));
            for (var depth = 0; depth < 2100; depth++)
            {
                tree = repository.ObjectDatabase.CreateTree(new LibGit2Sharp.TreeDefinition().Add("d", tree));
            }
            var head = repository.Head.Tip;
            var root = LibGit2Sharp.TreeDefinition.From(head.Tree).Add("deep", tree);
            var signature = new LibGit2Sharp.Signature("Test", "test@klusterkluck.local", DateTimeOffset.UtcNow);
            var commit = repository.ObjectDatabase.CreateCommit(signature, signature, "Deep\n", repository.ObjectDatabase.CreateTree(root), [head], true);
            repository.Refs.UpdateTarget(repository.Refs["refs/heads/main"], commit.Id, "deep");
        }
        GitCli.Run(clone.Path, "push", "-q", "origin", "main");

        var listing = await user.Client.GetFromJsonAsync<JsonElement>("/api/v1/functions/nested/tree");

        Assert.True(listing.GetProperty("truncated").GetBoolean());
        Assert.Equal(["klusterkluck.yaml", "public/index.html", "public/style.css"],
            listing.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheFileEndpoints()
    {
        var document = await fixture.Api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var (path, method, problems) in new[]
        {
            ("/api/v1/functions/{name}/tree", "get", new[] { "400", "404" }),
            ("/api/v1/functions/{name}/files/{path}", "get", ["400", "404"]),
            ("/api/v1/functions/{name}/commits", "post", ["400", "404", "409", "413"]),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} missing from the OpenAPI document");
            var operation = item.GetProperty(method);
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
            var responses = operation.GetProperty("responses");
            Assert.All(problems, status => Assert.True(responses.TryGetProperty(status, out var response)
                && response.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{path}: no {status} problem"));
        }
    }

    private static async Task<string> HeadAsync(UserSession user, string function) =>
        (await user.Client.GetFromJsonAsync<JsonElement[]>($"/api/v1/functions/{function}/versions"))![0].GetProperty("sha").GetString()!;
}
