using System.ComponentModel.DataAnnotations;

namespace Klusterkluck.Api.Flows;

/// <summary>Flow names and node ids are DNS-1123 labels: URL segments, and parts of Kubernetes object names.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class FlowNameAttribute() : ValidationAttribute(Rule)
{
    public static readonly string Rule = DnsLabel.Rule(Flow.MaxNameLength);

    public static bool IsValidName(string? name) => DnsLabel.IsValid(name, Flow.MaxNameLength);

    /// <summary>Node ids may also be one letter or digit: they are only ever parts of names.</summary>
    public static bool IsValidNodeId(string? id) => id is { Length: 1 } && char.IsAsciiLetterLower(id[0]) | char.IsAsciiDigit(id[0]) || IsValidName(id);

    public const string NodeIdRule = "must be 1 to 40 lowercase letters, digits or '-', starting and ending with a letter or digit";

    public override bool IsValid(object? value) => value is null || IsValidName(value as string);
}
