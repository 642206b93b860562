namespace Klusterkluck.Functions;

/// <summary>The lines a worker prints for whoever started it (the local runtime reads them).</summary>
public static class WorkerLines
{
    /// <summary>Prefix of every line the worker itself prints: its one-line start failure on stderr, say.</summary>
    public const string Prefix = "klusterkluck-worker: ";

    /// <summary>On stdout, once per address the worker listens on, before the function is loaded (no colon: not an error line).</summary>
    public const string Listening = "klusterkluck-worker listening on ";

    /// <summary>On stdout, once a pool worker has started all it can without a function (node, for nodejs) and waits for one.</summary>
    public const string Pooled = "klusterkluck-worker pooled";
}
