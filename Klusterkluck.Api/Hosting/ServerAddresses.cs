using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Klusterkluck.Api.Hosting;

/// <summary>Where this Api listens, as an address another process on this machine can call.</summary>
public static class ServerAddresses
{
    private static readonly string[] s_wildcards = ["+", "*", "0.0.0.0", "[::]"];

    /// <summary>The first address the server listens on (http preferred), its wildcard host read as 127.0.0.1; known once it listens.</summary>
    public static Uri Loopback(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the Api is not listening yet");
        return new Uri(WithHost(address, "127.0.0.1").TrimEnd('/') + "/");
    }

    /// <summary>
    /// True when every address the server listens on is a loopback one (<c>localhost</c>,
    /// <c>127.0.0.0/8</c>, <c>::1</c>): nothing but this machine can reach it. False before it
    /// listens, and for wildcards and Unix sockets (a proxy may sit in front of those).
    /// </summary>
    public static bool OnlyLoopback(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Count > 0 && addresses.All(a => Uri.TryCreate(WithHost(a, "0.0.0.0"), UriKind.Absolute, out var uri) && uri.IsLoopback);
    }

    /// <summary>The URL with a wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) replaced by <paramref name="host"/>.</summary>
    public static string WithHost(string url, string host)
    {
        foreach (var wildcard in s_wildcards)
        {
            var marker = $"://{wildcard}:";
            if (url.Contains(marker, StringComparison.Ordinal))
            {
                return url.Replace(marker, $"://{host}:", StringComparison.Ordinal);
            }
        }
        return url;
    }
}
