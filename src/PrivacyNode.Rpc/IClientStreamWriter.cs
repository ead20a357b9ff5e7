namespace PrivacyNode.Rpc;

/// <summary>The request side of a client- or bidirectional-streaming call.</summary>
/// <typeparam name="T">The request message type.</typeparam>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Ends the request stream (half-close). No writes may follow.</summary>
    Task CompleteAsync();
}
