using System.CommandLine;
using Klusterkluck.Cli.Terminal;

namespace Klusterkluck.Cli;

/// <summary>The options every command takes.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Server = new("--server", "-s")
    {
        Description = "The platform's address (default: KK_SERVER, else the server of your last kk login, else http://localhost:8080)",
        Recursive = true,
        HelpName = "url",
    };

    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "table for people, or json or yaml (the API's fields) for scripts",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Table,
        HelpName = "table|json|yaml",
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show each request and its answer on standard error",
        Recursive = true,
    };
}
