namespace PrivacyNode.Rpc.Server.Internal;

/// <summary>Reads the request(s), invokes the service method and writes the response(s) of one call shape.</summary>
internal abstract class ServerCallHandler
{
    /// <summary>Runs the call; any exception is turned into a status by the router.</summary>
    public abstract Task HandleAsync(ServerCallContext call);
}
