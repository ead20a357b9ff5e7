using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Server;
using PrivacyNode.Testing;

namespace PrivacyNode.Cli.Tests;

/// <summary>A scripted local endpoint: answers what the CLI asks with fixed replies or the failure it is told to give.</summary>
public sealed class FakeNode : IAsyncLifetime
{
    private KestrelTestServer _server = null!;

    public Uri Address => _server.Address;

    /// <summary>The authorization header of the last call.</summary>
    public string? LastAuthorization { get; private set; }

    /// <summary>When set, every call fails with this.</summary>
    public RpcException? Failure { get; set; }

    public CheckPeerResponse CheckResult { get; set; } = new() { Name = "bureau", Reachable = true, RoundTripMs = 0.42, RemoteName = "bureau", KnownAs = "insurer" };

    public async Task InitializeAsync()
    {
        var router = new RpcRouter()
            .MapUnary(PeerServiceDescriptor.ListPeers, (_, c) => Answer(c, new ListPeersResponse
            {
                Peers =
                {
                    new Peer { Name = "bureau", Address = "10.0.0.2:7443", CertificateFingerprint = "sha256:" + new string('a', 64), AddedAt = Timestamp.FromDateTime(DateTime.UtcNow), AddedBy = "admin" },
                },
            }))
            .MapUnary(PeerServiceDescriptor.CheckPeer, (_, c) => Answer(c, CheckResult))
            .MapUnary(PeerServiceDescriptor.AddPeer, (r, c) => Answer(c, new AddPeerResponse { Peer = new Peer { Name = "bureau", Address = "10.0.0.2:7443" } }))
            .MapUnary(IdentityServiceDescriptor.GetInvitation, (_, c) => Answer(c, new GetInvitationResponse { Invitation = "privacynode://insurer@10.0.0.1:7443?fp=sha256:" + new string('b', 64) }))
            .MapUnary(UserServiceDescriptor.AddUser, (r, c) => Answer(c, new AddUserResponse { User = new User { Name = r.Name, Role = r.Role }, Token = "pn_" + new string('t', 43) }));
        _server = await KestrelTestServer.StartAsync(router);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<T> Answer<T>(ServerCallContext context, T response)
    {
        LastAuthorization = context.RequestHeaders.GetValue("authorization");
        return Failure is { } failure ? Task.FromException<T>(failure) : Task.FromResult(response);
    }
}
