namespace Klusterkluck.WebConsole.Components.Editor;

/// <summary>One file as the user left it: changed or added with its new text, or deleted.</summary>
internal sealed record FileEdit(string Action, string? Content);
