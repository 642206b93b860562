using System.Text.Json;
using Klusterkluck.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Klusterkluck.Cli.Terminal;

/// <summary>
/// Where kk writes: results on standard output (a table, or JSON/YAML with <c>-o</c>), progress and
/// errors on standard error. Colour and animation only on a terminal, and never with NO_COLOR set.
/// </summary>
public sealed class Output
{
    private static readonly JsonSerializerOptions s_indented = new(PlatformClient.Json) { WriteIndented = true };

    public Output(TextWriter stdout, TextWriter stderr, OutputFormat format, bool interactive, bool color)
    {
        Format = format;
        Interactive = interactive;
        Out = Create(stdout, interactive, color);
        Error = Create(stderr, interactive, color);
    }

    public IAnsiConsole Out { get; }

    public IAnsiConsole Error { get; }

    public OutputFormat Format { get; }

    /// <summary>A person at a terminal: spinners, prompts and colour are for them only.</summary>
    public bool Interactive { get; }

    public bool ForPeople => Format == OutputFormat.Table;

    /// <summary>Writes <paramref name="value"/> in the -o format, or calls <paramref name="forPeople"/> for the table view.</summary>
    public void Write<T>(T value, Action<T> forPeople)
    {
        switch (Format)
        {
            case OutputFormat.Json:
                Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, s_indented));
                break;
            case OutputFormat.Yaml:
                Out.Profile.Out.Writer.Write(YamlText.FromJson(JsonSerializer.SerializeToElement(value, PlatformClient.Json)));
                break;
            default:
                forPeople(value);
                break;
        }
    }

    /// <summary>A line for people on standard output (nothing in -o json/yaml, which print the result instead).</summary>
    public void Line(string markup)
    {
        if (ForPeople)
        {
            Out.MarkupLine(markup);
        }
    }

    /// <summary>Progress and notes: standard error, so standard output stays the result.</summary>
    public void Note(string markup) => Error.MarkupLine(markup);

    public void Render(IRenderable renderable) => Out.Write(renderable);

    /// <summary>
    /// Runs <paramref name="follow"/>, which reports each change as a line (markup): a spinner with
    /// the latest line on a terminal, else one note per line.
    /// </summary>
    public Task<T> FollowAsync<T>(string title, Func<Action<string>, Task<T>> follow) => Interactive
        ? Error.Status().Spinner(Spinner.Known.Dots).StartAsync(title, context => follow(line => context.Status(line)))
        : follow(Note);

    /// <summary>Writes out what a <see cref="LineTrimmer"/> still holds of an unfinished line.</summary>
    public void Flush()
    {
        Out.Profile.Out.Writer.Flush();
        Error.Profile.Out.Writer.Flush();
    }

    /// <summary>A borderless table with capitalised headings, as kubectl and faas-cli print them.</summary>
    public static Table Table(params string[] headings)
    {
        var table = new Table().Border(TableBorder.None);
        foreach (var heading in headings)
        {
            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(heading.ToUpperInvariant())}[/]").PadLeft(0).PadRight(2));
        }
        return table;
    }

    private static IAnsiConsole Create(TextWriter writer, bool terminal, bool color)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = terminal && color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(terminal ? writer : new LineTrimmer(writer)),
        });
        if (!terminal)
        {
            // Not a terminal: lines are not cut to a screen's width (a pipe or a file has none).
            console.Profile.Width = 4096;
        }
        return console;
    }
}
