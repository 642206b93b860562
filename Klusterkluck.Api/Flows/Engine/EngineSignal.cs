namespace Klusterkluck.Api.Flows;

/// <summary>Wakes the engine when this process created steps, so a new step starts at once instead of at the next poll.</summary>
public sealed class EngineSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Pulse()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers any number of new steps.
        }
    }

    /// <summary>Pulses after <paramref name="delay"/>: a retry is due then.</summary>
    public void PulseAfter(TimeSpan delay) => _ = Task.Delay(delay).ContinueWith(_ => Pulse(), TaskScheduler.Default);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
