namespace Klusterkluck.Worker.Runtime.Dotnet;

/// <summary>
/// One request's call of the handler. The response is written either from the handler's answer
/// or by the worker when time runs out, never both: whichever claims it first keeps it.
/// </summary>
internal sealed class HandlerCall(Handler handler, HttpContext context, CancellationToken cancellationToken)
{
    private int _claimed;

    /// <summary>Calls the handler and executes its answer; an answer that comes too late is dropped.</summary>
    public async Task RunAsync()
    {
        var result = await handler.Invoke(context, cancellationToken);
        if (ReferenceEquals(result, HandlerResults.Written))
        {
            // Task or void: what it wrote stands; the worker only decides whether that was in time.
            return;
        }
        if (cancellationToken.IsCancellationRequested || !Claim())
        {
            throw new OperationCanceledException(cancellationToken);
        }
        if (result is null)
        {
            throw new InvalidOperationException($"{handler.Name} returned null instead of an IResult");
        }
        await result.ExecuteAsync(context);
    }

    /// <summary>True for the first caller only: the response is theirs to write.</summary>
    public bool Claim() => Interlocked.Exchange(ref _claimed, 1) == 0;
}
