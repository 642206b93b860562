namespace Klusterkluck.Api.Runtime.Local;

/// <summary>What the local runtime runs for one function: the serving revision, and the one on its way in.</summary>
internal sealed class LocalFunction
{
    /// <summary>One deploy at a time per function.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    private volatile Revision? _serving;

    public Revision? Serving
    {
        get => _serving;
        set => _serving = value;
    }

    public Revision? Starting { get; set; }

    /// <summary>Set under <see cref="Gate"/> when the function is removed: a deploy still waiting for the gate must not start it again.</summary>
    public bool Removed { get; set; }

    /// <summary>The last revision that never got ready, kept (stopped) so its logs say why.</summary>
    public Revision? Failed { get; set; }

    public RouteLease Route()
    {
        while (true)
        {
            if (_serving is not { } revision)
            {
                return new RouteLease(true, null, null);
            }
            if (revision.TryLease(out var lease))
            {
                return lease;
            }
            // Retired between the read and the lease: the new revision is serving by now.
        }
    }

    /// <summary>Wakes the serving revision when it sleeps; null once it serves, else why not.</summary>
    public Task<string?> WakeAsync() => _serving is { } revision ? revision.WakeAsync() : Task.FromResult<string?>("no revision is deployed");

    /// <summary>The revisions with live workers: serving, and on its way in.</summary>
    public IEnumerable<Revision> Running() => new[] { Serving, Starting }.OfType<Revision>();

    /// <summary>Every revision with logs to show, the failed one included.</summary>
    public IEnumerable<Revision> Revisions() => Running().Append(Failed).OfType<Revision>().Distinct();
}
