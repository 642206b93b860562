using System.Text.Json;
using Blazor.Diagrams.Core.Behaviors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Klusterkluck.Client;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace Klusterkluck.WebConsole.Components.Flows;

/// <summary>
/// The editor's state: the drawing is the flow being edited; after every gesture it is read back
/// as a definition (<see cref="FlowDrawing.Snapshot"/>), which is what undo and redo step
/// through, what the JSON view shows, and what is validated (a moment after the last change) and saved.
/// </summary>
public sealed partial class FlowEditor
{
    // Relaxed escaping: the JSON view shows "$.total > 100", not "\u003E"; Blazor encodes the text it renders anyway.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Inject] private PlatformClient Platform { get; set; } = null!;

    [Inject] private IJSRuntime Js { get; set; } = null!;

    /// <summary>The saved flow; null for a new one, which the first save creates.</summary>
    [Parameter] public FlowInfo? Flow { get; set; }

    /// <summary>After a save: the flow as the API answered it.</summary>
    [Parameter] public EventCallback<FlowInfo> OnSaved { get; set; }

    /// <summary>After a deploy: the flow with its deployment and connectors.</summary>
    [Parameter] public EventCallback<FlowInfo> OnDeployed { get; set; }

    private readonly FlowDrawing _drawing = new();
    private readonly EditHistory _history = new();
    private readonly CancellationTokenSource _stop = new();
    private string _current = "";

    /// <summary>The saved version the edits apply to (sent as If-Match): a save over someone else's is refused, not silent.</summary>
    private string? _version;
    private string _saved = "";
    private string? _name;
    private string? _json;
    private string? _jsonError;
    private string? _notice;
    private bool _busy;
    private bool _loading;
    private bool _commitQueued;
    private int _validation;
    private bool? _valid;
    private ApiProblem? _saveProblem;
    private PaletteItem? _dragging;
    private FlowNodeModel? _selectedNode;
    private LinkModel? _selectedLink;
    private List<ConnectorInfo> _catalog = [];
    private List<PaletteItem> _connectors = [];
    private List<PaletteItem> _functions = [];
    private List<string> _functionNames = [];

    private bool Dirty => _current != _saved;

    private int ProblemCount => _drawing.Nodes.Sum(n => n.Problems.Count) + _drawing.FlowProblems.Count;

    private string ValidityText => _valid switch
    {
        null => "Checking…",
        true => Dirty ? "Valid · not saved" : "Valid · saved",
        false => $"{ProblemCount} problem{(ProblemCount == 1 ? "" : "s")}",
    };

    protected override async Task OnInitializedAsync()
    {
        var diagram = _drawing.Diagram;
        diagram.Links.Added += link => link.TargetAttached += Attached;
        diagram.Links.Removed += _ => Changed();
        diagram.Nodes.Added += node => node.Moved += _ => Changed();
        diagram.Nodes.Removed += _ => Changed();
        diagram.SelectionChanged += Selected;
        var shortcuts = diagram.GetBehavior<KeyboardShortcutsBehavior>()!;
        shortcuts.SetShortcut("z", ctrl: true, shift: false, alt: false, d => { _ = InvokeAsync(Undo); return ValueTask.CompletedTask; });
        shortcuts.SetShortcut("y", ctrl: true, shift: false, alt: false, d => { _ = InvokeAsync(Redo); return ValueTask.CompletedTask; });

        var definition = Flow?.Definition ?? new FlowDefinitionInfo([], [], null);
        _version = Flow?.Version;
        Load(definition);
        // A flow written without a layout is drawn by layers; that picture is kept once the user saves.
        _saved = _current = Serialize(_drawing.Snapshot());

        var catalog = Platform.ConnectorsAsync(_stop.Token);
        var functions = Platform.FunctionsAsync(_stop.Token);
        if ((await catalog).Value is { } connectors)
        {
            _catalog = connectors;
            _connectors = [.. connectors.Select(c => new PaletteItem("connector", c.Name, c.Name, c.Description))];
        }
        if ((await functions).Value is { } owned)
        {
            _functionNames = [.. owned.Select(f => f.Name).Order(StringComparer.Ordinal)];
            _functions = [.. _functionNames.Select(f => new PaletteItem("function", f, f, $"Your function {f}"))];
        }
        _saveProblem = (await catalog).Problem ?? (await functions).Problem;
        if (Flow is not null)
        {
            await ValidateAsync(_current, _validation);
        }
        else
        {
            _valid = false;
        }
    }

    private void Load(FlowDefinitionInfo definition)
    {
        _loading = true;
        try
        {
            _drawing.Load(definition);
        }
        finally
        {
            _loading = false;
        }
        (_selectedNode, _selectedLink) = (null, null);
    }

    /// <summary>
    /// Something on the canvas changed. Read back once the gesture is over: deleting a node also
    /// removes its edges, and each removal says so; one gesture is one step of undo.
    /// </summary>
    private void Changed()
    {
        if (_loading || _commitQueued)
        {
            return;
        }
        _commitQueued = true;
        _ = InvokeAsync(async () =>
        {
            await Task.Yield();
            _commitQueued = false;
            Commit();
        });
    }

    private void Commit()
    {
        var snapshot = Serialize(_drawing.Snapshot());
        if (snapshot == _current)
        {
            return;
        }
        _history.Record(_current);
        _current = snapshot;
        _notice = null;
        ScheduleValidation();
        StateHasChanged();
    }

    private void Undo()
    {
        if (_history.TryUndo(_current, out var state))
        {
            Show(state);
        }
    }

    private void Redo()
    {
        if (_history.TryRedo(_current, out var state))
        {
            Show(state);
        }
    }

    /// <summary>Draws a state undo or redo went to.</summary>
    private void Show(string state)
    {
        _current = state;
        Load(Deserialize(state)!);
        if (_json is not null)
        {
            (_json, _jsonError) = (_current, null);
        }
        ScheduleValidation();
        StateHasChanged();
    }

    /// <summary>An edge drawn to a port: a second edge between the same two ports is dropped, as the API would refuse it.</summary>
    private void Attached(BaseLinkModel link)
    {
        if (link is LinkModel drawn && _drawing.EdgesBetween(drawn.Source.Model, drawn.Target.Model) > 1)
        {
            _drawing.Diagram.Links.Remove(drawn);
            return;
        }
        Changed();
    }

    private void Selected(SelectableModel model)
    {
        if (!model.Selected)
        {
            if (model == _selectedNode || model == _selectedLink)
            {
                (_selectedNode, _selectedLink) = (null, null);
            }
        }
        else
        {
            (_selectedNode, _selectedLink) = (model as FlowNodeModel, model as LinkModel);
        }
        _ = InvokeAsync(StateHasChanged);
    }

    private void Select(FlowNodeModel node) => _drawing.Diagram.SelectModel(node, unselectOthers: true);

    private void Pick(string? id)
    {
        if (_drawing.Nodes.FirstOrDefault(n => n.NodeId == id) is { } node)
        {
            Select(node);
        }
        else
        {
            _drawing.Diagram.UnselectAll();
        }
    }

    private Task DropAsync(DragEventArgs e)
    {
        if (_dragging is not { } item || _drawing.Diagram.Container is null)
        {
            return Task.CompletedTask;
        }
        _dragging = null;
        var point = _drawing.Diagram.GetRelativeMousePoint(e.ClientX, e.ClientY);
        Add(item, new Point(point.X - FlowLayout.NodeWidth / 2, point.Y - FlowLayout.NodeHeight / 2));
        return Task.CompletedTask;
    }

    /// <summary>Added by click or keyboard: right of the rightmost node, level with the last one added.</summary>
    private Task AddAsync(PaletteItem item)
    {
        var nodes = _drawing.Nodes.ToList();
        var place = nodes.Count == 0
            ? new Point(FlowLayout.Margin, FlowLayout.Margin)
            : new Point(nodes.Max(n => n.Position.X) + FlowLayout.NodeWidth + FlowLayout.ColumnGap, nodes[^1].Position.Y);
        Add(item, place);
        return Task.CompletedTask;
    }

    private void Add(PaletteItem item, Point place)
    {
        var node = _drawing.Add(new FlowNodeInfo(_drawing.FreeId(item.Stem), item.Kind, item.Ref, null), new Point(Math.Round(place.X), Math.Round(place.Y)));
        Select(node);
        Changed();
    }

    private void Connect((PortRole Role, string To) edge)
    {
        if (_selectedNode is { } from && _drawing.Nodes.FirstOrDefault(n => n.NodeId == edge.To) is { } to
            && _drawing.EdgesBetween(from.Port(edge.Role), to.Port(PortRole.In)) == 0)
        {
            _drawing.Connect(from, edge.Role, to);
            Changed();
        }
    }

    private void DeleteSelected()
    {
        if (_selectedNode is { } node)
        {
            _drawing.Diagram.Nodes.Remove(node);
        }
        else if (_selectedLink is { } link)
        {
            _drawing.Diagram.Links.Remove(link);
        }
        (_selectedNode, _selectedLink) = (null, null);
    }

    private void Fit() => _drawing.Diagram.ZoomToFit(FlowLayout.Margin);

    private async Task ConfirmLeavingAsync(LocationChangingContext context)
    {
        if (Dirty && !await Js.InvokeAsync<bool>("confirm", "This flow has changes that are not saved. Leave it anyway?"))
        {
            context.PreventNavigation();
        }
    }

    private void ShowJson() => (_json, _jsonError) = (_current, null);

    private void ShowCanvas()
    {
        if (_jsonError is null)
        {
            _json = null;
        }
    }

    /// <summary>The JSON view's text, once it parses, becomes the drawing: one step of undo like any gesture.</summary>
    private void ApplyJson()
    {
        FlowDefinitionInfo? parsed;
        try
        {
            parsed = Deserialize(_json ?? "");
            _jsonError = parsed is null ? "The flow is a JSON object: {\"nodes\": [...], \"edges\": [...]}." : null;
        }
        catch (JsonException e)
        {
            (parsed, _jsonError) = (null, $"Not valid JSON: {e.Message}");
        }
        if (parsed is null)
        {
            return;
        }
        Load(parsed with { Nodes = parsed.Nodes ?? [], Edges = parsed.Edges ?? [] });
        Commit();
    }

    private void ScheduleValidation()
    {
        var round = ++_validation;
        _valid = null;
        _ = Task.Run(async () =>
        {
            // A moment after the last change, so typing or dragging does not send a request per step.
            await Task.Delay(300, _stop.Token);
            await InvokeAsync(() => ValidateAsync(_current, round));
        }, _stop.Token);
    }

    private async Task ValidateAsync(string state, int round)
    {
        if (round != _validation)
        {
            return;
        }
        var result = await Platform.ValidateFlowAsync(Deserialize(state)!, _stop.Token);
        if (round != _validation)
        {
            return;
        }
        _valid = result.Ok;
        _drawing.ShowProblems(result.Problem?.Errors ?? new Dictionary<string, string[]>());
        if (result.Problem is { Errors.Count: 0 } other)
        {
            // Not a validation answer (the limits, or the Api unreachable): said as itself.
            _drawing.FlowProblems.Add(("flow", other.Detail is null ? other.Title : $"{other.Title}: {other.Detail}"));
        }
        StateHasChanged();
    }

    private async Task<FlowInfo?> SaveAsync()
    {
        _busy = true;
        _saveProblem = null;
        try
        {
            var definition = Deserialize(_current)!;
            var result = Flow is null
                ? await Platform.CreateFlowAsync(new NewFlow(_name?.Trim() ?? "", definition.Nodes, definition.Edges, definition.Layout), _stop.Token)
                : await Platform.SaveFlowAsync(Flow.Name, definition, _version, _stop.Token);
            if (result.Value is not { } saved)
            {
                _saveProblem = result.Problem;
                if (result.Problem is { } problem)
                {
                    _drawing.ShowProblems(problem.Errors);
                }
                return null;
            }
            (_saved, _version) = (_current, saved.Version);
            _notice = Flow is null ? null : "Saved.";
            await OnSaved.InvokeAsync(saved);
            return saved;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeployAsync()
    {
        if (Flow is null || (Dirty && await SaveAsync() is null))
        {
            return;
        }
        _busy = true;
        try
        {
            var result = await Platform.DeployFlowAsync(Flow.Name, _stop.Token);
            _saveProblem = result.Problem;
            if (result.Problem is { } problem)
            {
                _drawing.ShowProblems(problem.Errors);
            }
            if (result.Value is { } deployed)
            {
                // A deploy is a change of the flow too (its version moves on).
                _version = deployed.Version;
                _notice = "Deployed: its connectors are starting.";
                await OnDeployed.InvokeAsync(deployed);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private static string Serialize(FlowDefinitionInfo definition) => JsonSerializer.Serialize(definition, s_json);

    private static FlowDefinitionInfo? Deserialize(string json) => JsonSerializer.Deserialize<FlowDefinitionInfo>(json, s_json);

    // Cancelled, not disposed: a validation still winding down may read its token.
    public void Dispose() => _stop.Cancel();
}
