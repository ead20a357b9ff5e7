namespace PrivacyNode.Rpc.Client.Internal;

/// <summary>What the public call wrappers share, independent of the message types.</summary>
internal interface IClientCall : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    Status GetStatus();

    Metadata GetTrailers();
}
