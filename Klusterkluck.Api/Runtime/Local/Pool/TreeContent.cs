using System.Net;
using Klusterkluck.Api.Git;

namespace Klusterkluck.Api.Runtime.Local.Pool;

/// <summary>A commit's tree as a request body (<see cref="CommitArchive"/>), written while it is sent.</summary>
internal sealed class TreeContent(string repository, string commit) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        CommitArchive.WriteAsync(repository, commit, stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
