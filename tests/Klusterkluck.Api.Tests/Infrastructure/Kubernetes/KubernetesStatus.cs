using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

/// <summary>The API server's error body: a v1 Status with its reason, code and details.</summary>
public static class KubernetesStatus
{
    public static IResult Failure(int code, string reason, string message, Resource? resource = null, string? name = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (resource is not null)
        {
            status["details"] = new JsonObject
            {
                ["name"] = name,
                ["group"] = resource.GroupVersion.Contains('/') ? resource.GroupVersion[..resource.GroupVersion.IndexOf('/')] : "",
                ["kind"] = resource.Plural,
            };
        }
        return Results.Text(status.ToJsonString(), "application/json", statusCode: code);
    }

    public static IResult NotFound(Resource resource, string name) =>
        Failure(404, "NotFound", $"{resource.QualifiedName} \"{name}\" not found", resource, name);

    public static IResult AlreadyExists(Resource resource, string name) =>
        Failure(409, "AlreadyExists", $"{resource.QualifiedName} \"{name}\" already exists", resource, name);

    public static IResult Conflict(Resource resource, string name) =>
        Failure(409, "Conflict",
            $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            resource, name);

    public static IResult Invalid(Resource resource, string name, string cause) =>
        Failure(422, "Invalid", $"{resource.Kind} \"{name}\" is invalid: {cause}", resource, name);

    public static IResult Success() => Results.Text(
        new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" }.ToJsonString(),
        "application/json");
}
