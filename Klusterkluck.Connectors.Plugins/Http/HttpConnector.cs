using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Klusterkluck.Connectors.Http;

/// <summary>
/// Listens for HTTP requests and turns each POST or PUT body, with its content type, into a
/// payload. It answers 202 only once the target has taken the payload (the platform has it
/// durably), so a caller that saw 202 never loses its event to a crash of this process; a refusal
/// by the target is passed on with its status. While the buffer is full the request waits
/// (back-pressure reaches the caller); if room and delivery take longer than
/// <c>KK_HTTP_ACCEPT_TIMEOUT</c>, it gets 503 with Retry-After and retries with the same
/// <c>Idempotency-Key</c>, which is the delivery's id, so the target sees the event once.
/// </summary>
public sealed class HttpConnector : IConnector
{
    public const string Urls = "KK_HTTP_URLS";
    public const string MaxBody = "KK_HTTP_MAX_BODY";
    public const string AcceptTimeout = "KK_HTTP_ACCEPT_TIMEOUT";
    public const string Token = "KK_HTTP_TOKEN";

    /// <summary>The request's path and query, forwarded so one connector can serve several routes.</summary>
    public const string PathHeader = "KK-Http-Path";

    public string Name => "http";

    public string Description => "Listens for HTTP POST and PUT requests and forwards each body, with its content type; answers 202 only once the target has the payload (an Idempotency-Key from the caller is its delivery id), 503 with Retry-After when it could not confirm that in time";

    public IReadOnlyList<ConnectorVariable> Variables { get; } =
    [
        new(Urls, "Where to listen, as ASPNETCORE_URLS (separate from the host's health port); port 0 takes a free one, and each address bound is printed") { Default = "http://0.0.0.0:8081", Listen = true },
        new(MaxBody, "Largest request body accepted, in bytes; larger ones get 413") { Default = "1048576", Format = VariableFormat.PositiveInteger, MaxPayload = true },
        new(AcceptTimeout, "How long a request waits for room in the buffer and for the target to take its payload before it gets 503 (retry with the same Idempotency-Key)") { Default = "10s", Format = VariableFormat.Duration },
        new(Token, "When set, every request needs 'Authorization: Bearer <token>' (else 401); unset, anyone who reaches the port can send") { Secret = true },
    ];

    public async Task RunAsync(ConnectorContext context, CancellationToken stoppingToken)
    {
        var settings = context.Settings;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(context.LoggerFactory);
        builder.WebHost.UseUrls(settings.Get(Urls)!);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.GetInteger(MaxBody));
        await using var app = builder.Build();

        var receiver = new HttpReceiver(context.Sink, settings.GetDuration(AcceptTimeout)!.Value, settings.Get(Token), stoppingToken);
        // As a Delegate, not a RequestDelegate, so that the returned IResult is written.
        Delegate receive = receiver.ReceiveAsync;
        app.MapMethods("/{**path}", [HttpMethods.Post, HttpMethods.Put], receive);

        await app.StartAsync(stoppingToken);
        // The bound addresses, real ports in place of 0: whoever started the connector (the
        // Api's local runtime) learns from these lines where to send, without a pick-then-bind race.
        foreach (var address in app.Urls)
        {
            await Console.Out.WriteLineAsync(ConnectorLines.Listening + address);
        }
        await Console.Out.FlushAsync(stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        finally
        {
            // Requests already waiting for room get their answer before the listener goes.
            await app.StopAsync(CancellationToken.None);
        }
    }
}
