using System.Collections.Concurrent;
using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Functions;

/// <summary>
/// One change at a time per function name: a create, deploy or delete runs to its end (store,
/// repository, runtime) before the next one for the same name starts, so a delete cannot remove
/// the repository of a function re-created meanwhile.
/// </summary>
public sealed class FunctionLocks
{
    private readonly ConcurrentDictionary<FunctionId, SemaphoreSlim> _locks = new();

    public async Task<IDisposable> AcquireAsync(FunctionId id, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken);
        return new Release(semaphore);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
