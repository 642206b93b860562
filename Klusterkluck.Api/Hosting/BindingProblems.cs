using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Klusterkluck.Api.Hosting;

/// <summary>
/// A request whose body, route, query or header values do not bind to an endpoint's parameters
/// (<c>{"public": "yes"}</c>, <c>?lines=abc</c>, a body that is not JSON) answers a validation
/// problem keyed by the field, as the endpoints' own validation does: the JSON path without its
/// <c>$.</c> (<c>public</c>, <c>nodes[0].config</c>), the parameter's name (<c>lines</c>), or
/// <c>body</c> for the body as a whole. The sentence is ours: the framework's messages name .NET
/// types (<c>System.Boolean</c>, <c>Nullable&lt;int&gt;</c>) that mean nothing to a client.
/// Other statuses (413 too large, 415 not JSON) keep theirs with a plain problem.
/// </summary>
internal sealed partial class BindingProblems(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>Where the whole body is the problem: not JSON, none at all, or the wrong shape.</summary>
    public const string Body = "body";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        context.Response.StatusCode = bad.StatusCode;
        ProblemDetails problem = bad.StatusCode == StatusCodes.Status400BadRequest
            ? new HttpValidationProblemDetails(Errors(bad, Handler(context))) { Status = bad.StatusCode, Title = "The request is not valid" }
            : new ProblemDetails { Status = bad.StatusCode };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>The handler of the endpoint that threw: the middleware has cleared the context's endpoint by now, and keeps it in its feature.</summary>
    private static MethodInfo? Handler(HttpContext context) =>
        context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<MethodInfo>();

    /// <param name="handler">The endpoint's handler: the body's type, to tell what a JSON path should have held.</param>
    internal static Dictionary<string, string[]> Errors(BadHttpRequestException bad, MethodInfo? handler)
    {
        if (bad.InnerException is JsonException json)
        {
            var parameter = ReadFailed().Match(bad.Message) is { Success: true } read
                ? handler?.GetParameters().FirstOrDefault(p => p.Name == read.Groups["name"].Value)
                : null;
            return Json(json, parameter?.ParameterType);
        }
        if (BindFailed().Match(bad.Message) is { Success: true } failed)
        {
            var value = failed.Groups["value"].Value;
            return One(failed.Groups["name"].Value, $"'{Clip(value)}' is not {Kind(failed.Groups["type"].Value) ?? "a valid value"}.");
        }
        if (NotProvided().Match(bad.Message) is { Success: true } missing)
        {
            return missing.Groups["source"].Value == "body"
                ? One(Body, "The request has no body; a JSON value is expected.")
                : One(missing.Groups["name"].Value, "A value is required.");
        }
        if (bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal))
        {
            return One(Body, "The request has no body; a JSON value is expected.");
        }
        return One(Body, "The request cannot be read.");
    }

    private static Dictionary<string, string[]> Json(JsonException json, Type? body)
    {
        // The reader's own exception inside: the text is not JSON (or ends early, or nests too deep).
        if (json.InnerException is JsonException)
        {
            var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : "";
            return One(Body, $"The body is not valid JSON{where}.");
        }
        var path = json.Path is { Length: > 1 } given && given.StartsWith('$') ? given[1..] : "";
        var field = path.TrimStart('.') is { Length: > 0 } named ? named : Body;
        // The exception's message names the object holding the value, not the value's type: the
        // type comes from the body's type, followed along the path.
        var kind = body is null ? null : TypeAt(body, path) is { } type ? Kind(type) : null;
        return kind is null
            ? One(field, field == Body ? "The body is not valid here." : "The value is not valid here.")
            : One(field, field == Body ? $"The body is not {kind}." : $"The value is not {kind}.");
    }

    /// <summary>The type a JSON path (<c>.nodes[0].config</c>) leads to from <paramref name="type"/>, as System.Text.Json binds it.</summary>
    private static Type? TypeAt(Type type, string path)
    {
        foreach (Match segment in PathSegment().Matches(path))
        {
            if (segment.Groups["property"].Success || segment.Groups["quoted"].Success)
            {
                var name = segment.Groups["property"].Success ? segment.Groups["property"].Value : segment.Groups["quoted"].Value;
                if (Dictionary(type) is { } values)
                {
                    type = values;
                    continue;
                }
                if (type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not { } property)
                {
                    return null;
                }
                type = property.PropertyType;
            }
            else if (Element(type) is { } element)
            {
                type = element;
            }
            else
            {
                return null;
            }
        }
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static Type? Dictionary(Type type) => Interfaces(type)
        .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))?.GetGenericArguments()[1];

    private static Type? Element(Type type) => type == typeof(string) ? null : type.IsArray ? type.GetElementType()
        : Interfaces(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static IEnumerable<Type> Interfaces(Type type) => type.IsInterface ? type.GetInterfaces().Prepend(type) : type.GetInterfaces();

    /// <summary>What a .NET type is, as a client would say it.</summary>
    private static string Kind(Type type) => Type.GetTypeCode(type) switch
    {
        _ when type.IsEnum => "one of the allowed values",
        TypeCode.Boolean => "a boolean",
        TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64
            or TypeCode.UInt64 => "a whole number",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
        TypeCode.String or TypeCode.Char => "a string",
        TypeCode.DateTime => "a date and time",
        _ when type == typeof(Guid) => "a GUID",
        _ when type == typeof(DateTimeOffset) => "a date and time",
        _ when Dictionary(type) is not null => "an object",
        _ when Element(type) is not null => "an array",
        _ => "an object",
    };

    /// <summary>What a parameter's type, as the framework names it (<c>int?</c>, <c>Nullable&lt;Guid&gt;</c>), is to a client; null when it cannot be told.</summary>
    private static string? Kind(string type)
    {
        var name = NullableName().Match(type) is { Success: true } inner ? inner.Groups["type"].Value : type.TrimEnd('?');
        if (name.EndsWith("[]", StringComparison.Ordinal))
        {
            return "an array";
        }
        var generic = name.IndexOfAny(['`', '<', '[']);
        var simple = (generic < 0 ? name : name[..generic]).Split('.')[^1];
        return simple switch
        {
            "Boolean" or "bool" => "a boolean",
            "Byte" or "byte" or "SByte" or "sbyte" or "Int16" or "short" or "UInt16" or "ushort" or "Int32" or "int" or "UInt32" or "uint"
                or "Int64" or "long" or "UInt64" or "ulong" => "a whole number",
            "Single" or "float" or "Double" or "double" or "Decimal" or "decimal" => "a number",
            "String" or "string" or "Char" or "char" => "a string",
            "Guid" => "a GUID",
            "DateTime" or "DateTimeOffset" => "a date and time",
            "DateOnly" => "a date",
            "TimeSpan" or "TimeOnly" => "a time",
            _ when simple.Contains("Dictionary", StringComparison.Ordinal) => "an object",
            _ when simple.Contains("List", StringComparison.Ordinal) || simple.Contains("Enumerable", StringComparison.Ordinal)
                || simple.Contains("Collection", StringComparison.Ordinal) => "an array",
            _ => null,
        };
    }

    private static string Clip(string value) => value.Length > 100 ? value[..99] + "…" : value;

    private static Dictionary<string, string[]> One(string field, string error) => new() { [field] = [error] };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailed();

    [GeneratedRegex("""^Required parameter "(?<type>.+) (?<name>[^ "]+)" was not provided from (?<source>.+)\.$""", RegexOptions.Singleline)]
    private static partial Regex NotProvided();

    [GeneratedRegex("""^Failed to read parameter "(?<type>.+) (?<name>[^ "]+)" from the request body""")]
    private static partial Regex ReadFailed();

    /// <summary>A step of a JSON path: <c>.name</c>, <c>['odd name']</c> or <c>[3]</c>.</summary>
    [GeneratedRegex("""\.(?<property>[^.\[]+)|\['(?<quoted>(?:[^']|\\')*)'\]|\[(?<index>\d+)\]""")]
    private static partial Regex PathSegment();

    [GeneratedRegex("""^(System\.Nullable`1\[(?<type>.+)\]|Nullable<(?<type>.+)>)$""")]
    private static partial Regex NullableName();
}
