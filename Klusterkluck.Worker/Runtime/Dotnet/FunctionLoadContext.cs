using System.Reflection;
using System.Runtime.Loader;

namespace Klusterkluck.Worker.Runtime.Dotnet;

/// <summary>
/// The function's own assemblies: its project's and its packages', found through its deps.json,
/// and its native libraries. The shared frameworks (Microsoft.NETCore.App, Microsoft.AspNetCore.App)
/// are the worker's own copies, so the HttpRequest and IResult the function uses are the worker's
/// types. Nothing else of the worker's (YamlDotNet, LibGit2Sharp, its own assemblies) is reachable:
/// a name that is neither shared nor the function's is not found, rather than bound to the worker's copy.
/// </summary>
/// <remarks>Not collectible: a worker serves one function for its whole life, and never unloads it.</remarks>
internal sealed class FunctionLoadContext(string entryAssembly) : AssemblyLoadContext("Function")
{
    /// <summary>The assembly names of the shared frameworks the worker runs on: their folders' file names.</summary>
    private static readonly HashSet<string> s_shared = SharedFrameworkNames();

    private readonly AssemblyDependencyResolver _resolver = new(entryAssembly);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || s_shared.Contains(assemblyName.Name))
        {
            // Null sends the name to the default context, which holds the worker's framework.
            return null;
        }
        if (_resolver.ResolveAssemblyToPath(assemblyName) is { } path)
        {
            return LoadFromAssemblyPath(path);
        }
        if (!string.IsNullOrEmpty(assemblyName.CultureName))
        {
            // A culture's resources the function does not ship: the neutral ones are used instead.
            return null;
        }
        // Returning null would let the default context answer with the worker's own copy.
        throw new FileNotFoundException(
            $"{assemblyName.Name} is neither in the function's deps.json nor part of the shared framework", assemblyName.Name);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;

    /// <remarks>
    /// Read from the folders of the worker's own System.Private.CoreLib and ASP.NET Core, which are
    /// the shared frameworks' folders: the worker runs framework-dependent, as its image does.
    /// </remarks>
    private static HashSet<string> SharedFrameworkNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var folders = new[] { typeof(object).Assembly.Location, typeof(HttpContext).Assembly.Location }
            .Select(Path.GetDirectoryName)
            .Where(folder => !string.IsNullOrEmpty(folder))
            .Distinct(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(folder!, "*.dll"))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
        }
        return names;
    }
}
