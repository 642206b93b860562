using Klusterkluck.Worker.Runtime.Dotnet;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Klusterkluck.Worker.Tests.Dotnet;

/// <summary>
/// The handler shapes the runtime takes and the one-line errors for those it refuses, on classes
/// of this assembly named Function (no publish needed): they go through the same binding as a
/// published function's class.
/// </summary>
public sealed class HandlerShapeTests
{
    private static readonly IServiceProvider s_services = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider();

    [Theory]
    [InlineData(typeof(TaskOfResult.Function), "task of result /a")]
    [InlineData(typeof(ValueTaskOfTypedResult.Function), "value task of Ok")]
    [InlineData(typeof(Result.Function), "result")]
    [InlineData(typeof(TaskOfText.Function), "task of text with token /a")]
    [InlineData(typeof(StaticText.Function), "static text")]
    [InlineData(typeof(WritesItself.Function), "wrote it myself")]
    [InlineData(typeof(WritesItselfSynchronously.Function), "void")]
    public async Task EveryShapeAnswers(Type function, string expected)
    {
        var handler = HandlerMethod.In(function, "Function.dll").Bind();
        var context = new DefaultHttpContext { RequestServices = s_services };
        context.Request.Path = "/a";
        var body = new MemoryStream();
        context.Response.Body = body;

        using var cancel = new CancellationTokenSource();

        var result = await handler.Invoke(context, cancel.Token);
        await result!.ExecuteAsync(context);

        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(body.ToArray()).Trim('"'));
    }

    [Theory]
    [InlineData(typeof(NoHandler.Function),
        "Function.HandleAsync(HttpRequest) returning Task<IResult> not found in Function.dll: Function has no public HandleAsync or Handle (parameters may be HttpRequest, HttpContext, CancellationToken; it may return Task<IResult>, ValueTask<IResult>, IResult, Task<string>, string, Task or void)")]
    [InlineData(typeof(WrongParameter.Function),
        "Function.HandleAsync(HttpRequest) returning Task<IResult> not found in Function.dll: Function.HandleAsync(String) returning Task<IResult> does not fit (parameters may be HttpRequest, HttpContext, CancellationToken; it may return Task<IResult>, ValueTask<IResult>, IResult, Task<string>, string, Task or void)")]
    [InlineData(typeof(WrongReturn.Function),
        "Function.HandleAsync(HttpRequest) returning Task<IResult> not found in Function.dll: Function.Handle(HttpRequest) returning Int32 does not fit (parameters may be HttpRequest, HttpContext, CancellationToken; it may return Task<IResult>, ValueTask<IResult>, IResult, Task<string>, string, Task or void)")]
    [InlineData(typeof(TwoHandlers.Function),
        "Function in Function.dll has 2 handlers (Function.Handle(HttpRequest) returning String, Function.HandleAsync(HttpRequest) returning Task<IResult>); it must have one")]
    [InlineData(typeof(NoParameterlessConstructor.Function),
        "Function in Function.dll needs a public parameterless constructor: the worker makes one Function when it starts and calls its Handle (or make Handle static)")]
    [InlineData(typeof(ThrowingConstructor.Function),
        "Function's constructor (in Function.dll) threw InvalidOperationException: no database here")]
    public void WrongShapeFailsTheStartWithOneLine(Type function, string expected)
    {
        var error = Assert.Throws<WorkerStartupException>(() => HandlerMethod.In(function, "Function.dll").Bind());

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void AssemblyWithoutAFunctionClassFailsTheStartWithOneLine()
    {
        // This assembly's classes named Function are all nested: none is the function's.
        var error = Assert.Throws<WorkerStartupException>(() => HandlerMethod.Find(typeof(HandlerShapeTests).Assembly, "Tests.dll"));

        Assert.Equal("Function.HandleAsync(HttpRequest) returning Task<IResult> not found in Tests.dll: it has no public class named Function", error.Message);
    }

    public static class TaskOfResult
    {
        public sealed class Function
        {
            public async Task<IResult> HandleAsync(HttpRequest request)
            {
                await Task.Yield();
                return Results.Text($"task of result {request.Path}");
            }
        }
    }

    public static class ValueTaskOfTypedResult
    {
        public sealed class Function
        {
            public ValueTask<Microsoft.AspNetCore.Http.HttpResults.Ok<string>> HandleAsync() => new(TypedResults.Ok("value task of Ok"));
        }
    }

    public static class Result
    {
        public sealed class Function
        {
            public IResult Handle() => Results.Text("result");
        }
    }

    public static class TaskOfText
    {
        public sealed class Function
        {
            public async Task<string> HandleAsync(CancellationToken cancellationToken, HttpRequest request)
            {
                await Task.Delay(1, cancellationToken);
                return $"task of text {(cancellationToken.CanBeCanceled ? "with token" : "without one")} {request.Path}";
            }
        }
    }

    public static class StaticText
    {
        public static class Function
        {
            public static string Handle() => "static text";
        }
    }

    public static class WritesItself
    {
        public sealed class Function
        {
            public async Task HandleAsync(HttpContext context) => await context.Response.WriteAsync("wrote it myself");
        }
    }

    public static class WritesItselfSynchronously
    {
        public sealed class Function
        {
            public static void Handle(HttpContext context) => context.Response.Body.Write("void"u8);
        }
    }

    public static class NoHandler
    {
        public sealed class Function
        {
            public Task<IResult> ServeAsync(HttpRequest request) => Task.FromResult(Results.Ok());
        }
    }

    public static class WrongParameter
    {
        public sealed class Function
        {
            public Task<IResult> HandleAsync(string request) => Task.FromResult(Results.Text(request));
        }
    }

    public static class WrongReturn
    {
        public sealed class Function
        {
            public int Handle(HttpRequest request) => request.Path.Value!.Length;
        }
    }

    public static class TwoHandlers
    {
        public sealed class Function
        {
            public string Handle(HttpRequest request) => "one";

            public Task<IResult> HandleAsync(HttpRequest request) => Task.FromResult(Results.Text("two"));
        }
    }

    public static class NoParameterlessConstructor
    {
        public sealed class Function(string connectionString)
        {
            public string Handle() => connectionString;
        }
    }

    public static class ThrowingConstructor
    {
        public sealed class Function
        {
            public Function() => throw new InvalidOperationException("no database here");

            public string Handle() => "never";
        }
    }
}
