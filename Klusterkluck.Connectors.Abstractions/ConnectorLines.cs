namespace Klusterkluck.Connectors;

/// <summary>The lines a connector prints on stdout for whoever started it (the Api's local runtime reads them).</summary>
public static class ConnectorLines
{
    /// <summary>
    /// Printed once per address a connector listens on for events, with the port actually bound
    /// (a variable marked <see cref="ConnectorVariable.Listen"/> may ask for port 0), once it
    /// takes requests: <c>klusterkluck-connector listening on http://127.0.0.1:40123</c>.
    /// </summary>
    public const string Listening = "klusterkluck-connector listening on ";
}
