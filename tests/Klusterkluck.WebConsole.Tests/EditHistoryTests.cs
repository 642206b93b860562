using Klusterkluck.WebConsole.Components.Flows;

namespace Klusterkluck.WebConsole.Tests;

/// <summary>The flow editor's undo and redo: back and forth through every state, bounded, and a new change forgets the redo.</summary>
public sealed class EditHistoryTests
{
    [Fact]
    public void UndoAndRedoWalkBackAndForthAndANewChangeForgetsTheRedo()
    {
        var history = new EditHistory();
        history.Record("a");
        history.Record("b");

        Assert.True(history.TryUndo("c", out var back));
        Assert.Equal("b", back);
        Assert.True(history.TryUndo(back, out back));
        Assert.Equal("a", back);
        Assert.False(history.TryUndo(back, out _));
        Assert.True(history.TryRedo(back, out var forward));
        Assert.Equal("b", forward);

        history.Record(forward);
        Assert.False(history.CanRedo);
        Assert.True(history.TryUndo("d", out back));
        Assert.Equal("b", back);
    }

    [Fact]
    public void TheOldestStatesAreForgottenPastTheCapacity()
    {
        var history = new EditHistory();
        for (var i = 0; i < EditHistory.Capacity + 5; i++)
        {
            history.Record($"s{i}");
        }
        var current = "now";
        var undone = 0;
        while (history.TryUndo(current, out current))
        {
            undone++;
        }
        Assert.Equal(EditHistory.Capacity, undone);
        Assert.Equal("s5", current);
    }
}
