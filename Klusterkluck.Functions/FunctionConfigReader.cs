using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Klusterkluck.Functions;

/// <summary>
/// Reads klusterkluck.yaml by hand from the YAML tree rather than by binding, so that every
/// mistake (unknown key, wrong type, bad duration) is reported as one line with its position.
/// </summary>
public static partial class FunctionConfigReader
{
    private static readonly string[] s_keys = ["kind", "handler", "command", "root", "timeout", "env", "build", "installScripts"];

    /// <summary>Reads and checks the config of a checked-out repository, including the files it names.</summary>
    public static FunctionConfig Load(string repositoryRoot)
    {
        var path = Path.Combine(repositoryRoot, FunctionConfig.FileName);
        if (!File.Exists(path))
        {
            throw new FunctionConfigException($"{FunctionConfig.FileName} is missing at the repository root");
        }
        var config = Parse(ReadCapped(path));
        CheckFiles(config, repositoryRoot);
        return config;
    }

    /// <summary>The file's text, read up to one byte over the limit: whatever it is (a symbolic link to /dev/zero), no more is read.</summary>
    private static string ReadCapped(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[FunctionConfig.MaxFileBytes + 1];
        int length = 0, read;
        while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
        }
        if (length > FunctionConfig.MaxFileBytes)
        {
            throw FunctionConfigException.TooLarge(stream.CanSeek ? stream.Length : length);
        }
        return new StreamReader(new MemoryStream(buffer, 0, length)).ReadToEnd();
    }

    public static FunctionConfig Parse(string yaml)
    {
        var root = ReadRoot(yaml);
        var values = new Dictionary<string, YamlNode>();
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = keyNode is YamlScalarNode { Value: { } k } ? k : "";
            if (!s_keys.Contains(key))
            {
                throw Error(keyNode, $"unknown key '{key}' (expected one of {string.Join(", ", s_keys)})");
            }
            values[key] = valueNode;
        }

        var kindNode = values.GetValueOrDefault("kind") ?? throw Error(root, "'kind' is required (nodejs, exec, static or dotnet)");
        var kindName = Scalar(kindNode, "kind");
        if (!FunctionKinds.TryParse(kindName, out var kind))
        {
            throw Error(kindNode, $"kind '{kindName}' is not one of {string.Join(", ", FunctionKinds.Names)}");
        }

        var handler = values.TryGetValue("handler", out var h) ? RelativePath(h, "handler") : null;
        var command = values.TryGetValue("command", out var c) ? Command(c) : null;
        var rootFolder = values.TryGetValue("root", out var r) ? RelativePath(r, "root") : ".";
        var timeout = values.TryGetValue("timeout", out var t) ? Timeout(t) : FunctionConfig.DefaultTimeout;
        var env = values.TryGetValue("env", out var e) ? Env(e) : new Dictionary<string, string>();
        var build = values.TryGetValue("build", out var b) ? BuildCommand(b, kind) : null;
        var installScripts = values.TryGetValue("installScripts", out var i) && InstallScripts(i, kind);

        switch (kind)
        {
            case FunctionKind.NodeJs:
                handler ??= "index.js";
                break;
            case FunctionKind.Exec when command is null:
                throw Error(root, "'command' is required for kind exec");
        }
        return new FunctionConfig(kind, handler, command, rootFolder, timeout, env) { Build = build, InstallScripts = installScripts };
    }

    /// <summary>A shell command for exec and static; nodejs and dotnet have builds of their own (npm ci, dotnet publish).</summary>
    private static string BuildCommand(YamlNode node, FunctionKind kind)
    {
        if (kind is not (FunctionKind.Exec or FunctionKind.Static))
        {
            throw Error(node, $"'build' is for kinds exec and static; a {kind.ToName()} function is built by {(kind == FunctionKind.Dotnet ? "dotnet publish" : "npm ci")}");
        }
        var command = Scalar(node, "build").Trim();
        return command.Length > 0 ? command : throw Error(node, "'build' must not be empty");
    }

    private static bool InstallScripts(YamlNode node, FunctionKind kind)
    {
        if (kind != FunctionKind.NodeJs)
        {
            throw Error(node, "'installScripts' is for kind nodejs (npm ci's install scripts)");
        }
        return Scalar(node, "installScripts").ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            var other => throw Error(node, $"'installScripts' must be true or false, not '{other}'"),
        };
    }

    private static YamlMappingNode ReadRoot(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new FunctionConfigException($"{FunctionConfig.FileName} line {ex.Start.Line}: {OneLine.Of(ex.Message)}");
        }
        return stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
            ?? throw new FunctionConfigException($"{FunctionConfig.FileName} must be a mapping such as 'kind: nodejs'");
    }

    private static void CheckFiles(FunctionConfig config, string repositoryRoot)
    {
        if (config.Kind == FunctionKind.Dotnet)
        {
            DotnetProject(repositoryRoot);
        }
        var rootFolder = Path.Combine(repositoryRoot, config.Root);
        if (!Directory.Exists(rootFolder) || !PathGuard.IsInside(repositoryRoot, rootFolder))
        {
            throw new FunctionConfigException($"{FunctionConfig.FileName}: root '{config.Root}' is not a folder of the repository");
        }
        if (config.Handler is { } handler)
        {
            var file = Path.Combine(repositoryRoot, handler);
            if (!File.Exists(file) || !PathGuard.IsInside(repositoryRoot, file))
            {
                throw new FunctionConfigException($"{FunctionConfig.FileName}: handler '{handler}' is not a file of the repository");
            }
        }
        if (config.Command is [var program, ..] && program.Contains('/'))
        {
            var file = Path.Combine(repositoryRoot, program);
            if (!File.Exists(file) || !PathGuard.IsInside(repositoryRoot, file))
            {
                throw new FunctionConfigException($"{FunctionConfig.FileName}: command '{program}' is not a file of the repository");
            }
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) == 0)
            {
                throw new FunctionConfigException($"{FunctionConfig.FileName}: command '{program}' is not executable (git update-index --chmod=+x {program})");
            }
        }
    }

    /// <summary>The one C# project file at the repository's root, which a dotnet function is built from.</summary>
    public static string DotnetProject(string repositoryRoot)
    {
        var projects = Directory.EnumerateFiles(repositoryRoot, "*.csproj").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        return projects switch
        {
            [var one] => one!,
            [] => throw new FunctionConfigException("a dotnet function needs a C# project (a .csproj file) at the repository's root"),
            _ => throw new FunctionConfigException($"a dotnet function has one C# project at the repository's root, not {projects.Count} ({string.Join(", ", projects)})"),
        };
    }

    private static string RelativePath(YamlNode node, string key)
    {
        var value = Scalar(node, key).Replace('\\', '/');
        if (value.Length == 0 || value.StartsWith('/') || value.Split('/').Contains(".."))
        {
            throw Error(node, $"'{key}' must be a path inside the repository, not '{value}'");
        }
        return value;
    }

    private static IReadOnlyList<string> Command(YamlNode node)
    {
        var parts = node is YamlSequenceNode sequence
            ? sequence.Children.Select(part => Scalar(part, "command")).ToList()
            : Scalar(node, "command").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (parts.Count == 0)
        {
            throw Error(node, "'command' must not be empty");
        }
        if (parts[0].StartsWith('/') || parts[0].Split('/').Contains(".."))
        {
            throw Error(node, $"'command' must be a file of the repository (./{Path.GetFileName(parts[0])}) or a program on PATH");
        }
        return parts;
    }

    private static TimeSpan Timeout(YamlNode node)
    {
        var text = Scalar(node, "timeout");
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            throw Error(node, $"timeout '{text}' is not a duration such as 500ms, 30s or 2m");
        }
        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var seconds = amount * match.Groups[2].Value switch
        {
            "ms" => 0.001,
            "m" => 60,
            "h" => 3600,
            _ => 1,
        };
        // Range first: a huge number would overflow TimeSpan; a tiny one would round to zero.
        if (seconds < 0.001 || seconds > FunctionConfig.MaxTimeout.TotalSeconds)
        {
            throw Error(node, $"timeout '{text}' must be at least 1ms and at most {FunctionConfig.MaxTimeout.TotalMinutes:0}m");
        }
        return TimeSpan.FromSeconds(seconds);
    }

    private static Dictionary<string, string> Env(YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, "'env' must be a mapping of NAME: value");
        }
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = Scalar(keyNode, "env");
            if (!EnvNamePattern().IsMatch(name))
            {
                throw Error(keyNode, $"env name '{name}' must be letters, digits and underscores");
            }
            env[name] = Scalar(valueNode, $"env.{name}");
        }
        return env;
    }

    private static string Scalar(YamlNode node, string key) =>
        node is YamlScalarNode scalar ? scalar.Value ?? "" : throw Error(node, $"'{key}' must be a single value");

    private static FunctionConfigException Error(YamlNode node, string message) =>
        new($"{FunctionConfig.FileName} line {node.Start.Line}: {message}");

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();
}
