using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Klusterkluck.Cli.Terminal;
using Klusterkluck.Client;

namespace Klusterkluck.Cli.Functions;

/// <summary>
/// kk fn invoke: a real call of the function at its own URL (the gateway, as any client calls it)
/// with your token. The body goes to standard output byte for byte; -i puts the status and headers
/// first; -o json gives all three as JSON. A status of 400 or more exits 1.
/// </summary>
public static class InvokeCommand
{
    public static Command Build()
    {
        var name = FunctionCommands.NameArgument();
        var data = new Option<string?>("--data", "-d") { Description = "The body, as text" };
        var file = new Option<string?>("--file", "-f") { Description = "The body, from a file" };
        var method = new Option<string?>("--request", "-X") { Description = "The method (default: POST with a body, else GET)", HelpName = "method" };
        var path = new Option<string>("--path") { Description = "The path and query the function sees (default /)", DefaultValueFactory = _ => "/" };
        var headers = new Option<string[]>("--header", "-H") { Description = "A header, as Name: value (repeatable)", HelpName = "name:value" };
        var include = new Option<bool>("--include", "-i") { Description = "Print the status and headers before the body" };
        var command = KkCommand.Command("invoke", """
            Call a function at its URL with your token and print its answer. The body is -d, -f, or standard input when it is piped;
            a body that is JSON is sent as application/json unless -H Content-Type says otherwise.

            Examples:
              kk fn invoke hello --path '/?name=you'
              kk fn invoke shout -d 'exec'
              echo '{"n": 42}' | kk fn invoke padded -i
            """, async (parse, kk, cancellationToken) =>
        {
            var function = kk.Ok(await kk.Platform.FunctionAsync(parse.GetValue(name)!, cancellationToken));
            var body = await BodyAsync(parse.GetValue(data), parse.GetValue(file), cancellationToken);
            var target = parse.GetValue(path)!;
            var url = new Uri(function.Url.TrimEnd('/') + (target.StartsWith('/') ? target : "/" + target));
            var verb = new HttpMethod((parse.GetValue(method) ?? (body is null ? "GET" : "POST")).ToUpperInvariant());
            var content = body is null ? null : new ByteArrayContent(body);
            var extra = new List<KeyValuePair<string, string>>();
            foreach (var header in parse.GetValue(headers) ?? [])
            {
                var colon = header.IndexOf(':');
                if (colon <= 0)
                {
                    throw CliException.Usage($"-H '{header}' is not Name: value.");
                }
                var (key, value) = (header[..colon].Trim(), header[(colon + 1)..].Trim());
                if (key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && content is not null)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", value);
                }
                else
                {
                    extra.Add(KeyValuePair.Create(key, value));
                }
            }
            if (content is not null && content.Headers.ContentType is null)
            {
                content.Headers.ContentType = new MediaTypeHeaderValue(JsonBody.Is(body!) ? "application/json" : "text/plain") { CharSet = "utf-8" };
            }
            using var response = kk.Ok(await kk.Platform.CallAsync(verb, url, content, extra, cancellationToken));
            var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (status >= 400 && response.Content.Headers.ContentType?.MediaType == "application/problem+json" && !parse.GetValue(include)
                && kk.Output.ForPeople)
            {
                // The platform's own refusal (no such function, not serving): its words, not a JSON dump.
                throw kk.Fail(await ReadProblemAsync(response, answer, cancellationToken));
            }
            await WriteAsync(kk, response, answer, parse.GetValue(include));
            return status >= 400 ? ExitCodes.Refused : ExitCodes.Success;
        });
        command.Arguments.Add(name);
        foreach (var option in new Option[] { data, file, method, path, headers, include })
        {
            command.Options.Add(option);
        }
        return command;
    }

    private static async Task<byte[]?> BodyAsync(string? data, string? file, CancellationToken cancellationToken)
    {
        if (data is not null && file is not null)
        {
            throw CliException.Usage("Give the body with -d or with -f, not both.");
        }
        if (data is not null)
        {
            return Encoding.UTF8.GetBytes(data);
        }
        if (file is not null)
        {
            return File.Exists(file) ? await File.ReadAllBytesAsync(file, cancellationToken) : throw CliException.Usage($"There is no file '{file}'.");
        }
        if (!Console.IsInputRedirected)
        {
            return null;
        }
        using var input = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer, cancellationToken);
        return buffer.Length == 0 ? null : buffer.ToArray();
    }

    private static async Task WriteAsync(CliContext kk, HttpResponseMessage response, byte[] answer, bool include)
    {
        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));
        if (!kk.Output.ForPeople)
        {
            var text = IsText(response) ? TryUtf8(answer) : null;
            kk.Output.Write(new InvokeResult((int)response.StatusCode, headers, text ?? Convert.ToBase64String(answer), text is null ? "base64" : "text", false),
                _ => { });
            return;
        }
        await using var stdout = Console.OpenStandardOutput();
        if (include)
        {
            var head = new StringBuilder($"HTTP/{response.Version} {(int)response.StatusCode} {response.ReasonPhrase}\n");
            foreach (var (header, value) in headers)
            {
                head.Append(header).Append(": ").Append(value).Append('\n');
            }
            await stdout.WriteAsync(Encoding.UTF8.GetBytes(head.Append('\n').ToString()));
        }
        await stdout.WriteAsync(answer);
        await stdout.FlushAsync();
    }

    private static bool IsText(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType is not { } type
        || type.StartsWith("text/", StringComparison.Ordinal) || type.Contains("json", StringComparison.Ordinal) || type.Contains("xml", StringComparison.Ordinal);

    private static string? TryUtf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, byte[] answer, CancellationToken cancellationToken)
    {
        using var copy = new HttpResponseMessage(response.StatusCode) { ReasonPhrase = response.ReasonPhrase, Content = new ByteArrayContent(answer) };
        copy.Content.Headers.ContentType = response.Content.Headers.ContentType;
        return await ProblemReader.ReadAsync(copy, cancellationToken);
    }
}
