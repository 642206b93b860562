using System.CommandLine;
using Spectre.Console;
using Klusterkluck.Cli.Terminal;

namespace Klusterkluck.Cli.Flows;

/// <summary>kk connectors [NAME]: the catalog a flow's connector nodes choose from, with each connector's variables.</summary>
public static class ConnectorCommands
{
    public static Command Build()
    {
        var name = new Argument<string?>("name") { Description = "One connector, with its variables", Arity = ArgumentArity.ZeroOrOne };
        var command = KkCommand.Command("connectors", """
            The connectors a flow can start from (timer, http, nats…); with a name, its variables: required or not, format, default, meaning.

            Examples:
              kk connectors
              kk connectors timer
            """, async (parse, kk, cancellationToken) =>
        {
            if (parse.GetValue(name) is { } one)
            {
                var connector = kk.Ok(await kk.Platform.ConnectorAsync(one, cancellationToken));
                kk.Output.Write(connector, c =>
                {
                    kk.Output.Out.MarkupLine($"[bold]{Show.Escape(c.Name)}[/]: {Show.Escape(c.Description)}");
                    kk.Output.Out.WriteLine();
                    var table = Output.Table("Variable", "Required", "Format", "Default", "Description");
                    foreach (var v in c.Variables.Where(v => !v.Listen))
                    {
                        table.AddRow(Show.Escape(v.Name), v.Required ? "yes" : "", Show.Escape(v.Format) + (v.Secret ? ", secret" : ""),
                            Show.Escape(v.Default ?? ""), Show.Escape(v.Description));
                    }
                    kk.Output.Render(table);
                    if (c.Variables.FirstOrDefault(v => v.Listen) is { } listen)
                    {
                        kk.Output.Out.MarkupLine($"\n{Show.Escape(listen.Name)} is set by the platform: where the connector listens.");
                    }
                });
                return ExitCodes.Success;
            }
            var catalog = kk.Ok(await kk.Platform.ConnectorsAsync(cancellationToken));
            kk.Output.Write(catalog, list =>
            {
                var table = Output.Table("Connector", "Variables", "Description");
                foreach (var c in list)
                {
                    table.AddRow(Show.Escape(c.Name), $"{c.Variables.Count(v => !v.Listen)}", Show.Escape(c.Description));
                }
                kk.Output.Render(table);
            });
            return ExitCodes.Success;
        });
        command.Arguments.Add(name);
        return command;
    }
}
