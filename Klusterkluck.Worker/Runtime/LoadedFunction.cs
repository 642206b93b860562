using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Runtime;

/// <summary>A function checked out at one commit, with its validated config.</summary>
/// <param name="Directory">The repository's work tree.</param>
public sealed record LoadedFunction(string Name, string Sha, string Directory, FunctionConfig Config)
{
    public string RootDirectory => Path.GetFullPath(Path.Combine(Directory, Config.Root));
}
