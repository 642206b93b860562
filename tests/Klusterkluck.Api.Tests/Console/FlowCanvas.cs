using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>The flow editor's canvas as a person drives it with a mouse: palette items dragged onto it, edges drawn from port to port.</summary>
public sealed class FlowCanvas(IPage page)
{
    public ILocator Canvas => page.Locator(".flow-canvas");

    public ILocator Node(string id) => page.Locator($".flow-node[data-node='{id}']");

    /// <summary>Drags a palette item (by kind and name: <c>connector:timer</c>, <c>function:upper</c>, <c>if:</c>) to a point of the canvas.</summary>
    public async Task DropAsync(string item, float x, float y, string expectedId)
    {
        await page.Locator($".palette-item[data-palette='{item}']").DragToAsync(Canvas, new() { TargetPosition = new() { X = x, Y = y } });
        await Expect(Node(expectedId)).ToBeVisibleAsync();
    }

    /// <summary>Presses on one node's output port, moves to another's input port in steps, and lets go there.</summary>
    public async Task ConnectAsync(string from, string to, string port = "out")
    {
        var source = await Node(from).Locator($".port-{port}").BoundingBoxAsync() ?? throw new InvalidOperationException($"no {port} port on {from}");
        var target = await Node(to).Locator(".port-in").BoundingBoxAsync() ?? throw new InvalidOperationException($"no input port on {to}");
        await page.Mouse.MoveAsync(source.X + source.Width / 2, source.Y + source.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(target.X + target.Width / 2, target.Y + target.Height / 2, new() { Steps = 12 });
        await page.Mouse.UpAsync();
        await Expect(Node(to).Locator(".port-in.has-links")).ToBeVisibleAsync();
    }

    /// <summary>Selects a node by clicking its body (not a port).</summary>
    public async Task SelectAsync(string id)
    {
        await Node(id).Locator(".flow-node-id").ClickAsync();
        await Expect(page.Locator(".node-panel h3")).ToContainTextAsync(id);
    }

    /// <summary>Types into one of the side panel's fields and leaves it, as the panel applies a value when its field is left.</summary>
    public async Task SetFieldAsync(string label, string value)
    {
        var field = page.Locator(".node-panel").GetByLabel(label, new() { Exact = true });
        await field.FillAsync(value);
        await field.PressAsync("Tab");
    }
}
