using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Cli;

/// <summary>What one kk command did: its exit code and both outputs.</summary>
public sealed record KkResult(string Command, int ExitCode, string Output, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    public override string ToString() => $"kk {Command} → {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// kk as a user runs it: the real program as a process, in a home of its own (so its credential file
/// and git's config are this test's), with no terminal and NO_COLOR set. Every output is kept, to
/// check that none ever shows a token.
/// </summary>
public sealed class Kk : IDisposable
{
    public static readonly string Assembly = typeof(Kk).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "CliAssembly").Value!;

    private readonly TempFolder _home = new();
    private readonly ConcurrentQueue<string> _printed = new();
    private readonly HashSet<string> _tokens = [];

    private readonly string? _program;

    /// <param name="program">An installed kk to run; by default this build's kk.dll, with dotnet.</param>
    public Kk(string? program = null)
    {
        _program = program;
        Directory.CreateDirectory(Folder);
    }

    public string Home => _home.Path;

    /// <summary>The working folder commands run in (kk fn new clones here).</summary>
    public string Folder => Path.Combine(Home, "work");

    public string CredentialFile => Path.Combine(Home, ".config", "klusterkluck", "credentials.json");

    public Dictionary<string, string> Environment { get; } = [];

    public Task<KkResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    public async Task<KkResult> RunWithInputAsync(string? input, params string[] arguments)
    {
        using var process = Process.Start(Start(arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input ?? "");
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var result = new KkResult(string.Join(' ', arguments), process.ExitCode, await output, await error);
        Keep(result.Output, result.Error);
        return result;
    }

    /// <summary>A command that runs until stopped (kk fn logs -f): its output so far, read line by line.</summary>
    public Following Follow(params string[] arguments) => new(Process.Start(Start(arguments))!, this);

    /// <summary>Runs git in <paramref name="folder"/> with this user's home: kk is git's only credential helper, and git never prompts.</summary>
    public (int ExitCode, string Output, string Error) Git(string folder, params string[] arguments) =>
        CommandLine.Run("git", folder, GitEnvironment(), TimeSpan.FromMinutes(2), arguments);

    /// <summary>Every token the credential file ever held must appear in no output of any command.</summary>
    public void AssertNoTokenPrinted()
    {
        ReadTokens();
        Assert.NotEmpty(_tokens);
        foreach (var text in _printed)
        {
            foreach (var token in _tokens)
            {
                Assert.False(text.Contains(token, StringComparison.Ordinal), $"a token was printed:\n{text}");
            }
        }
    }

    public JsonDocument ReadCredentials() => JsonDocument.Parse(File.ReadAllText(CredentialFile));

    public void Dispose() => _home.Dispose();

    private void Keep(params string[] texts)
    {
        foreach (var text in texts)
        {
            _printed.Enqueue(text);
        }
        ReadTokens();
    }

    private void ReadTokens()
    {
        if (!File.Exists(CredentialFile))
        {
            return;
        }
        using var file = ReadCredentials();
        foreach (var server in file.RootElement.GetProperty("servers").EnumerateObject())
        {
            foreach (var name in new[] { "accessToken", "refreshToken" })
            {
                if (server.Value.TryGetProperty(name, out var token) && token.GetString() is { Length: > 20 } value)
                {
                    lock (_tokens)
                    {
                        _tokens.Add(value);
                    }
                }
            }
        }
    }

    private Dictionary<string, string> GitEnvironment() => new(Environment)
    {
        ["HOME"] = Home,
        ["XDG_CONFIG_HOME"] = Path.Combine(Home, ".config"),
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_ASKPASS"] = "/bin/false",
        ["NO_COLOR"] = "1",
        ["GIT_AUTHOR_NAME"] = "Test",
        ["GIT_AUTHOR_EMAIL"] = "test@klusterkluck.local",
        ["GIT_COMMITTER_NAME"] = "Test",
        ["GIT_COMMITTER_EMAIL"] = "test@klusterkluck.local",
    };

    private ProcessStartInfo Start(string[] arguments)
    {
        var info = new ProcessStartInfo(_program ?? "dotnet")
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (_program is null)
        {
            info.ArgumentList.Add(Assembly);
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var name in new[] { "KK_SERVER", "KK_TOKEN" })
        {
            info.Environment.Remove(name);
        }
        foreach (var (name, value) in GitEnvironment())
        {
            info.Environment[name] = value;
        }
        return info;
    }

    /// <summary>A kk process left running; disposing it kills it.</summary>
    public sealed class Following : IDisposable
    {
        private readonly Process _process;
        private readonly Kk _kk;
        private readonly ConcurrentQueue<string> _lines = new();

        internal Following(Process process, Kk kk)
        {
            (_process, _kk) = (process, kk);
            process.OutputDataReceived += (_, line) => Add(line.Data);
            process.ErrorDataReceived += (_, line) => Add(line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.StandardInput.Close();
        }

        public string Output => string.Join('\n', _lines);

        public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (Output.Contains(text, StringComparison.Ordinal))
                {
                    return true;
                }
                await Task.Delay(100);
            }
            return false;
        }

        private void Add(string? line)
        {
            if (line is not null)
            {
                _lines.Enqueue(line);
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            _kk.Keep(Output);
            _process.Dispose();
        }
    }
}
