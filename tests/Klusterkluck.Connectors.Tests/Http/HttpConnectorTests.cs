using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Klusterkluck.Connectors.Tests.Http;

public class HttpConnectorTests
{
    [Fact]
    public async Task ForwardsEachBodyWithItsContentTypeAndAnswers202()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var http = await HttpConnectorProcess.StartAsync(receiver);
        var client = http.Client;

        using var json = await client.PostAsync("/orders?region=eu", new StringContent("""{"id":1}""", Encoding.UTF8, "application/json"));
        using var text = await client.PutAsync("/notes", new StringContent("hello", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, json.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, text.StatusCode);
        var accepted = await json.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        var received = await receiver.WaitForAsync(2);
        var order = received.Single(r => r.Body == """{"id":1}""");
        Assert.Equal("application/json; charset=utf-8", order.ContentType);
        Assert.Equal(accepted!["deliveryId"], order.Header("Idempotency-Key"));
        Assert.Equal("http", order.Header("KK-Connector"));
        Assert.Equal("/orders?region=eu", order.Header("KK-Http-Path"));
        Assert.Equal("text/plain; charset=utf-8", received.Single(r => r.Body == "hello").ContentType);
        Assert.Equal(HttpStatusCode.OK, (await http.Host.Client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task OnPortZeroItTakesAFreePortAndSaysWhichOnStdout()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await ConnectorHost.StartAsync(ConnectorHost.Environment("http", receiver.Url(), [("KK_HTTP_URLS", "http://127.0.0.1:0")]));
        const string listening = "klusterkluck-connector listening on ";

        Assert.True(await host.WaitForOutputAsync(listening), host.Output);

        var line = host.Output.Split('\n').Single(l => l.StartsWith(listening, StringComparison.Ordinal));
        var address = new Uri(line[listening.Length..].Trim());
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        Assert.NotEqual(host.Port, address.Port);
        using var client = new HttpClient();
        using var response = await client.PostAsync(address, new StringContent("found"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("found", (await receiver.WaitForAsync(1)).Single().Body);
    }

    [Fact]
    public async Task BodyOverTheLimitIsRefusedWith413()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var http = await HttpConnectorProcess.StartAsync(receiver, ("KK_HTTP_MAX_BODY", "16"));
        var client = http.Client;

        using var response = await client.PostAsync("/", new StringContent(new string('x', 17)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.StartsWith("HTTP/1.1 413", await RawPostAsync(http.Port, "Content-Length: 99999999999"));
        await Task.Delay(300);
        Assert.Equal(0, receiver.Attempts);
    }

    [Fact]
    public async Task TokenIsRequiredWhenOneIsSet()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var http = await HttpConnectorProcess.StartAsync(receiver, ("KK_HTTP_TOKEN", "s3cret-hook"));
        var client = http.Client;

        using var anonymous = await client.PostAsync("/", new StringContent("no"));
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("no") };
        wrong.Headers.Authorization = new("Bearer", "s3cret-hoo");
        using var refused = await client.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("yes") };
        right.Headers.Authorization = new("Bearer", "s3cret-hook");
        using var accepted = await client.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("yes", (await receiver.WaitForAsync(1)).Single().Body);
        await Task.Delay(200);
        Assert.Single(receiver.Accepted);
    }

    /// <summary>A request HttpClient would not send: headers as given, a body shorter than they claim.</summary>
    private static async Task<string> RawPostAsync(int port, string header)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: localhost\r\n{header}\r\n\r\nabc"));
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task AnUnconfirmedPayloadGets503AndStillArrivesWhileAFullBufferTakesNothing()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.FailWith = 503;
        await using var http = await HttpConnectorProcess.StartAsync(receiver, ("KK_DELIVERY_BUFFER", "2"), ("KK_HTTP_ACCEPT_TIMEOUT", "1s"));
        var client = http.Client;

        using var first = await client.PostAsync("/", new StringContent("one"));
        using var second = await client.PostAsync("/", new StringContent("two"));
        using var third = await client.PostAsync("/", new StringContent("three"));

        foreach (var unconfirmed in new[] { first, second, third })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unconfirmed.StatusCode);
            Assert.Equal("application/problem+json", unconfirmed.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(unconfirmed.Headers.RetryAfter);
        }
        Assert.Contains("may still arrive", await first.Content.ReadAsStringAsync());
        Assert.Contains("nothing was taken", await third.Content.ReadAsStringAsync());
        receiver.FailWith = 0;
        var received = await receiver.WaitForAsync(2);
        Assert.Equal(["one", "two"], received.Select(r => r.Body).Order());
        using var fourth = await client.PostAsync("/", new StringContent("four"));
        Assert.Equal(HttpStatusCode.Accepted, fourth.StatusCode);
        await Task.Delay(300);
        Assert.Equal(["four", "one", "two"], receiver.Accepted.Select(r => r.Body).Order());
    }

    [Fact]
    public async Task A202CarriesTheTargetsRunAndTheCallersKeyIsTheDeliveryId()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var http = await HttpConnectorProcess.StartAsync(receiver);

        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("keyed") };
        keyed.Headers.Add("Idempotency-Key", "order-17");
        using var answer = await http.Client.SendAsync(keyed);
        using var again = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("keyed") };
        again.Headers.Add("Idempotency-Key", "order-17");
        using var retried = await http.Client.SendAsync(again);

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var accepted = await answer.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Equal("order-17", accepted!["deliveryId"]);
        Assert.Equal(Receiver.RunIdFor("order-17"), accepted["runId"]);
        // By the time of the 202 the target has it: no waiting.
        Assert.Contains(receiver.Accepted, r => r.Header("Idempotency-Key") == "order-17");
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(Receiver.RunIdFor("order-17"), (await retried.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["runId"]);
    }

    [Fact]
    public async Task AnIdempotencyKeyLongerThan200CharactersIsRefused()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var http = await HttpConnectorProcess.StartAsync(receiver);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("x") };
        request.Headers.Add("Idempotency-Key", new string('k', 201));
        using var response = await http.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync());
        await Task.Delay(200);
        Assert.Equal(0, receiver.Attempts);
    }

    [Fact]
    public async Task TheTargetsRefusalIsPassedOnWithItsStatusAndReason()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.FailWith = 413;
        await using var http = await HttpConnectorProcess.StartAsync(receiver);

        using var response = await http.Client.PostAsync("/", new StringContent("too much for the target"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("refused on purpose with 413", problem);
        Assert.Contains("deliveryId", problem);
        Assert.Equal(1, receiver.Attempts);
    }
}
