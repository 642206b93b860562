namespace Klusterkluck.WebConsole.Components.Flows;

/// <summary>Something the palette offers to put on the canvas: a connector of the catalog, one of the user's functions, an if or a join.</summary>
public sealed record PaletteItem(string Kind, string? Ref, string Title, string Description)
{
    /// <summary>The new node's id before numbering: the connector's or function's name, or the kind.</summary>
    public string Stem => Ref ?? Kind;
}
