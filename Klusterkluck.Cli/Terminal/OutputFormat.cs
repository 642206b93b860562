namespace Klusterkluck.Cli.Terminal;

/// <summary>-o: tables and sentences for people, or the API's shapes as JSON or YAML for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
    Yaml,
}
