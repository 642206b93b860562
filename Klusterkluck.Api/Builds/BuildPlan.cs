using Klusterkluck.Functions;
using LibGit2Sharp;

namespace Klusterkluck.Api.Builds;

/// <summary>Whether a commit needs a build before its workers start; read from the repository, nothing checked out.</summary>
public static class BuildPlan
{
    public static bool Needs(Commit commit, FunctionConfig config) => config.Kind switch
    {
        FunctionKind.NodeJs => commit["package.json"]?.TargetType == TreeEntryTargetType.Blob,
        FunctionKind.Dotnet => true,
        _ => config.Build is not null,
    };
}
