using System.Net.Http.Headers;
using System.Text;
using Klusterkluck.Api.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Flows;

public enum StepOutcome
{
    Succeeded,

    /// <summary>No replica of the function is ready: not an attempt, the step waits for one.</summary>
    NotServing,

    /// <summary>Worth another attempt: the function failed, timed out or could not be reached.</summary>
    Failed,

    /// <summary>No attempt can succeed (the function is gone, the output is too large): dead-lettered at once.</summary>
    Refused,
}

public sealed record StepResult(StepOutcome Outcome, string? Error = null, byte[]? Output = null, string? OutputType = null);

/// <summary>
/// One attempt of a function step: a POST of the step's input to a ready replica of the owner's
/// function, with the owner's token, through the runtime the gateway uses. The step's id is the
/// Idempotency-Key, the same on every attempt, so a function can tell a retry from a new event.
/// A step that reached the function counts as one of its invocations in usage.
/// </summary>
public sealed class StepInvoker(IRuntime runtime, FunctionHttp http, IOwnerTokens tokens, IServiceScopeFactory scopes, IOptions<FlowOptions> options,
    Usage.UsageMeter usage)
{
    private static readonly MediaTypeHeaderValue s_octetStream = new("application/octet-stream");

    public async Task<StepResult> InvokeAsync(LiveDeployment deployment, FlowNode node, FlowStep step, CancellationToken cancellationToken)
    {
        var function = new FunctionId(deployment.Owner, node.Ref!);
        var (routed, failure) = await runtime.RouteAwakeAsync(function, cancellationToken);
        using var lease = routed;
        if (lease.Destination is not { } destination)
        {
            return await ExistsAsync(function, cancellationToken)
                ? new StepResult(StepOutcome.NotServing, failure is null ? $"waiting for a ready replica of {node.Ref}" : $"{node.Ref} could not start: {failure}")
                : new StepResult(StepOutcome.Refused, $"the function {node.Ref} no longer exists");
        }
        string token;
        try
        {
            token = await tokens.GetAsync(deployment.Owner, cancellationToken);
        }
        catch (OwnerTokenException e)
        {
            return new StepResult(StepOutcome.Failed, e.Message);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, destination) { Content = new ByteArrayContent(step.Input ?? []) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(step.InputType, out var type) ? type : s_octetStream;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", step.Id.ToString("N"));
        request.Headers.TryAddWithoutValidation("KK-Flow", deployment.FlowName);
        request.Headers.TryAddWithoutValidation("KK-Flow-Run", step.RunId.ToString("N"));
        request.Headers.TryAddWithoutValidation("KK-Flow-Node", step.NodeId);
        request.Headers.TryAddWithoutValidation("KK-Flow-Attempt", step.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.StepTimeout);
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var (status, answered) = (0, 0L);
        try
        {
            using var response = await http.Invoker.SendAsync(request, timeout.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var (body, tooLarge) = await Hosting.CappedRead.ReadAsync(stream, options.Value.MaxPayloadBytes, timeout.Token);
            (status, answered) = ((int)response.StatusCode, body.Length);
            if (!response.IsSuccessStatusCode)
            {
                return new StepResult(StepOutcome.Failed, $"{(int)response.StatusCode} {response.ReasonPhrase}: {Snippet(body)}".TrimEnd(' ', ':'));
            }
            if (tooLarge)
            {
                return new StepResult(StepOutcome.Refused, $"the output is larger than {options.Value.MaxPayloadBytes} bytes (Flows:MaxPayloadBytes)");
            }
            return new StepResult(StepOutcome.Succeeded, Output: body, OutputType: FlowStep.ContentType(response.Content.Headers.ContentType?.ToString()));
        }
        catch (HttpRequestException e)
        {
            return new StepResult(StepOutcome.Failed, $"the function's worker did not answer: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new StepResult(StepOutcome.Failed, $"no answer within {options.Value.StepTimeout} (Flows:StepTimeout)");
        }
        finally
        {
            usage.Invoked(function, error: status is 0 or >= 500, startedAt, step.Input?.Length ?? 0, answered);
        }
    }

    private async Task<bool> ExistsAsync(FunctionId function, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<StoreContext>().Functions
            .AnyAsync(f => f.Owner == function.User && f.Name == function.Name, cancellationToken);
    }

    /// <summary>The start of a failed answer's body, for the step's error: functions say why there.</summary>
    private static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 500)).ReplaceLineEndings(" ").Trim();
        return body.Length > 500 ? text + "…" : text;
    }
}
