// Klusterkluck.Connectors runs one connector plugin, chosen by KK_CONNECTOR, and delivers what it
// produces to KK_TARGET_URL (see Hosting/HostVariables.cs and DESIGN.md "Connector").
// Exit codes: 0 stopped, 1 the connector failed while running, 2 it could not start.
using Klusterkluck.Connectors.Hosting;
using Klusterkluck.Connectors.Plugins;

var catalog = PluginCatalog.Load(HostVariables.Read(HostVariables.PluginsPath) is { Length: > 0 } path ? path : HostVariables.DefaultPluginsPath);
if (args.Contains("--list"))
{
    return PluginListing.Write(catalog, Console.Out, Console.Error, json: args.Contains("--json"));
}
if (ConnectorSelection.Select(catalog, HostVariables.Read, out var error) is not { } selection)
{
    Console.Error.WriteLine($"error: {error}");
    return 2;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddServiceDefaults();
builder.AddConnector(selection);

var app = builder.Build();

app.MapDefaultEndpoints();
if (selection.ExitWithStdin)
{
    ParentWatch.StopWhenStdinEnds(app.Lifetime);
}

await app.RunAsync();
return Environment.ExitCode;
