namespace Klusterkluck.WebConsole.Components.Flows;

/// <summary>
/// The editor's undo and redo: each state the flow was in (as its JSON), the oldest forgotten past
/// <see cref="Capacity"/> steps back. A new change forgets what could have been redone.
/// </summary>
public sealed class EditHistory
{
    public const int Capacity = 200;

    private readonly LinkedList<string> _undo = new();
    private readonly Stack<string> _redo = new();

    public bool CanUndo => _undo.Count > 0;

    public bool CanRedo => _redo.Count > 0;

    /// <summary>The flow changed; <paramref name="previous"/> is what it was before.</summary>
    public void Record(string previous)
    {
        _undo.AddLast(previous);
        if (_undo.Count > Capacity)
        {
            _undo.RemoveFirst();
        }
        _redo.Clear();
    }

    /// <summary>The state before <paramref name="current"/>, which redo gives back.</summary>
    public bool TryUndo(string current, out string previous)
    {
        if (_undo.Last is not { } last)
        {
            previous = current;
            return false;
        }
        _undo.RemoveLast();
        _redo.Push(current);
        previous = last.Value;
        return true;
    }

    /// <summary>The state <paramref name="current"/> was undone from, which undo gives back.</summary>
    public bool TryRedo(string current, out string next)
    {
        if (!_redo.TryPop(out next!))
        {
            next = current;
            return false;
        }
        _undo.AddLast(current);
        return true;
    }
}
